"""Coding stripes: the margin beside the text, one column per code (and coder)
present in the lines on screen, a bar along the lines each coding covers and
the code's label written down the bar, as much of it as the lines allow.

Pure functions over a layout (`qualcode.tui.layout`); no Textual.
"""
from __future__ import annotations

from dataclasses import dataclass, field

BAR, OTHER_BAR = "┃", "╏"


@dataclass
class Column:
    code: str
    coder: str
    mine: bool
    extents: list[tuple[int, int, dict]] = field(default_factory=list)  # (first row, last row, coding)


def margin_width(width: int) -> int:
    """Cells given to the stripes for a screen `width` cells wide."""
    return max(12, min(36, width // 4))


def columns_in_view(codings: list[dict], coder: str, row_of, top: int, bottom: int) -> list[Column]:
    """Columns for the codings with a line in rows [top, bottom], ordered by where
    they first show (then mine before others'). `row_of(offset)` -> row."""
    columns: dict[tuple[str, str], Column] = {}
    for c in codings:
        first, last = row_of(c["start"]), row_of(max(c["start"], c["end"] - 1))
        if last < top or first > bottom:
            continue
        key = (c["coder"], c["code"])
        col = columns.get(key)
        if col is None:
            col = columns[key] = Column(c["code"], c["coder"], c["coder"] == coder)
        col.extents.append((first, last, c))
    for col in columns.values():
        col.extents.sort(key=lambda e: (e[0], e[1]))
    return sorted(columns.values(),
                  key=lambda col: (not col.mine, max(col.extents[0][0], top), col.code, col.coder))


def layout_columns(count: int, width: int) -> tuple[int, int]:
    """(columns shown, cells per column) for `count` columns in `width` cells:
    at least two cells each; what does not fit is summed up in the last cell."""
    if count == 0:
        return 0, 0
    shown = min(count, width // 2)
    if shown < count:
        shown = max(1, (width - 2) // 2)
    return shown, max(2, width // shown if shown == count else (width - 2) // shown)


def cell_text(col: Column, row: int, top: int, label: str, size: int) -> str | None:
    """What column `col` shows on `row` in `size` cells (None: no coding there).
    The label runs down the bar from the first row each coding shows."""
    for first, last, _ in col.extents:
        if first <= row <= last:
            start = max(first, top)
            chunk = size - 1
            piece = label[(row - start) * chunk:(row - start + 1) * chunk]
            return (BAR if col.mine else OTHER_BAR) + piece.ljust(chunk)
    return None


def coding_at(col: Column, row: int) -> dict | None:
    """The innermost coding of the column covering `row`."""
    inside = [c for first, last, c in col.extents if first <= row <= last]
    return min(inside, key=lambda c: c["end"] - c["start"]) if inside else None
