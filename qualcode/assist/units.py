"""Suggestion units: respondent turns cut into windows of a few sentences (the
default), or whole turns (`unit="turn"`, reported by `suggest evaluate` for
comparison).

Sentence boundaries come from punctuation only, and any stretch longer than
`max_words` (unpunctuated automatic captions) is cut into word windows, so the
cut never depends on a sentence segmenter alone. Pure functions.
"""
from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»)\]]*\s+")
_WORD = re.compile(r"\S+")


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) spans of the sentences of text[start:end] (offsets into text)."""
    spans, pos = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.start() > pos:
            spans.append((pos, match.start()))
        pos = match.end()
    if pos < end and text[pos:end].strip():
        spans.append((pos, end))
    return spans


def _words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


def units_for_segment(text: str, start: int, end: int, *, min_words: int = 12,
                      max_words: int = 60) -> list[tuple[int, int]]:
    """Windows of whole sentences with at least `min_words` words (the last may be
    shorter when the turn is short); sentences over `max_words` are cut into word
    windows of about 40 words."""
    pieces: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, start, end):
        words = _words(text, s, e)
        if len(words) <= max_words:
            pieces.append((s, e))
            continue
        for i in range(0, len(words), 40):
            chunk = words[i:i + 40]
            pieces.append((chunk[0][0], chunk[-1][1]))
    units: list[tuple[int, int]] = []
    current, count = None, 0
    for s, e in pieces:
        n = len(_words(text, s, e))
        if current is None:
            current, count = (s, e), n
        else:
            current, count = (current[0], e), count + n
        if count >= min_words:
            units.append(current)
            current, count = None, 0
    if current is not None:
        if units and count < min_words // 2:
            units[-1] = (units[-1][0], current[1])
        else:
            units.append(current)
    return units


UNITS = ("window", "turn")


def units_for_transcript(text: str, segments: list[dict], *, include_interviewer: bool = False,
                         unit: str = "window"):
    """All units of a transcript, each with its segment index."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    out = []
    for seg in segments:
        if seg["role"] in ("interviewer", "other") and not include_interviewer:
            continue
        spans = [(seg["start"], seg["end"])] if unit == "turn" else units_for_segment(text, seg["start"], seg["end"])
        for s, e in spans:
            out.append({"start": s, "end": e, "segment": seg["idx"]})
    return out


def label_units(units: list[dict], codings: list[dict]) -> list[set[str]]:
    """Gold codes of each unit: a coding counts for a unit when their overlap is at
    least half of the shorter of the two."""
    by_start = sorted(codings, key=lambda c: c["start"])
    labels = []
    for unit in units:
        found = set()
        for c in by_start:
            if c["start"] >= unit["end"]:
                break
            overlap = min(unit["end"], c["end"]) - max(unit["start"], c["start"])
            if overlap > 0 and overlap * 2 >= min(unit["end"] - unit["start"], c["end"] - c["start"]):
                found.add(c["code"])
        labels.append(found)
    return labels
