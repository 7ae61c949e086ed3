"""Where two coders differ: the passages a supervisor discusses in a reconciliation meeting.

Owns finding the exact character ranges where one coder applied a code and the
other did not (merged per code), or where the two applied different codes of
the same family at the same place; describing each one (text expanded to the
surrounding whole sentences, speaker, segment numbers, what each coder applied
there, offsets); and the Word reconciliation document. Pure over a `Corpus`
(see `qualcode.agreement.project`), except `write_docx`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from qualcode.agreement.project import Corpus, families, intervals, overlapping, spans_of, stretches
from qualcode.codebook.model import is_descendant_or_self
from qualcode.errors import QualcodeError

DIFFERENT_CODES = "different codes"
DIFFERENT_EXTENT = "different extent"
KINDS_FR = {DIFFERENT_CODES: "codes différents de la même famille", DIFFERENT_EXTENT: "étendues différentes"}
CONTEXT_LIMIT = 400  # characters of context at most on each side of a passage
_SENTENCE_END = re.compile(r"[.!?…]+[\"»”’)\]]*(?=\s)|\n")


@dataclass
class Passage:
    """One disagreement. `code` is the code at stake, or the family when the coders
    applied different codes of it (`codes` lists every code at stake); `applied`
    gives, per coder, the codes of their codings overlapping [start, end)."""

    transcript: str
    start: int
    end: int
    kind: str
    code: str
    codes: list[str]
    applied: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""
    before: str = ""  # the rest of the sentence(s) around the passage
    after: str = ""
    segment: int | None = None
    segment_last: int | None = None
    speaker: str = ""

    @property
    def context(self) -> str:
        return self.before + self.text + self.after


@dataclass
class Disagreements:
    coders: list[str]
    transcripts: list[str]
    excluded: dict[str, list[str]]
    passages: list[Passage]
    trivial: int  # differences made only of spaces and punctuation, left out
    short: int = 0  # differences of extent shorter than min_chars, hidden (see `hide_short`)
    min_chars: int = 0


def find(corpus: Corpus, scope: str = "all", within=()) -> Disagreements:
    """Every passage where the corpus' two coders differ (see the module doc);
    `within` keeps the passages with a code at stake in those codes' sub-trees."""
    if len(corpus.coders) != 2:
        raise QualcodeError("disagreements compare exactly two coders (--coders A B)")
    used = sorted({c["code"] for c in corpus.codings})
    tids = list(corpus.texts)
    group, coder, lo, hi, _, _ = intervals(corpus, {code: [r] for r, code in enumerate(used)}, len(used),
                                           "character", scope)
    runs = [(g, b, e, p) for g, b, e, p in zip(*(a.tolist() for a in stretches(group, coder, lo, hi, 2)))
            if p != 3]  # pattern 1: only the first coder, 2: only the second, 3: both
    family_of = _family_map(corpus.codes, used)
    passages, trivial = [], 0
    for g, b, e, who in _merged(runs):
        t, r = divmod(g, len(used))
        piece = corpus.texts[tids[t]][b:e]
        if not any(ch.isalnum() for ch in piece):
            trivial += 1
            continue
        b, e = b + len(piece) - len(piece.lstrip()), e - len(piece) + len(piece.rstrip())
        kind = DIFFERENT_EXTENT if who == 3 else f"only {corpus.coders[who - 1]}"
        passages.append(Passage(tids[t], b, e, kind, used[r], [used[r]]))
    passages = _same_family(passages, family_of, who_of={f"only {c}": c for c in corpus.coders})
    if within:
        passages = [p for p in passages if any(is_descendant_or_self(c, w) for c in p.codes for w in within)]
    mine: dict[tuple[str, str], list[dict]] = {}
    for c in corpus.codings:
        mine.setdefault((c["transcript"], c["coder"]), []).append(c)
    for p in passages:
        _describe(p, corpus, mine)
    passages.sort(key=lambda p: (p.transcript, p.start, p.code))
    return Disagreements(corpus.coders, tids, corpus.excluded, passages, trivial)


def hide_short(result: Disagreements, min_chars: int) -> Disagreements:
    """Hide the differences of extent (one coder's span longer, or a code only one
    applied) shorter than `min_chars` characters: at a span's edge they are
    boundary artefacts ("Oui, oui.", "Ouais."), not conceptual disagreements.
    Different codes of one family are always kept. Counts what it hid."""
    if min_chars <= 0:
        return result
    kept = [p for p in result.passages if p.kind == DIFFERENT_CODES or len(p.text.strip()) >= min_chars]
    result.short, result.min_chars = len(result.passages) - len(kept), min_chars
    result.passages = kept
    return result


def _merged(runs):
    """Runs (group, begin, end, pattern) sorted; touching or overlapping runs of one
    group merged, their patterns or-ed (3: both coders applied it, at different places)."""
    out: list[list[int]] = []
    for g, b, e, p in sorted(runs):
        if out and out[-1][0] == g and b <= out[-1][2]:
            out[-1][2], out[-1][3] = max(out[-1][2], e), out[-1][3] | p
        else:
            out.append([g, b, e, p])
    return out


def _family_map(codes, used) -> dict[str, str]:
    """Each used code's family (the nearest family above or at it; itself if none)."""
    fams = sorted((f.id for f in families(codes)), key=len, reverse=True)
    return {c: next((f for f in fams if is_descendant_or_self(c, f)), c) for c in used}


def _same_family(passages: list[Passage], family_of, who_of) -> list[Passage]:
    """Overlapping passages of different codes in one family, where each coder applied
    one of them, become one passage: the coders applied different codes there."""
    out, groups = [], {}
    for p in passages:
        groups.setdefault((p.transcript, family_of[p.code]), []).append(p)
    for (tid, family), items in groups.items():
        items.sort(key=lambda p: p.start)
        component: list[Passage] = []
        for p in [*items, None]:
            if p is not None and component and p.start < max(q.end for q in component):
                component.append(p)
                continue
            codes = sorted({q.code for q in component})
            coders = {who_of.get(q.kind, "both") for q in component}
            if len(codes) > 1 and ("both" in coders or len(coders) > 1):
                out.append(Passage(tid, min(q.start for q in component), max(q.end for q in component),
                                   DIFFERENT_CODES, family, codes))
            else:
                out.extend(component)
            component = [p]
    return out


def _describe(p: Passage, corpus: Corpus, mine: dict) -> None:
    """Fill in the passage's text, context sentence(s), segments, speaker and what each coder applied."""
    text, segs = corpus.texts[p.transcript], corpus.segments[p.transcript]
    p.text = text[p.start:p.end]
    for coder in corpus.coders:
        p.applied[coder] = sorted({c["code"] for c in mine.get((p.transcript, coder), [])
                                   if c["start"] < p.end and c["end"] > p.start})
    bounds = spans_of(segs)
    j0, j1 = (int(x) for x in overlapping(bounds[:, 0], bounds[:, 1], p.start, p.end))
    if j1 > j0:
        p.segment, p.segment_last = segs[j0]["idx"], segs[j1 - 1]["idx"]
        p.speaker = ", ".join(dict.fromkeys(s["speaker"] or "" for s in segs[j0:j1]))
    first = segs[j0] if j1 > j0 and segs[j0]["start"] <= p.start else None
    last = segs[j1 - 1] if j1 > j0 and segs[j1 - 1]["end"] >= p.end else None
    p.before, p.after = context(text, p.start, p.end, first["start"] if first else None,
                                last["end"] if last else None)


def context(text: str, start: int, end: int, floor: int | None = None,
            ceiling: int | None = None) -> tuple[str, str]:
    """The text before and after text[start:end] that completes its sentence(s),
    without leaving its line or [floor, ceiling) (its turn), at most CONTEXT_LIMIT
    characters on each side (an ellipsis marks a cut)."""
    lo = max(text.rfind("\n", 0, start) + 1, floor or 0, start - CONTEXT_LIMIT)
    newline = text.find("\n", end)
    hi = min(len(text) if newline < 0 else newline, len(text) if ceiling is None else ceiling,
             end + CONTEXT_LIMIT)
    left = lo
    for m in _SENTENCE_END.finditer(text, lo, start):
        left = m.end()
    right = hi
    m = _SENTENCE_END.search(text, max(start, end - 1), hi)
    if m:
        right = m.start() if m.group() == "\n" else m.end()
    right = max(right, end)
    cut_left = left == start - CONTEXT_LIMIT and left > 0 and text[left - 1] != "\n"
    cut_right = right == end + CONTEXT_LIMIT and right < len(text) and text[right] != "\n"
    return (("…" if cut_left else "") + text[left:start].lstrip(),
            text[end:right].rstrip() + ("…" if cut_right else ""))


def write_docx(result: Disagreements, path, labels: dict[str, str]):
    """The reconciliation document: one heading per transcript, then per code, then
    each passage in its sentence (the exact passage in bold), its place, and what
    each coder applied, with room for the decision."""
    from docx.shared import Pt

    from qualcode.exports.docxbody import document
    from qualcode.exports.files import atomic_write

    from qualcode.exports.french import set_up_document

    a, b = result.coders
    doc = document()
    set_up_document(doc)
    doc.add_heading(f"Désaccords de codage : {a} / {b}", level=0)
    doc.add_paragraph(f"{len(result.passages)} passages dans {len(result.transcripts)} entretiens codés "
                      f"par les deux codeurs ({', '.join(result.transcripts)})."
                      + (f" {result.short} différences d'étendue de moins de {result.min_chars} caractères "
                         "(artefacts de bornes) ne sont pas listées." if result.short else ""))
    by_transcript: dict[str, list[Passage]] = {}
    for p in result.passages:
        by_transcript.setdefault(p.transcript, []).append(p)
    for tid, items in by_transcript.items():
        doc.add_heading(f"Entretien {tid}", level=1)
        current = None
        for p in sorted(items, key=lambda p: (p.code, p.start)):
            if p.code != current:
                current = p.code
                doc.add_heading(f"{p.code} — {labels.get(p.code, '')}".rstrip(" —"), level=2)
            where = (f"segment {p.segment or '?'}" if p.segment == p.segment_last
                     else f"segments {p.segment}–{p.segment_last}")
            kind = KINDS_FR.get(p.kind) or p.kind.replace("only ", "seulement ")
            doc.add_paragraph(f"{where} · {p.speaker or '?'} · caractères {p.start}–{p.end} · {kind}").runs[0].italic = True
            quote = doc.add_paragraph(style="Quote")
            quote.add_run(p.before)
            quote.add_run(p.text).bold = True
            quote.add_run(p.after)
            for coder in (a, b):
                line = doc.add_paragraph(style="List Bullet")
                line.add_run(f"{coder} : ").bold = True
                line.add_run(", ".join(p.applied[coder]) or "—")
            doc.add_paragraph("Décision : ").runs[0].font.size = Pt(10)
    return atomic_write(path, lambda tmp: doc.save(str(tmp)))
