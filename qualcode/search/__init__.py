"""Keyword in context over a project: every hit of a pattern with its context,
transcript, turn, speaker and offsets, and coding all hits (or their sentences
or turns) with one code in one audited transaction.

Matching (whole words, `*` wildcard, accents and case optional, lemmas on
demand) lives in `qualcode.search.match`; this module owns the project side:
which transcripts and turns are searched, the passages a unit makes of the
hits, and the coding.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from qualcode.errors import QualcodeError
from qualcode.search.match import compile_pattern, find_lemmas, find_literal

UNITS = ("hit", "sentence", "turn")
_SPACES = re.compile(r"\s+")


@dataclass
class Hit:
    transcript: str
    turn: int
    speaker: str | None
    role: str
    start: int
    end: int
    match: str
    left: str
    right: str
    turn_start: int
    turn_end: int

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k not in ("turn_start", "turn_end")}


@dataclass
class Passage:
    """What coding a hit means for a unit: the hit itself, its sentence or its turn."""
    transcript: str
    turn: int
    start: int
    end: int
    hits: int
    covered_by: int | None = None  # a coding of the same code and coder already covering it


def select_transcripts(project, transcripts=None, where=None) -> list[str]:
    """Transcript ids (all by default), kept by `where` ("key=value" strings:
    values of one key are alternatives, different keys must all match)."""
    ids = project.store.transcript_ids()
    if transcripts:
        wanted = [t.strip() for item in transcripts for t in str(item).split(",") if t.strip()]
        for tid in wanted:
            project.transcript(tid)  # unknown ids: one clear error
        ids = [t for t in ids if t in set(wanted)]
    if where:
        pairs: dict[str, set[str]] = {}
        for item in where:
            key, sep, value = str(item).partition("=")
            if not sep or not key.strip():
                raise QualcodeError(f"bad filter '{item}': expected attribute=value")
            pairs.setdefault(key.strip(), set()).add(value.strip())
        attributes = project.store.all_attributes()
        known = {k for attrs in attributes.values() for k in attrs}
        for key in pairs:
            if key not in known:
                raise QualcodeError(f"no transcript has attribute '{key}' (known: {', '.join(sorted(known)) or 'none'})")
        ids = [t for t in ids if all(attributes.get(t, {}).get(k) in v for k, v in pairs.items())]
    return ids


def _turns(store, tid: str, text: str) -> list[dict]:
    return store.segments(tid) or [{"idx": 1, "speaker": None, "role": "respondent", "start": 0, "end": len(text)}]


def _context(text: str, lo: int, hi: int) -> str:
    return _SPACES.sub(" ", text[lo:hi])


def search(project, pattern: str, *, lemma: bool = False, transcripts=None, where=None,
           role: str | None = None, context: int = 40) -> list[Hit]:
    """Every hit of `pattern` inside the turns of the chosen transcripts, in order."""
    if role not in (None, "respondent", "interviewer"):
        raise QualcodeError(f"unknown role '{role}' (respondent or interviewer)")
    if context < 0:
        raise QualcodeError("--context must be 0 or more characters")
    ids = select_transcripts(project, transcripts, where)
    store = project.store
    texts = {tid: store.transcript(tid)["text"] for tid in ids}
    finder = make_finder(project, pattern, texts, lemma=lemma)
    hits: list[Hit] = []
    for tid in ids:
        text = texts[tid]
        for seg, (s, e) in in_turns(finder(tid, text), _turns(store, tid, text)):
            if role and (seg.get("role") or "respondent") != role:
                continue
            lo, hi = seg["start"], seg["end"]
            hits.append(Hit(tid, seg["idx"], seg.get("speaker"), seg.get("role") or "respondent", s, e,
                            text[s:e], _context(text, max(lo, s - context), s),
                            _context(text, e, min(hi, e + context)), lo, hi))
    return hits


def in_turns(spans: list[tuple[int, int]], segments: list[dict]):
    """(turn, span) for each span that lies inside one turn (a span reaching into
    the speaker label of the next turn is not a hit)."""
    import bisect

    starts = [seg["start"] for seg in segments]
    for s, e in spans:
        i = bisect.bisect_right(starts, s) - 1
        if i >= 0 and e <= segments[i]["end"]:
            yield segments[i], (s, e)


def make_finder(project, pattern: str, texts: dict[str, str], *, lemma: bool = False):
    """A function (transcript id, text) -> hit spans in the text, for `texts`
    ({transcript id: text}); with `lemma`, spaCy docs are loaded (or parsed and
    cached) for those texts first."""
    if not lemma:
        regex = compile_pattern(pattern)
        return lambda tid, text: find_literal(text, regex)
    from qualcode.assist.nlp import Pipeline

    if "*" in pattern:
        raise QualcodeError("--lemma matches inflections already: drop the * from the pattern")
    compile_pattern(pattern)  # the same check for an empty pattern
    pipeline = Pipeline(project.store)
    key = " ".join(pattern.lower().split())  # "PUNAISES" alone would be lemmatized as a name
    pipeline.warm(list(texts.values()), [key])
    words, lemmas = pipeline.keyword_tokens([key])[key]
    docs = dict(zip(texts, pipeline.docs(list(texts.values()))))
    return lambda tid, text: find_lemmas(docs[tid], words, lemmas)


def passages(project, hits: list[Hit], unit: str = "hit") -> list[Passage]:
    """The spans to code for `unit`, one per distinct span, in order."""
    from qualcode.textnav import sentence_at

    if unit not in UNITS:
        raise QualcodeError(f"unknown unit '{unit}' ({', '.join(UNITS)})")
    out: dict[tuple[str, int, int], Passage] = {}
    texts: dict[str, str] = {}
    for h in hits:
        if unit == "hit":
            span = (h.start, h.end)
        elif unit == "turn":
            span = (h.turn_start, h.turn_end)
        else:
            text = texts.setdefault(h.transcript, project.store.transcript(h.transcript)["text"])
            first = sentence_at(text, h.turn_start, h.turn_end, h.start)
            last = sentence_at(text, h.turn_start, h.turn_end, max(h.start, h.end - 1))
            span = (first[0], max(first[1], last[1]))
        key = (h.transcript, *span)
        if key in out:
            out[key].hits += 1
        else:
            out[key] = Passage(h.transcript, h.turn, span[0], span[1], 1)
    return list(out.values())


def mark_covered(project, found: list[Passage], code: str, coder: str) -> list[Passage]:
    """Set `covered_by` on passages already inside a coding of `code` by `coder`."""
    from qualcode.codebook.operations import require_code

    require_code(project.store, code)
    by_transcript: dict[str, list[dict]] = {}
    for c in project.store.codings(code=code, coder=coder):
        if c["code"] == code:
            by_transcript.setdefault(c["transcript"], []).append(c)
    for p in found:
        p.covered_by = next((c["id"] for c in by_transcript.get(p.transcript, [])
                             if c["start"] <= p.start and c["end"] >= p.end), None)
    return found


def code_passages(project, found: list[Passage], code: str, coder: str, *, pattern: str,
                  lemma: bool = False, unit: str = "hit") -> list[dict]:
    """Code every passage not already covered, in one transaction; each coding is
    audited, then one `search.code` entry names the search. Returns the codings."""
    from qualcode import coding as ops

    if not coder or not coder.strip():
        raise QualcodeError("coding search hits needs a coder name (--coder NAME)")
    todo = [p for p in mark_covered(project, found, code, coder) if p.covered_by is None]
    provenance = {"search": pattern, "lemma": lemma, "unit": unit}
    created = []
    with project.store.transaction():
        for p in todo:
            created.append(ops.add(project, p.transcript, code, coder, p.start, p.end,
                                   origin="search", provenance=provenance))
        project.store.record(coder, "search.code", f"code:{code}", None,
                             {**provenance, "coder": coder, "codings": [c["id"] for c in created],
                              "already_covered": len(found) - len(todo)})
    return created
