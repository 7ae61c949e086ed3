"""Widgets of the coding screen: one block per speaker turn (text and margin
marks), the code picker, the memo editor and the help screen."""
from __future__ import annotations

import colorsys
import zlib

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.codebook.model import CodeSpec
from qualcode.tui.fuzzy import rank

MARGIN_WIDTH = 26
CURSOR_STYLE = "bold black on #ffd75f"
SPEAKER_STYLES = {"interviewer": "bold cyan", "respondent": "bold yellow"}
BODY_STYLES = {"interviewer": "italic #a8b3bd"}


def code_color(code_id: str, color: str | None = None) -> str:
    """The code's own colour, else a stable one derived from its id."""
    if color:
        return color
    hue = (zlib.crc32(code_id.encode("utf-8")) % 360) / 360
    r, g, b = colorsys.hsv_to_rgb(hue, 0.55, 0.9)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def turn_body(text: str, seg: dict, index: int, codings: list[dict],
              selection: tuple[int, int] | None, cursor: int | None) -> Text:
    """A turn's number, speaker and text: the coder's codings underlined, the
    selection in reverse video, the cursor (when in this turn) highlighted.
    The text always ends with one space, where the cursor shows at the turn's
    end, so that only styles change from one keystroke to the next."""
    start, end = seg["start"], seg["end"]
    role = seg.get("role") or "respondent"
    out = Text(f"{seg.get('idx', index + 1):>3} ", style="dim")
    out.append(f"{seg.get('speaker') or '—'} : ", style=SPEAKER_STYLES.get(role, "bold magenta"))
    offset = len(out) - start  # out index of a text offset
    out.append(text[start:end], style=BODY_STYLES.get(role, ""))
    out.append(" ")
    for c in codings:
        lo, hi = max(c["start"], start), min(c["end"], end)
        if lo < hi:
            out.stylize("underline", offset + lo, offset + hi)
    if selection:
        lo, hi = max(selection[0], start), min(selection[1], end)
        if lo < hi:
            out.stylize("reverse", offset + lo, offset + hi)
    if cursor is not None:
        at = offset + cursor
        if cursor < end and text[cursor] == "\n" and cursor > start:
            at -= 1  # a line break shows no cell: mark the character before it
        out.stylize(CURSOR_STYLE, at, at + 1)
    return out


def turn_margin(seg: dict, codings: list[dict], coder: str, label, color) -> Text:
    """One line per coding overlapping the turn: a full block when it covers the
    whole turn, a half block otherwise; other coders' codings named and dimmed."""
    start, end = seg["start"], seg["end"]
    lines = []
    for c in codings:
        if not (c["start"] < end and c["end"] > start):
            continue
        other = c["coder"] != coder
        whole = c["start"] <= start and c["end"] >= end
        line = Text("█ " if whole else "▌ ", style=color(c["code"]))
        name = f"{c['coder']}: {label(c['code'])}" if other else label(c["code"])
        line.append(clip(name, MARGIN_WIDTH - 2), style="dim italic" if other else color(c["code"]))
        lines.append((other, c["start"], line))
    lines.sort(key=lambda entry: (entry[0], entry[1]))
    return Text("\n").join(line for _, _, line in lines)


class TurnBlock(Horizontal):
    """One speaker turn: its text on the left, the codings' marks on the right."""

    DEFAULT_CSS = f"""
    TurnBlock {{ height: auto; margin-bottom: 1; }}
    TurnBlock.current {{ background: $boost; }}
    TurnBlock > .body {{ width: 1fr; height: auto; padding: 0 1; }}
    TurnBlock > .margin {{ width: {MARGIN_WIDTH}; height: auto; }}
    """

    def __init__(self, index: int, body: Text, margin: Text) -> None:
        super().__init__(id=f"turn-{index + 1}")
        self.index = index
        self.body_text = body
        self.margin_text = margin

    @property
    def margin_plain(self) -> str:
        """The margin as plain text (what a reader sees, without colours)."""
        return self.margin_text.plain

    def compose(self) -> ComposeResult:
        yield Static(self.body_text, classes="body")
        yield Static(self.margin_text, classes="margin", id=f"margin-{self.index + 1}")

    def show(self, body: Text | None = None, margin: Text | None = None) -> None:
        """Update the parts that changed (re-rendering only when they did)."""
        if body is not None and body != self.body_text:
            self.body_text = body
            if self.is_mounted:  # same characters, new styles: the size cannot change
                self.query_one(".body", Static).update(body, layout=False)
        if margin is not None and margin != self.margin_text:
            self.margin_text = margin
            if self.is_mounted:
                self.query_one(".margin", Static).update(margin)

    def on_click(self) -> None:
        move = getattr(self.app, "move_to_turn", None)
        if move is not None:
            move(self.index)


class TurnList(VerticalScroll, can_focus=False):
    """The scrollable transcript. Not focusable, so that the arrow keys reach the app."""


class CodePicker(ModalScreen[str | None]):
    """Fuzzy search over code ids and labels; the highlighted code's definition
    is shown before applying. Dismisses with the chosen code id, or None."""

    DEFAULT_CSS = """
    CodePicker { align: center middle; }
    CodePicker > #picker-box { width: 92%; height: 85%; border: thick $accent; background: $surface; padding: 0 1; }
    CodePicker #picker-title { text-style: bold; width: 1fr; }
    CodePicker #picker-main { height: 1fr; }
    CodePicker #picker-list { width: 1fr; height: 1fr; }
    CodePicker #picker-detail { width: 1fr; height: 1fr; padding: 0 1; border-left: solid $secondary; }
    CodePicker #picker-hint { color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "cancel"),
        Binding("up", "cursor(-1)", "previous", show=False),
        Binding("down", "cursor(1)", "next", show=False),
        Binding("pageup", "cursor(-10)", show=False),
        Binding("pagedown", "cursor(10)", show=False),
    ]

    def __init__(self, codes: list[CodeSpec], title: str = "Apply a code", current: str | None = None) -> None:
        super().__init__()
        self.codes = codes
        self.title_text = title
        self.current = current
        self.shown: list[CodeSpec] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Label(self.title_text, id="picker-title")
            yield Input(placeholder="search code labels and ids (accents optional)", id="picker-query")
            with Horizontal(id="picker-main"):
                option_list = OptionList(id="picker-list", markup=False)
                option_list.can_focus = False
                yield option_list
                with VerticalScroll(id="picker-detail"):
                    yield Static("", id="picker-details")
            yield Static("type to search · ↑↓ choose · enter apply · esc cancel", id="picker-hint")

    def on_mount(self) -> None:
        self.fill("")
        self.query_one(Input).focus()

    def fill(self, query: str) -> None:
        if query.strip():
            # keywords count too ("punaise" finds the hotel-conditions code), a little less than names
            self.shown = rank(query, self.codes,
                              key=lambda c: [c.label, c.id, *((k, 0.8) for k in c.keywords)])
        else:
            self.shown = list(self.codes)
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        options = []
        for spec in self.shown:
            prompt = Text()
            if not query.strip():
                prompt.append("  " * (spec.depth - 1))
            prompt.append("■ ", style=code_color(spec.id, spec.color))
            prompt.append(spec.label, style="bold" if spec.family else "")
            prompt.append(f"  {spec.id}", style="dim")
            options.append(Option(prompt, id=spec.id))
        option_list.add_options(options)
        if options:
            index = 0
            if self.current and not query.strip():
                index = next((i for i, s in enumerate(self.shown) if s.id == self.current), 0)
            option_list.highlighted = index
        self.show_details()

    def highlighted(self) -> CodeSpec | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.shown):
            return None
        return self.shown[index]

    def show_details(self) -> None:
        spec = self.highlighted()
        details = self.query_one("#picker-details", Static)
        if spec is None:
            details.update(Text("no code matches", style="italic"))
            return
        text = Text()
        text.append(spec.label, style=f"bold {code_color(spec.id, spec.color)}")
        text.append(f"\n{spec.id}\n", style="dim")
        for title, value in (("", spec.description), ("Include", spec.include),
                             ("Exclude", spec.exclude), ("Example", spec.example)):
            if value:
                text.append("\n")
                if title:
                    text.append(f"{title}: ", style="bold")
                text.append(f"{value}\n")
        if spec.keywords:
            text.append("\nKeywords: ", style="bold")
            text.append(", ".join(spec.keywords) + "\n", style="dim")
        details.update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        spec = self.highlighted()
        if spec is None:
            self.app.notify("no code matches the search", severity="warning", markup=False)
            return
        self.dismiss(spec.id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_details()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.dismiss(event.option.id)

    def action_cursor(self, step: int) -> None:
        option_list = self.query_one(OptionList)
        if not option_list.option_count:
            return
        index = option_list.highlighted or 0
        option_list.highlighted = max(0, min(option_list.option_count - 1, index + step))

    def action_cancel(self) -> None:
        self.dismiss(None)


class MemoEditor(ModalScreen[str | None]):
    """A one-line memo editor; dismisses with the new text, or None."""

    DEFAULT_CSS = """
    MemoEditor { align: center middle; }
    MemoEditor > #memo-box { width: 80%; height: auto; border: thick $accent; background: $surface; padding: 0 1; }
    MemoEditor #memo-hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, title: str, memo: str) -> None:
        super().__init__()
        self.title_text = title
        self.memo = memo

    def compose(self) -> ComposeResult:
        with Vertical(id="memo-box"):
            yield Label(self.title_text)
            yield Input(value=self.memo, placeholder="memo", id="memo-input")
            yield Static("enter save · esc cancel", id="memo-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key of the coding screen."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help-box { width: 100; max-width: 100%; height: auto; max-height: 90%; border: thick $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "close"),
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        text = Text("Keys of the coding screen\n\n", style="bold")
        width = max(len(k) for k, _ in self.keys)
        for key, what in self.keys:
            text.append(f"{key:<{width}}  ", style="bold cyan")
            text.append(f"{what}\n")
        text.append("\nEvery action is saved at once; q quits without losing anything.", style="dim")
        with VerticalScroll(id="help-box"):
            yield Static(text, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
