"""A review session: the queue of pending suggestions one at a time, decisions
saved at once (accept, reject, skip, change the code, adjust the span), undo,
and the model learning from the decisions.

The queue is ordered by what teaches most (`uncertain`: scores closest to the
code's threshold first), by score, or by document. Every `retrain_every`
decisions, `relearn` (meant for a worker thread: it opens its own connection)
trains the model again on the training coder's and the reviewer's codings, the
rejections and the codebook, and returns new scores for the pending model
suggestions; `rescore` stores them and re-orders what is left of the queue.
The Textual screen (`qualcode.tui.review`) is a thin layer over this class.
"""
from __future__ import annotations

from dataclasses import dataclass

from qualcode.assist import suggest as ops
from qualcode.errors import QualcodeError
from qualcode.textnav import sentences, word_left, word_right

ORDERS = ("uncertain", "score", "document")
RETRAIN_EVERY = 20


@dataclass
class Decision:
    suggestion: dict
    action: str  # accept, reject, skip
    coding_id: int | None = None  # the coding created by an accept (None: it existed already)


def adjust_span(text: str, start: int, end: int, lo: int, hi: int, *, edge: str, unit: str, widen: bool):
    """Move one edge of [start, end) by a word or a sentence, inside [lo, hi),
    never emptying the span."""
    if unit == "sentence":
        spans = sentences(text, lo, hi) or [(lo, hi)]
        if edge == "end":
            ends = [e for _, e in spans]
            after = [e for e in ends if e > end] if widen else [e for e in ends if start < e < end]
            new = (min(after) if widen else max(after)) if after else end
            return start, new
        starts = [s for s, _ in spans]
        before = [s for s in starts if s < start] if widen else [s for s in starts if start < s < end]
        new = (max(before) if widen else min(before)) if before else start
        return new, end
    if edge == "end":
        new = word_right(text, end, hi) if widen else word_left(text, end, start)
        while not widen and new > start and text[new - 1].isspace():
            new -= 1
        return (start, new) if new > start else (start, end)
    new = word_left(text, start, lo) if widen else _next_word(text, start, end)
    return (new, end) if new < end else (start, end)


def _next_word(text: str, pos: int, end: int) -> int:
    pos = word_right(text, pos, end)
    while pos < end and not (text[pos].isalnum()):
        pos += 1
    return pos


class ReviewSession:
    def __init__(self, project, reviewer: str, *, order: str = "uncertain", min_score=None, code=None, method=None,
                 transcripts=None, train_coder: str | None = None, retrain_every: int = RETRAIN_EVERY):
        if not reviewer or not reviewer.strip():
            raise QualcodeError("review needs --coder NAME (the owner of accepted codings)")
        if order not in ORDERS:
            raise QualcodeError(f"unknown order '{order}' ({', '.join(ORDERS)})")
        self.project, self.reviewer, self.order = project, reviewer, order
        self.train_coder, self.retrain_every = train_coder, retrain_every
        rows = project.store.suggestions(min_score=min_score, code=code, method=method)
        self.queue = [s for s in rows if not transcripts or s["transcript"] in transcripts]
        self.thresholds: dict[str, float] = {}
        self.codes = {c.id: c for c in project.codes()}
        self.history: list[Decision] = []
        self.since_retrain = 0
        self.retrained = 0
        self.pos = 0
        self._texts: dict[str, str] = {}
        self._segments: dict[str, list[dict]] = {}
        self._sort(0)
        self.span = self._span_of(self.current)
        self.edge = "end"

    # -- the queue --------------------------------------------------------------------
    def _key(self, s):
        if self.order == "score":
            return -s["score"]
        if self.order == "document":
            return (s["transcript"], s["start"], s["code"])
        return abs(s["score"] - self.thresholds.get(s["code"], 0.0))

    def _sort(self, start: int) -> None:
        self.queue[start:] = sorted(self.queue[start:], key=lambda s: (self._key(s), s["id"]))

    @property
    def current(self) -> dict | None:
        return self.queue[self.pos] if self.pos < len(self.queue) else None

    def _span_of(self, s):
        return (s["start"], s["end"]) if s else None

    def text(self, tid: str) -> str:
        if tid not in self._texts:
            self._texts[tid] = self.project.store.transcript(tid)["text"]
        return self._texts[tid]

    def turn(self, s: dict) -> tuple[dict | None, dict]:
        """(the interviewer turn before, the turn holding) the suggestion."""
        tid = s["transcript"]
        if tid not in self._segments:
            self._segments[tid] = self.project.store.segments(tid)
        segs = self._segments[tid]
        here = next((g for g in segs if g["start"] <= s["start"] < g["end"]), None)
        if here is None:
            return None, {"start": max(0, s["start"] - 300), "end": min(len(self.text(tid)), s["end"] + 300),
                          "speaker": None, "role": "", "idx": None}
        before = [g for g in segs if g["end"] <= here["start"] and g["role"] == "interviewer"]
        return (before[-1] if before else None), here

    # -- decisions --------------------------------------------------------------------
    def _advance(self, decision: Decision) -> None:
        self.history.append(decision)
        self.pos += 1
        if decision.action != "skip":
            self.since_retrain += 1
        self.span = self._span_of(self.current)
        self.edge = "end"

    def accept(self, code: str | None = None) -> dict:
        """Accept the current suggestion (with the adjusted span, and another code when given)."""
        from qualcode import coding

        s = self._require()
        code = code or s["code"]
        span = self.span if self.span != (s["start"], s["end"]) else None
        start, end = span or (s["start"], s["end"])
        existed = coding.find(self.project, s["transcript"], code, self.reviewer, start, end)
        made = ops.accept(self.project, [s["id"]], self.reviewer, code=code if code != s["code"] else None, span=span)[0]
        self._advance(Decision(s, "accept", None if existed else made["id"]))
        return made

    def reject(self) -> None:
        s = self._require()
        ops.reject(self.project, [s["id"]], self.reviewer)
        self._advance(Decision(s, "reject"))

    def skip(self) -> None:
        self._advance(Decision(self._require(), "skip"))

    def undo(self) -> Decision | None:
        """Take back the last decision: the suggestion is pending again and the
        coding an accept created is removed (both audited)."""
        from qualcode import coding

        if not self.history:
            return None
        last = self.history.pop()
        store = self.project.store
        if last.action != "skip":
            with store.transaction():
                if last.coding_id is not None and store.coding(last.coding_id):
                    coding.remove(self.project, last.coding_id, actor=self.reviewer, undo=True)
                store.reopen_suggestion(last.suggestion["id"])
                store.record(self.reviewer, "suggestion.undo", f"suggestion:{last.suggestion['id']}",
                             {"status": "accepted" if last.action == "accept" else "rejected"}, {"status": "pending"})
            self.since_retrain = max(0, self.since_retrain - 1)
        self.pos -= 1
        if self.queue[self.pos]["id"] != last.suggestion["id"]:  # re-ordered since: put it back here
            self.queue.remove(next(q for q in self.queue if q["id"] == last.suggestion["id"]))
            self.queue.insert(self.pos, last.suggestion)
        self.span = self._span_of(self.current)
        return last

    def _require(self) -> dict:
        if self.current is None:
            raise QualcodeError("no suggestion left to review")
        return self.current

    def adjust(self, *, unit: str = "word", widen: bool = True) -> tuple[int, int]:
        """Widen or narrow the active edge of the current span, inside its turn."""
        s = self._require()
        _, turn = self.turn(s)
        self.span = adjust_span(self.text(s["transcript"]), *self.span, turn["start"], turn["end"],
                                edge=self.edge, unit=unit, widen=widen)
        return self.span

    def toggle_edge(self) -> str:
        self.edge = "start" if self.edge == "end" else "end"
        return self.edge

    # -- progress -----------------------------------------------------------------------
    def progress(self) -> dict:
        done = [d for d in self.history if d.action != "skip"]
        accepted = sum(d.action == "accept" for d in done)
        return {"position": self.pos, "total": len(self.queue), "decided": len(done), "accepted": accepted,
                "rejected": len(done) - accepted, "skipped": sum(d.action == "skip" for d in self.history),
                "retrained": self.retrained}

    def acceptance(self, code: str) -> tuple[int, int]:
        """(accepted, decided) suggestions of a code, all reviewers and sessions."""
        counts = self.project.store.review_counts().get(code, {})
        return counts.get("accepted", 0), counts.get("accepted", 0) + counts.get("rejected", 0)

    # -- learning from the decisions ----------------------------------------------------------
    @property
    def due(self) -> bool:
        return self.retrain_every > 0 and self.since_retrain >= self.retrain_every

    def pending_model(self) -> list[dict]:
        return [s for s in self.queue[self.pos:] if s["method"] == "model"]

    def relearn(self) -> tuple[dict[int, float], dict[str, float]]:
        """Train again and score the pending model suggestions of the queue. Opens
        its own connection: safe in a worker thread. Returns (new scores by
        suggestion id, thresholds by code)."""
        from qualcode.project import Project

        self.since_retrain = 0
        pending = self.pending_model()
        project = Project.open(self.project.root)
        try:
            return relearn(project, [c for c in (self.train_coder, self.reviewer) if c], pending)
        finally:
            project.close()

    def rescore(self, scores: dict[int, float], thresholds: dict[str, float]) -> int:
        """Store new scores and re-order what is left of the queue; returns how many changed."""
        with self.project.store.transaction():
            self.project.store.rescore_suggestions(scores)
        changed = 0
        for s in self.queue[self.pos:]:
            if s["id"] in scores and s["status"] == "pending":
                changed += abs(s["score"] - scores[s["id"]]) > 1e-9
                s["score"] = scores[s["id"]]
        self.thresholds = thresholds
        current = self.current
        self._sort(self.pos + 1 if current else self.pos)  # the one on screen stays
        self.retrained += 1
        return changed


def relearn(project, coders: list[str], pending: list[dict]) -> tuple[dict[int, float], dict[str, float]]:
    """Train on `coders`' codings (rejections and codebook included; the codebook
    alone when they coded nothing) and score the `pending` model suggestions."""
    tids = sorted({s["transcript"] for s in pending})
    coded = sorted({c["transcript"] for coder in coders for c in project.store.codings(coder=coder)})
    corpus = ops.Corpus(project, sorted(set(tids) | set(coded)), codebook=True)
    model = (ops.train(project, corpus, coders, coded) if coded else ops.train_cold(project, corpus, tids))
    h = ops.Hierarchy(project.codes())
    scores: dict[int, float] = {}
    for tid in tids:
        index = {(u["start"], u["end"]): i for i, u in enumerate(corpus.units[tid])}
        mine = [s for s in pending if s["transcript"] == tid and (s["start"], s["end"]) in index]
        if not mine:
            continue
        _, Q, _ = model.scores([corpus.features(tid)[index[(s["start"], s["end"])]] for s in mine])
        for row, s in zip(Q, mine):
            cols = [j for j, c in enumerate(model.leaf_codes) if c == s["code"] or h.family_of(c) == s["code"]]
            scores[s["id"]] = round(float(max(row[cols], default=0.0)), 4) if cols else 0.0
    thresholds = {c: float(t) for c, t in zip(model.leaf_codes, model.thresholds)}
    thresholds |= {f: model.family_threshold for f in model.family_codes}
    return scores, thresholds
