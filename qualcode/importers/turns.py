"""Speaker turns: find speaker labels in paragraphs, build the stored text and
the segments with exact [start, end) offsets, and tell interviewers from
respondents.

Labels recognised at the start of a paragraph, after an optional timestamp:
``Nom :``, ``NOM:``, ``R1 :``, ``[Nom]``, ``Nom (00:12:30) :``, a name set in bold,
or a label alone on its line (the turn continues on the next paragraphs).
A colon label counts only if it appears at least twice in the document, is set
in bold, names a known speaker (an interviewer), or is a short code such as
``E``, ``R2``, so "Alors voilà : ..." is not a speaker.
Key/value lines before the first turn are interview metadata.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from qualcode.importers import RawDoc
from qualcode.importers.metadata import attribute_key, canonical_key, normalize_value
from qualcode.text import normalize

MAX_SEGMENT_CHARS = 2000  # longer turns are split at paragraph breaks

_TIME = re.compile(r"^\s*[\[(]?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)[\])]?\s*(?:[-–]\s*)?")
_COLON_LABEL = re.compile(
    r"^(?P<label>[A-ZÀ-ÖØ-Þ][\w'’ .\-]{0,40}?)\s*(?:\((?P<time>\d{1,2}:\d{2}(?::\d{2})?)\))?\s*:(?:\s+|$)"
)
_BRACKET_LABEL = re.compile(r"^\[(?P<label>[^\]\n]{1,40})\]\s*:?\s*")
_SHORT_LABEL = re.compile(r"^[A-Z]{1,3}\d{0,2}$")  # E, R, R1, INT: speaker codes even when used once
_KEY_VALUE = re.compile(r"^\s*(?P<key>[^:\n]{1,40}?)\s*:\s*(?P<value>\S.*)$")
_NOT_SPEAKERS = {
    "inaudible", "rires", "rire", "silence", "pause", "incomprehensible", "bruit", "coupure",
    "toux", "soupir", "soupirs", "interruption", "hesitation", "blanc", "fin", "debut",
    "fin de l enregistrement", "debut de l enregistrement", "mots inaudibles", "inaudible rires",
    "ok", "nb", "ps",
}
DEFAULT_INTERVIEWERS = {
    "e", "e1", "e2", "i", "int", "q", "enqueteur", "enquetrice", "enqueteur rice", "interviewer",
    "intervieweur", "intervieweuse", "chercheur", "chercheuse", "evaluateur", "evaluatrice",
}


def fold(label: str) -> str:
    text = unicodedata.normalize("NFKD", label)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _candidate(text: str, bold_prefix: int):
    """(label, content offset, time, from_bold) if the paragraph opens with a label."""
    time_match = _TIME.match(text)
    pos, time = (time_match.end(), time_match.group(1)) if time_match else (0, None)
    if bold_prefix > pos:
        raw = text[pos:bold_prefix]
        label = raw.strip().rstrip(":").strip()
        if label and len(label.split()) <= 5:
            after = re.match(r"\s*:?\s*", text[bold_prefix:])
            return label, bold_prefix + after.end(), time, True
    rest = text[pos:]
    match = _COLON_LABEL.match(rest) or _BRACKET_LABEL.match(rest)
    if not match:
        return None
    label = match.group("label").strip()
    if len(label.split()) > 4:
        return None
    inner_time = match.groupdict().get("time")
    return label, pos + match.end(), time or inner_time, False


def assemble(raw: RawDoc, interviewers=(), source: Path | None = None, *, metadata_lines: bool = True):
    """Return (text, segments, header metadata). Segments carry speaker, time,
    start, end and text; roles are assigned later by `assign_roles`. With
    `metadata_lines` false, 'Clé : valeur' lines stay in the text (REFI-QDA
    sources, whose codings point into every line)."""
    paragraphs = [p for p in raw.paragraphs]
    for p in paragraphs:
        p.text = normalize(p.text)
        if p.speaker:  # caption voice tags and name prefixes
            p.speaker = normalize(p.speaker).strip()
    if raw.captions:
        lines = []
        for p in paragraphs:
            prefix = f"{p.speaker} : " if p.speaker else ""
            lines.append((prefix + p.text, len(prefix), p.speaker, p.time))
        return _build(lines, {}) + ({},)

    known = {fold(n) for n in interviewers}
    candidates = [_candidate(p.text, p.bold_prefix) if p.text.strip() else None for p in paragraphs]
    counts: dict[str, int] = {}
    for c in candidates:
        if c:
            counts[fold(c[0])] = counts.get(fold(c[0]), 0) + 1
    accepted = {
        fold(c[0]) for c in candidates
        if c and fold(c[0]) not in _NOT_SPEAKERS and fold(c[0])
        and (c[3] or counts[fold(c[0])] >= 2 or fold(c[0]) in known or _SHORT_LABEL.match(c[0]))
    }

    # 'Clé : valeur' lines before the first turn are metadata when one of them
    # names a known key (as for tables); otherwise they are text ("Zoé : Oui.")
    first_turn = next((i for i, c in enumerate(candidates) if c and fold(c[0]) in accepted),
                      len(paragraphs))
    key_values = {i: kv for i in range(first_turn) if (kv := _KEY_VALUE.match(paragraphs[i].text))}
    if not metadata_lines or not any(canonical_key(kv.group("key")) for kv in key_values.values()):
        key_values = {}

    header: dict[str, str] = {}
    lines = []
    for i, (p, c) in enumerate(zip(paragraphs, candidates)):
        if not p.text.strip():
            continue
        if c and fold(c[0]) in accepted:
            lines.append((p.text, c[1], c[0], c[2]))
            continue
        if i in key_values:
            kv = key_values[i]
            key = attribute_key(kv.group("key"))
            where = f"{source}: metadata line '{p.text[:40]}'"
            header[key] = normalize_value(key, kv.group("value"), where)
            continue
        lines.append((p.text, 0, None, None))
    text, segments = _build(lines, header)
    return text, segments, header


def _build(lines, header):
    """Join lines with newlines; group consecutive lines into turns."""
    text_parts: list[str] = []
    turns: list[dict] = []
    preamble: list[tuple[int, int]] = []
    pos = 0
    current = None
    for line, content_at, speaker, time in lines:
        start = pos
        text_parts.append(line)
        pos += len(line) + 1
        body = line[content_at:]
        lead = len(body) - len(body.lstrip())
        span = (start + content_at + lead, start + len(line.rstrip()))
        if speaker is not None:
            current = {"speaker": speaker, "time": time, "spans": []}
            turns.append(current)
        target = current["spans"] if current is not None else preamble
        if span[1] > span[0]:
            target.append(span)
    text = "\n".join(text_parts)
    segments = []
    if not turns and preamble:
        turns = [{"speaker": None, "time": None, "spans": [s]} for s in preamble]
    for turn in turns:
        for start, end in _split(turn["spans"]):
            segments.append({"speaker": turn["speaker"], "time": turn["time"],
                             "start": start, "end": end, "text": text[start:end]})
    return text, segments


def _split(spans: list[tuple[int, int]]):
    """One segment per turn, or several cut at paragraph breaks when it is long."""
    if not spans:
        return []
    chunks = [[spans[0]]]
    for span in spans[1:]:
        if span[1] - chunks[-1][0][0] > MAX_SEGMENT_CHARS:
            chunks.append([span])
        else:
            chunks[-1].append(span)
    return [(c[0][0], c[-1][1]) for c in chunks]


def assign_roles(segments: list[dict], interviewers) -> None:
    names = {fold(n) for n in interviewers if n} | DEFAULT_INTERVIEWERS
    for seg in segments:
        speaker = seg.get("speaker")
        if speaker is None:
            seg["role"] = "other"
        else:
            seg["role"] = "interviewer" if fold(speaker) in names else "respondent"
