"""Small screens and fields of the coding screen: the one-line prompt (search,
go to turn, project search), the multi-line memo editor and the key sheet."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class Prompt(Input):
    """A one-line field at the bottom of the screen, like vim's command line.
    Posts `Prompt.Done` (value, or None when cancelled) and hides itself."""

    BINDINGS = [Binding("escape", "cancel", "cancel", show=False),
                Binding("ctrl+l", "toggle_lemma", "lemmas", show=False)]

    class Done(Message):
        def __init__(self, mode: str, value: str | None, lemma: bool) -> None:
            super().__init__()
            self.mode, self.value, self.lemma = mode, value, lemma

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.mode = ""
        self.lemma = False

    def open(self, mode: str, placeholder: str, value: str = "", lemma: bool = False) -> None:
        self.mode, self.lemma = mode, lemma
        self.placeholder = placeholder
        self.value = value
        self.display = True
        # at once, not after the queued messages (`focus()` waits): the keys typed
        # right after "/" must land in the field, not on the screen's bindings
        self.screen.set_focus(self)

    def close(self, value: str | None) -> None:
        self.display = False
        self.app.set_focus(None)
        self.post_message(self.Done(self.mode, value, self.lemma))

    def action_cancel(self) -> None:
        self.close(None)

    def action_toggle_lemma(self) -> None:
        if self.mode in ("search", "kwic"):
            self.lemma = not self.lemma
            self.placeholder = self.placeholder.split(" [")[0] + (" [lemmas: inflections match]" if self.lemma else "")

    async def action_submit(self) -> None:
        self.close(self.value)


class MemoEditor(ModalScreen[str | None]):
    """A multi-line memo editor; dismisses with the new text, or None."""

    DEFAULT_CSS = """
    MemoEditor { align: center middle; }
    MemoEditor > #memo-box { width: 90%; max-width: 110; height: auto; max-height: 90%;
                             border: thick $accent; background: $surface; padding: 0 1; }
    MemoEditor #memo-input { height: 10; }
    MemoEditor #memo-hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "cancel"), Binding("ctrl+s,f2", "save", "save")]

    def __init__(self, title: str, memo: str) -> None:
        super().__init__()
        self.title_text = title
        self.memo = memo

    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea  # imported when a memo is opened: a faster start

        with Vertical(id="memo-box"):
            yield Label(self.title_text)
            yield TextArea(self.memo, id="memo-input", soft_wrap=True, show_line_numbers=False)
            yield Static("ctrl+s save · enter new line · esc cancel", id="memo-hint")

    def on_mount(self) -> None:
        area = self.query_one("#memo-input")
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one("#memo-input").text.strip("\n"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key of the coding screen."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > #help-box { width: 100; max-width: 100%; height: auto; max-height: 90%; border: thick $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q,h,f1", "close", "close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        text = Text("Keys of the coding screen (esc closes)\n\n", style="bold")
        width = max(len(k) for k, _ in self.keys)
        for key, what in self.keys:
            if not what:
                text.append(f"\n{key}\n", style="bold underline")
                continue
            text.append(f"{key:<{width}}  ", style="bold cyan")
            text.append(f"{what}\n")
        text.append("\nEvery action is saved at once; q quits without losing anything.", style="dim")
        with VerticalScroll(id="help-box"):
            yield Static(text, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
