"""Where each character of a transcript goes on screen: turns word-wrapped into
lines at a given width, and the way back from a screen cell to a text offset.

Pure functions, no Textual. A `Line` shows the characters [start, end) of the
stored text (its line break or the white space where it wraps included, shown
as one blank cell), after a prefix: the turn number and speaker on a turn's
first line, an indent on the others. A blank line separates turns. The last
line of a turn has one more cell, where the cursor shows at the turn's end.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from rich.cells import cell_len

INDENT = 5
_TOKEN = re.compile(r"[^\s]+[ \t\u00a0\u202f]*|[ \t\u00a0\u202f]+|\n")


@dataclass(frozen=True, slots=True)
class Line:
    turn: int          # index into the segments; -1 for the blank line between turns
    start: int         # text offset of the first character shown
    end: int           # text offset after the last one
    first: bool = False  # the turn's first line (shows number and speaker)
    last: bool = False   # the turn's last line (one more cell for the cursor)


def header(seg: dict, index: int) -> str:
    return f"{seg.get('idx', index + 1):>3} {seg.get('speaker') or '—'} : "


def prefix_width(line: Line, head: str) -> int:
    return cell_len(head) if line.first else INDENT


def wrap_turn(text: str, start: int, end: int, turn: int, first_width: int, width: int) -> list[Line]:
    """Lines of one turn: `first_width` cells for the first line's text, `width`
    for the others (each at least 1)."""
    lines: list[Line] = []
    line_start, used = start, 0
    avail = max(1, first_width)

    def close(stop: int) -> None:
        nonlocal line_start, used, avail
        lines.append(Line(turn, line_start, stop, first=not lines))
        line_start, used, avail = stop, 0, max(1, width)

    for m in _TOKEN.finditer(text, start, end):
        s, e = m.span()
        if text[s] == "\n":
            close(e)
            continue
        word = text[s:e].rstrip(" \t\u00a0\u202f") or text[s:e]
        size = cell_len(word)
        if used and used + size > avail:
            close(s)
        while size > avail and used == 0:  # a word longer than the line: cut it
            cut, cells = s, 0
            while cut < e and cells + cell_len(text[cut]) <= avail:
                cells += cell_len(text[cut])
                cut += 1
            cut = max(cut, s + 1)
            close(cut)
            s = cut
            word = text[s:e].rstrip(" \t\u00a0\u202f")
            size = cell_len(word)
        used += cell_len(text[s:e])
    if line_start < end or not lines or text[end - 1:end] == "\n":
        lines.append(Line(turn, line_start, end, first=not lines))
    last = lines[-1]
    lines[-1] = Line(last.turn, last.start, last.end, last.first, True)
    return lines


def layout(text: str, segments: list[dict], width: int) -> list[Line]:
    """Every screen line of the transcript at `width` cells (text, not margins);
    one cell is kept free at the end of each line for the cursor."""
    lines: list[Line] = []
    for i, seg in enumerate(segments):
        if i:
            lines.append(Line(-1, seg["start"], seg["start"]))
        head = cell_len(header(seg, i))
        lines.extend(wrap_turn(text, seg["start"], seg["end"], i,
                               width - head - 1, width - INDENT - 1))
    return lines


class LineIndex:
    """Offsets to lines and back, over one layout."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.text_rows = [y for y, line in enumerate(lines) if line.turn >= 0]
        self.starts = [lines[y].start for y in self.text_rows]
        self.first_row: dict[int, int] = {}
        self.last_row: dict[int, int] = {}
        for y in self.text_rows:
            self.first_row.setdefault(lines[y].turn, y)
            self.last_row[lines[y].turn] = y

    def row_of(self, offset: int, turn: int | None = None) -> int:
        """The line showing `offset` (a turn's end shows on its last line); with
        `turn`, a line of that turn (turns may touch: one's end is the next's start)."""
        k = max(0, bisect.bisect_right(self.starts, offset) - 1)
        row = self.text_rows[k]
        if turn is not None and self.lines[row].turn != turn:
            row = self.last_row[turn] if self.lines[row].turn > turn else self.first_row[turn]
        return row


def offset_at(text: str, line: Line, head: str, x: int) -> int:
    """The text offset shown at cell `x` of `line` (clamped to the line)."""
    x -= prefix_width(line, head)
    if x <= 0 or line.start == line.end:
        return line.start
    cells = 0
    for pos in range(line.start, line.end):
        width = 1 if text[pos] == "\n" else max(1, cell_len(text[pos]))
        if x < cells + width:
            return pos
        cells += width
    return line.end if line.last else max(line.start, line.end - 1)
