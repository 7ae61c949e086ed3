"""The side panel of the coding screen (`p`): the code tree with how many
codings each code (with its sub-codes) has in this transcript; enter on a code
jumps to its next coding after the cursor, again and again."""
from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qualcode.codebook.model import is_descendant_or_self


class CodePanel(Vertical):
    DEFAULT_CSS = """
    CodePanel { width: 34; height: 1fr; display: none; border-left: solid $secondary; }
    CodePanel > #panel-title { height: 1; text-style: bold; padding: 0 1; }
    CodePanel > OptionList { height: 1fr; border: none; padding: 0; }
    """
    BINDINGS = [Binding("escape", "leave", "back to the text", show=False),
                Binding("backspace,shift+enter", "jump(-1)", "previous coding", show=False)]

    def __init__(self, host, **kwargs) -> None:
        super().__init__(**kwargs)
        self.host = host
        self.ids: list[str] = []

    def compose(self):
        yield Static("codes here (enter: next coding)", id="panel-title")
        yield OptionList(id="panel-list", markup=False)

    def toggle(self) -> None:
        self.display = not self.display
        if self.display:
            self.refresh_counts()
            self.query_one(OptionList).focus()
        else:
            self.app.set_focus(None)

    def action_leave(self) -> None:
        self.app.set_focus(None)

    def counts(self) -> dict[str, tuple[int, int]]:
        """{code: (this coder's codings, other coders')} for the code and its sub-codes."""
        host = self.host
        out = {}
        for code in host.codes:
            mine = others = 0
            for c in host.codings:
                if is_descendant_or_self(c["code"], code):
                    if c["coder"] == host.coder:
                        mine += 1
                    else:
                        others += 1
            out[code] = (mine, others)
        return out

    def refresh_counts(self) -> None:
        if not self.display:
            return
        host = self.host
        counts = self.counts()
        option_list = self.query_one(OptionList)
        keep = option_list.highlighted
        option_list.clear_options()
        self.ids = list(host.codes)
        options = []
        for code_id, spec in host.codes.items():
            mine, others = counts[code_id]
            line = Text("  " * (spec.depth - 1))
            line.append("■ ", style=host.color(code_id))
            line.append(spec.label, style=("bold" if spec.family else "") + ("" if mine or others else " dim"))
            line.append(f" {mine}" if mine else "", style="bold cyan")
            if host.show_others and others:
                line.append(f" +{others}", style="dim italic")
            options.append(Option(line, id=code_id))
        option_list.add_options(options)
        if options:
            option_list.highlighted = min(keep or 0, len(options) - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.jump_to(event.option.id, 1)

    def action_jump(self, direction: int) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None:
            self.jump_to(self.ids[option_list.highlighted], direction)

    def jump_to(self, code_id: str, direction: int) -> None:
        """Select the next (or previous) coding of `code_id` (or a sub-code), wrapping round."""
        host = self.host
        shown = [c for c in host.codings if is_descendant_or_self(c["code"], code_id)
                 and (c["coder"] == host.coder or host.show_others)]
        if not shown:
            host.report(f"no coding of {host.label(code_id)} here", "warning")
            return
        shown.sort(key=lambda c: (c["start"], c["end"]))
        span = host.selection()
        origin = span[0] if span else host.cursor
        if direction > 0:
            later = [c for c in shown if c["start"] > origin]
            chosen = later[0] if later else shown[0]
        else:
            earlier = [c for c in shown if c["start"] < origin]
            chosen = earlier[-1] if earlier else shown[-1]
        k = shown.index(chosen) + 1
        host.last_action = f"{host.label(code_id)}: coding {k}/{len(shown)} (#{chosen['id']})"
        host.marking = False
        host.set_cursor(chosen["end"], chosen["start"])
