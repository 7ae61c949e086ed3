"""Positions at the edge: REFI-QDA offsets <-> qualcode's code-point offsets.

A REFI-QDA selection's ``startPosition``/``endPosition`` count *something* over
the source's plain text as the archive holds it (BOM removed, line ends as they
are): NVivo counts UTF-16 code units (a character outside the BMP counts 2, CRLF
counts 2), end exclusive; other producers may count code points. qualcode keeps
code points over its stored text, which differs from the archive's text: line
ends become LF, each line is NFC-normalised and loses its trailing white space,
blank lines and stray BOMs are dropped (exactly what the .txt importer does).

- `UnitIndex` converts between code points and UTF-16 units of one text.
- `stored_form` builds the stored lines from an archive text *and* an explicit
  `Alignment` from archive code points to stored code points.
- `canonical` is the comparison form used to check a converted span: a coding is
  placed only when the stored text at its span equals the archive's selection
  text in that form (NFC, white-space runs as one space, no white space at the
  edges).
- `detect_unit` chooses the unit for one archive: by producer, else by how many
  spans fall on word boundaries under each reading.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

UNITS = ("utf16", "codepoints")
_LINE_END = re.compile(r"\r\n|\r|\n")
_SPACES = re.compile(r"\s+")


class UnitIndex:
    """Code points <-> UTF-16 code units over one text."""

    def __init__(self, text: str):
        self.length = len(text)
        astral = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]
        self._astral = astral  # code-point index of each character outside the BMP
        self._astral_units = [i + k for k, i in enumerate(astral)]  # its UTF-16 offset
        self.units = self.length + len(astral)

    def to_units(self, index: int) -> int:
        return index + bisect_left(self._astral, index)

    def to_codepoint(self, unit: int) -> int | None:
        """The code point at UTF-16 offset `unit`; None inside a surrogate pair or out of range."""
        if not 0 <= unit <= self.units:
            return None
        k = bisect_left(self._astral_units, unit)  # astral characters starting before `unit`
        if k and self._astral_units[k - 1] == unit - 1:
            return None
        return unit - k


def canonical(text: str) -> str:
    """The form two texts are compared in: NFC, no BOM, white-space runs as one space, stripped."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text.replace("\ufeff", ""))).strip()


def stored_line(line: str) -> str:
    """One archive line as qualcode stores it (see `qualcode.text.normalize`)."""
    return unicodedata.normalize("NFC", line.replace("\ufeff", "")).rstrip()


@dataclass
class _Line:
    raw_start: int  # archive code point where the line starts
    raw_len: int  # its length, line end excluded
    stored_start: int  # stored code point where its kept text starts
    kept: int  # stored length of the kept text
    cuts: list[tuple[int, int]] | None  # (raw offset, stored offset) at chunk edges; None: identity


class Alignment:
    """Archive code point -> stored code point, for the edges of a span.

    `start(a)` is where the first kept character at or after `a` lands; `end(a)`
    is just after where the last kept character before `a` lands. Characters
    dropped (line ends, trailing spaces, blank lines, BOMs) have no place of
    their own, so a span that starts or ends on them shrinks to the kept text.
    Inside a line whose NFC form differs, positions map chunk by chunk (a chunk:
    a character with the combining marks after it)."""

    def __init__(self, lines: list[_Line], raw_length: int, stored_length: int):
        self.lines = lines
        self.raw_length = raw_length
        self.stored_length = stored_length
        self._starts = [ln.raw_start for ln in lines]

    def _line_at(self, a: int) -> int:
        return bisect_right(self._starts, a) - 1

    def _inside(self, ln: _Line, offset: int, forward: bool) -> int:
        """Stored offset within the line's kept text for a raw offset within the line."""
        if ln.cuts is None:
            return min(offset, ln.kept)
        raw_edges = [r for r, _ in ln.cuts]
        i = bisect_left(raw_edges, offset)
        if i < len(raw_edges) and raw_edges[i] == offset:
            return min(ln.cuts[i][1], ln.kept)
        # inside a chunk: a start goes to the chunk's start, an end to its end
        return min(ln.cuts[i - 1][1] if forward else ln.cuts[i][1], ln.kept)

    def start(self, a: int) -> int:
        i = self._line_at(a)
        if i >= 0:
            ln = self.lines[i]
            offset = a - ln.raw_start
            if offset < ln.raw_len:
                stored = self._inside(ln, offset, forward=True)
                if stored < ln.kept:
                    return ln.stored_start + stored
        nxt = i + 1
        return self.lines[nxt].stored_start if nxt < len(self.lines) else self.stored_length

    def end(self, a: int) -> int:
        i = self._line_at(a)
        if i < 0:
            return 0
        ln = self.lines[i]
        offset = a - ln.raw_start
        if offset == 0:
            return self._end_before(i)
        return ln.stored_start + self._inside(ln, min(offset, ln.raw_len), forward=False)

    def _end_before(self, i: int) -> int:
        if i == 0:
            return 0
        ln = self.lines[i - 1]
        return ln.stored_start + ln.kept


def stored_form(raw: str) -> tuple[list[str], Alignment]:
    """The stored lines of an archive text (BOM already removed) and the alignment
    from the archive text to ``"\\n".join(lines)``."""
    lines: list[str] = []
    kept_lines: list[_Line] = []
    pos = 0
    stored_pos = 0
    for match in [*_LINE_END.finditer(raw), None]:
        end = match.start() if match else len(raw)
        line = raw[pos:end]
        text = stored_line(line)
        if text.strip():
            cuts = None if text == line[:len(text)] else _chunk_cuts(line, text)
            kept_lines.append(_Line(pos, len(line), stored_pos, len(text), cuts))
            lines.append(text)
            stored_pos += len(text) + 1
        pos = match.end() if match else len(raw)
    stored_length = max(stored_pos - 1, 0)
    return lines, Alignment(kept_lines, len(raw), stored_length)


def _chunk_cuts(line: str, text: str) -> list[tuple[int, int]]:
    """(raw offset, stored offset) at each chunk edge of a line whose stored form
    differs from it; one coarse chunk when chunk-wise NFC does not add up."""
    chunks: list[tuple[int, str]] = []
    for i, c in enumerate(line):
        if c == "\ufeff" or not chunks or not unicodedata.combining(c) or chunks[-1][1] == "\ufeff":
            chunks.append((i, c))
        else:
            chunks[-1] = (chunks[-1][0], chunks[-1][1] + c)
    cuts, parts, stored = [], [], 0
    for raw_at, chunk in chunks:
        cuts.append((raw_at, stored))
        parts.append(unicodedata.normalize("NFC", chunk.replace("\ufeff", "")))
        stored += len(parts[-1])
    cuts.append((len(line), stored))
    if "".join(parts).rstrip() != text:
        return [(0, 0), (len(line), len(text))]
    return cuts


# --------------------------------------------------------------------------- choosing the unit


def _word_aligned(text: str, start: int, end: int) -> bool:
    head = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    tail = end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    return head and tail


def to_codepoints(index: UnitIndex, unit: str, position: int) -> int | None:
    """An archive position in `unit` as a code point of the archive text (None: impossible)."""
    if unit == "codepoints":
        return position if 0 <= position <= index.length else None
    return index.to_codepoint(position)


def detect_unit(origin: str | None, spans: list[tuple[str, UnitIndex, int, int]]) -> tuple[str, str]:
    """(unit, why) for an archive: `spans` are (archive text, its index, start, end)
    of its text selections."""
    producer = (origin or "").strip()
    if producer.lower().startswith(("nvivo", "qualcode")):
        return "utf16", f"{producer.split(' (')[0] or 'the producer'} writes UTF-16 code units"
    if not any(index.units != index.length for _, index, _, _ in spans):
        return "utf16", "UTF-16 units and code points agree on these texts (no character outside the BMP)"
    scores = {}
    for unit in UNITS:
        hits = 0
        for text, index, start, end in spans:
            a, b = to_codepoints(index, unit, start), to_codepoints(index, unit, end)
            if a is not None and b is not None and a < b and _word_aligned(text, a, b):
                hits += 1
        scores[unit] = hits
    unit = "codepoints" if scores["codepoints"] > scores["utf16"] else "utf16"
    return unit, (f"{scores[unit]} of {len(spans)} selections fall on word boundaries as {unit} "
                  f"(vs {scores[UNITS[1 - UNITS.index(unit)]]}); use --positions to choose")
