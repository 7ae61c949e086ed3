"""The transcript on screen (Textual line API): turns wrapped to the width, the
coder's codings as coloured backgrounds (underlined where codes overlap), search
hits, the selection and the cursor; coding stripes in the right margin; mouse
clicks and drags turned into text offsets.

The view draws what its host (the coding screen) holds: `text`, `segments`,
`cursor`, `selection()`, `turn_index()`, `painted()` (codings coloured in the
text), `striped()` (codings with stripes), `hits`, `coder`, `color(code)`,
`label(code)`; and tells it about the mouse: `mouse_place(offset, extend)`,
`mouse_select(start, end)`, `hover(message)`.
"""
from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.tui import stripes
from qualcode.tui.colors import blend
from qualcode.tui.layout import INDENT, LineIndex, header, layout, offset_at

CURSOR = Style(color="black", bgcolor="#ffd75f", bold=True)
HIT = Style(color="#ffd75f", bold=True, underline=True)
ROLE = {"interviewer": Style(italic=True, color="#a8b3bd")}
SPEAKER = {"interviewer": Style(bold=True, color="cyan"), "respondent": Style(bold=True, color="yellow")}


class TranscriptView(ScrollView, can_focus=False):
    """One transcript, scrolled by its host's cursor, the wheel or the scroll bar."""

    ALLOW_SELECT = False  # the mouse selects text for coding, not for copying
    DEFAULT_CSS = """
    TranscriptView { overflow-x: hidden; overflow-y: scroll; scrollbar-size-vertical: 1; }
    """

    def __init__(self, host, **kwargs) -> None:
        super().__init__(**kwargs)
        self.host = host
        self.heads = [header(s, i) for i, s in enumerate(host.segments)]
        self.lines = []
        self.index: LineIndex | None = None
        self.laid_width = 0
        self._styles: dict = {}
        self._columns_key = None
        self._columns: tuple = ([], 0, 0)
        self._dragging = False
        self._rich = None

    @property
    def base_style(self) -> Style:
        """The widget's own style (costly to compute: once until the CSS changes)."""
        if self._rich is None:
            self._rich = self.rich_style
        return self._rich

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rich, self._styles = None, {}

    # -- geometry -------------------------------------------------------------------
    @property
    def text_width(self) -> int:
        return max(20, self.scrollable_content_region.width - stripes.margin_width(self.size.width))

    def relayout(self) -> None:
        width = self.text_width
        if width == self.laid_width and self.lines:
            return
        self.lines = layout(self.host.text, self.host.segments, width)
        self.index = LineIndex(self.lines)
        self.laid_width = width
        self._columns_key = None
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.lines))

    def on_resize(self, event: events.Resize) -> None:
        self.relayout()
        self.show_cursor()
        self.refresh()

    def row_of(self, offset: int, turn: int | None = None) -> int:
        if self.index is None:
            self.relayout()
        return self.index.row_of(offset, turn)

    def cursor_row(self) -> int:
        return self.row_of(self.host.cursor, self.host.turn_index())

    def show_cursor(self, top: bool = False) -> None:
        """Scroll so that the cursor's line is on screen (with two lines around it);
        `top`: put its turn's first line near the top when the turn fits."""
        if not self.lines or self.size.height == 0:
            return
        row, height, y = self.cursor_row(), self.size.height, self.scroll_offset.y
        if top:
            first = self.index.first_row[self.host.turn_index()]
            target = first - 1 if row - first < height - 3 else row - height // 3
            self.scroll_to(y=max(0, target), animate=False, immediate=True)
        elif row < y + 1:
            self.scroll_to(y=max(0, row - 2), animate=False, immediate=True)
        elif row > y + height - 2:
            self.scroll_to(y=row - height + 3, animate=False, immediate=True)

    def refresh_offsets(self, *spans: tuple[int, int]) -> None:
        """Redraw the lines showing these [start, end] offsets."""
        for start, end in spans:
            first, last = self.row_of(start), self.row_of(end)
            self.refresh_lines(first, last - first + 1)

    # -- drawing --------------------------------------------------------------------
    def _base(self) -> tuple[str, str]:
        bg = self.base_style.bgcolor
        base = bg.triplet.hex if bg is not None and bg.triplet is not None else "#1e1e1e"
        return base, blend(base, "#ffffff", 0.06)

    def style_for(self, key: tuple) -> Style:
        style = self._styles.get(key)
        if style is None:
            code, overlap, hit, selected, cursor, role, current = key
            base, boost = self._base()
            bg = boost if current else base
            style = self.base_style + Style(bgcolor=bg) + ROLE.get(role, Style())
            if code:
                style += Style(bgcolor=blend(bg, self.host.color(code), 0.38), underline=overlap)
            if hit:
                style += HIT
            if selected:
                style += Style(reverse=True)
            if cursor:
                style += CURSOR
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = y + self.scroll_offset.y
        if not self.lines:
            self.relayout()
        text_width = self.text_width
        if row >= len(self.lines):
            return Strip([Segment(" " * width, self.base_style)], width)
        line = self.lines[row]
        segments = self._body(line, text_width) if line.turn >= 0 else [
            Segment(" " * text_width, self.base_style)]
        segments += self._margin(row, width - text_width)
        return Strip(segments, width)

    def _body(self, line, text_width: int) -> list[Segment]:
        host = self.host
        seg = host.segments[line.turn]
        role = seg.get("role") or "respondent"
        current = line.turn == host.turn_index()
        key = (None, False, False, False, False, role, current)
        prefix = self.heads[line.turn] if line.first else " " * INDENT
        out = [Segment(prefix, self.style_for(key) + (SPEAKER.get(role, Style(bold=True, color="magenta"))
                                                   if line.first else Style()))]
        stop = line.end + (1 if line.last else 0)
        shown = host.text[line.start:line.end].replace("\n", " ").replace("\t", " ") + (" " if line.last else "")
        codings = [c for c in host.painted() if c["start"] < stop and c["end"] > line.start]
        hits = [h for h in host.hits_between(line.start, stop)]
        selection = host.selection()
        cursor = host.cursor if current else None
        cuts = {line.start, stop}
        for s, e in [(c["start"], c["end"]) for c in codings] + hits + ([selection] if selection else []):
            cuts.update(x for x in (s, e) if line.start < x < stop)
        if cursor is not None and line.start <= cursor < stop:
            cuts.update(x for x in (cursor, cursor + 1) if line.start < x < stop)
        cuts = sorted(cuts)
        for a, b in zip(cuts, cuts[1:]):
            covering = [c for c in codings if c["start"] <= a < c["end"]]
            inner = min(covering, key=lambda c: c["end"] - c["start"])["code"] if covering else None
            key = (inner, len(covering) > 1, any(s <= a < e for s, e in hits),
                   bool(selection and selection[0] <= a < selection[1]), a == cursor, role, current)
            out.append(Segment(shown[a - line.start:b - line.start], self.style_for(key)))
        used = sum(segment.cell_length for segment in out)
        if used < text_width:
            out.append(Segment(" " * (text_width - used), self.style_for(
                (None, False, False, False, False, role, current))))
        return out

    def columns(self):
        """(columns, shown, cells each) for the lines on screen."""
        top, height = self.scroll_offset.y, self.size.height
        key = (top, height, self.laid_width, self.host.codings_version, self.host.show_others)
        if key != self._columns_key:
            cols = stripes.columns_in_view(self.host.striped(), self.host.coder, self.row_of,
                                           top, top + height - 1)
            shown, size = stripes.layout_columns(len(cols), stripes.margin_width(self.size.width) - 1)
            self._columns, self._columns_key = (cols, shown, size), key
        return self._columns

    def _margin(self, row: int, width: int) -> list[Segment]:
        cols, shown, size = self.columns()
        out = [Segment(" ", self.base_style)]
        used = 1
        top = self.scroll_offset.y
        for col in cols[:shown]:
            label = self.host.label(col.code) if col.mine else f"{col.coder}: {self.host.label(col.code)}"
            cell = stripes.cell_text(col, row, top, label, size)
            style = self._styles.get(("stripe", col.code, col.mine))
            if style is None:
                style = self._styles[("stripe", col.code, col.mine)] = self.base_style + Style(
                    color=self.host.color(col.code), dim=not col.mine, italic=not col.mine)
            out.append(Segment(cell or " " * size, style))
            used += size
        hidden = len(cols) - shown
        if hidden and row == top:
            out.append(Segment(f"+{hidden}"[: max(0, width - used)], self.base_style + Style(dim=True)))
            used += min(len(f"+{hidden}"), max(0, width - used))
        if used < width:
            out.append(Segment(" " * (width - used), self.base_style))
        return out

    # -- mouse ----------------------------------------------------------------------
    def _where(self, event: events.MouseEvent) -> tuple[int, int]:
        at = event.get_content_offset_capture(self)
        row = min(max(0, at.y + self.scroll_offset.y), len(self.lines) - 1)
        return row, at.x

    def offset_at(self, row: int, x: int) -> int:
        line = self.lines[row]
        if line.turn < 0:  # between two turns: the next turn's start
            line = self.lines[row + 1]
        return offset_at(self.host.text, line, self.heads[line.turn], min(x, self.text_width - 1))

    def stripe_at(self, row: int, x: int):
        """(column, coding) under a margin cell, or None."""
        x -= self.text_width + 1
        cols, shown, size = self.columns()
        if x < 0 or not size or x // size >= shown:
            return None
        col = cols[x // size]
        coding = stripes.coding_at(col, row)
        return (col, coding) if coding else None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1 or not self.lines:
            return
        row, x = self._where(event)
        if x >= self.text_width:
            hit = self.stripe_at(row, x)
            if hit:
                self.host.mouse_select(hit[1]["start"], hit[1]["end"])
            return
        self._dragging = True
        self.capture_mouse()
        self.host.mouse_place(self.offset_at(row, x), extend=event.shift)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self.lines:
            return
        row, x = self._where(event)
        if self._dragging:
            if event.y < 0 or event.y >= self.size.height:
                self.scroll_to(y=self.scroll_offset.y + (1 if event.y > 0 else -1), animate=False,
                               immediate=True)
            self.host.mouse_place(self.offset_at(row, x), extend=True)
            return
        hit = self.stripe_at(row, x) if x >= self.text_width else None
        if hit:
            col, c = hit
            who = "" if col.mine else f"{col.coder}: "
            self.host.hover(f"{who}{self.host.label(col.code)}  ({col.code}) [{c['start']}:{c['end']}]")
        else:
            self.host.hover(None)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def on_click(self, event: events.Click) -> None:
        if event.chain in (2, 3) and self.lines:
            row, x = self._where(event)
            if x < self.text_width:
                self.host.select_around(self.offset_at(row, x), "word" if event.chain == 2 else "sentence")
