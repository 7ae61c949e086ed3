"""Widgets shared by the coding screens: the code picker, which can also offer
to create a code (typed, or in vivo from the selected words)."""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.codebook.model import CodeSpec
from qualcode.tui.colors import code_color, code_colors
from qualcode.tui.dialogs import HelpScreen, MemoEditor  # noqa: F401 - kept importable from here
from qualcode.tui.bars import clip
from qualcode.tui.fuzzy import rank


@dataclass
class NewCode:
    """What the picker returns when the coder asks for a new code."""
    label: str
    invivo: bool = False


TOP_LEVEL = ""  # what a parent picker returns for "no parent"


class CodePicker(ModalScreen["str | NewCode | None"]):
    """Fuzzy search over code ids, labels and keywords; the highlighted code's
    definition is shown before applying. Dismisses with the chosen code id, or
    None. With `allow_new`, it also offers to create a code from the typed words
    or, in vivo, from `invivo` (the selected words): it then dismisses with a
    `NewCode`. With `top_level`, "(top level)" comes first and returns ""."""

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

    def __init__(self, codes: list[CodeSpec], title: str = "Apply a code", current: str | None = None,
                 *, allow_new: bool = False, invivo: str | None = None, top_level: bool = False,
                 colors: dict[str, str] | None = None) -> None:
        super().__init__()
        self.codes = codes
        self.title_text = title
        self.current = current
        self.allow_new = allow_new
        self.invivo = " ".join(invivo.split()) if invivo else None
        self.top_level = top_level
        self.hues = colors if colors is not None else code_colors(codes)
        self.shown: list[CodeSpec] = []
        self.extra: list[tuple[str, str]] = []  # (option id, what it does) after the codes

    def compose(self) -> ComposeResult:
        hint = "type to search · ↑↓ choose · enter apply · esc cancel"
        if self.allow_new:
            hint += " · a new code: type its label (or pick the in-vivo line)"
        with Vertical(id="picker-box"):
            yield Label(self.title_text, id="picker-title")
            yield Input(placeholder="search code labels and ids (accents optional)", id="picker-query")
            with Horizontal(id="picker-main"):
                option_list = OptionList(id="picker-list", markup=False)
                option_list.can_focus = False
                yield option_list
                with VerticalScroll(id="picker-detail"):
                    yield Static("", id="picker-details")
            yield Static(hint, id="picker-hint")

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
        self.extra = []
        if self.top_level:
            self.extra.append(("__top__", "(top level: no parent)"))
        if self.allow_new and query.strip():
            self.extra.append(("__new__", f"+ new code «{query.strip()}»"))
        if self.allow_new and self.invivo:
            self.extra.append(("__invivo__", f"+ in-vivo code «{clip(self.invivo, 60)}»"))
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        options = [Option(Text(what, style="bold italic"), id=key) for key, what in self.extra
                   if key == "__top__"]
        for spec in self.shown:
            prompt = Text()
            if not query.strip():
                prompt.append("  " * (spec.depth - 1))
            prompt.append("■ ", style=self.hues.get(spec.id) or code_color(spec.id, spec.color))
            prompt.append(spec.label, style="bold" if spec.family else "")
            prompt.append(f"  {spec.id}", style="dim")
            options.append(Option(prompt, id=spec.id))
        options += [Option(Text(what, style="bold italic green"), id=key) for key, what in self.extra
                    if key != "__top__"]
        option_list.add_options(options)
        if options:
            index = 1 if self.top_level and self.shown and query.strip() else 0
            if self.current and not query.strip():
                index = next((i for i, o in enumerate(options) if o.id == self.current), 0)
            option_list.highlighted = index
        self.show_details()

    def _highlighted_id(self) -> str | None:
        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        if index is None or not 0 <= index < option_list.option_count:
            return None
        return option_list.get_option_at_index(index).id

    def highlighted(self) -> CodeSpec | None:
        key = self._highlighted_id()
        return next((s for s in self.shown if s.id == key), None)

    def show_details(self) -> None:
        key = self._highlighted_id()
        details = self.query_one("#picker-details", Static)
        if key in ("__new__", "__invivo__"):
            label = self.invivo if key == "__invivo__" else self.query_one(Input).value.strip()
            details.update(Text(f"Create the code «{label}»: choose its parent next. It is added to "
                                "the project's codebook (and its YAML file), then applied.", style="italic"))
            return
        if key == "__top__":
            details.update(Text("The new code has no parent.", style="italic"))
            return
        spec = self.highlighted()
        if spec is None:
            details.update(Text("no code matches" + (": type a label to create one" if self.allow_new else ""),
                                style="italic"))
            return
        text = Text()
        text.append(spec.label, style=f"bold {self.hues.get(spec.id) or code_color(spec.id, spec.color)}")
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

    def choose(self, key: str | None) -> None:
        if key is None:
            self.app.notify("no code matches the search", severity="warning", markup=False)
        elif key == "__new__":
            self.dismiss(NewCode(self.query_one(Input).value.strip()))
        elif key == "__invivo__":
            self.dismiss(NewCode(self.invivo or "", invivo=True))
        elif key == "__top__":
            self.dismiss(TOP_LEVEL)
        else:
            self.dismiss(key)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.choose(self._highlighted_id())

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_details()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option.id)

    def action_cursor(self, step: int) -> None:
        option_list = self.query_one(OptionList)
        if not option_list.option_count:
            return
        index = option_list.highlighted or 0
        option_list.highlighted = max(0, min(option_list.option_count - 1, index + step))

    def action_cancel(self) -> None:
        self.dismiss(None)
