"""Keyword in context across the project, from the coding screen (`K`): every
hit of a search with its context; the coder picks a code once, then accepts
hits one by one into it (the hit, its sentence or its turn), each an audited
coding of its own; hits already held by a coding of that code show a tick."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from qualcode import coding as ops
from qualcode import search as kwic
from qualcode.errors import QualcodeError
from qualcode.tui.bars import clip
from qualcode.tui.widgets import CodePicker


class KwicScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    KwicScreen { align: center middle; }
    KwicScreen > #kwic-box { width: 100%; height: 100%; background: $surface; padding: 0 1; }
    KwicScreen #kwic-title { text-style: bold; height: 1; }
    KwicScreen #kwic-list { height: 1fr; border: none; }
    KwicScreen #kwic-hint { color: $text-muted; height: 1; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "close"),
        Binding("a,enter", "accept", "accept", show=False),
        Binding("space,right,j", "skip(1)", "skip", show=False),
        Binding("left,k", "skip(-1)", "back", show=False),
        Binding("c", "choose_code", "code", show=False),
        Binding("u", "cycle_unit", "unit", show=False),
    ]

    def __init__(self, host, pattern: str, lemma: bool = False) -> None:
        super().__init__()
        self.host = host
        self.pattern, self.lemma = pattern, lemma
        self.code: str | None = None
        self.unit = "hit"
        self.hits: list[kwic.Hit] = []
        self.done: set[int] = set()      # hits whose passage a coding of `code` holds
        self.accepted: list[dict] = []   # codings made here

    def compose(self) -> ComposeResult:
        with Vertical(id="kwic-box"):
            yield Label("", id="kwic-title")
            option_list = OptionList(id="kwic-list", markup=False)
            yield option_list
            yield Static("a/enter accept into the code · space/→ skip · ← back · c choose the code · "
                         "u hit/sentence/turn · esc close", id="kwic-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.set_title("searching…")
        self.run_worker(self._search, thread=True, exclusive=True)

    def _search(self) -> None:
        from qualcode.project import Project

        try:
            with Project.open(self.host.project.root) as project:
                hits = kwic.search(project, self.pattern, lemma=self.lemma, context=50)
        except QualcodeError as exc:
            self.app.call_from_thread(self.set_title, f"«{self.pattern}»: {exc}")
            return
        self.app.call_from_thread(self.show, hits)

    def set_title(self, text: str) -> None:
        self.query_one("#kwic-title", Label).update(Text(text))

    def show(self, hits: list[kwic.Hit]) -> None:
        self.hits = hits
        self.mark_done()
        self.fill()
        if not hits:
            self.host.report(f"no hits for «{self.pattern}» in the project", "warning")

    def heading(self) -> str:
        into = self.host.label(self.code) if self.code else "no code yet (c chooses one)"
        kind = "lemmas of " if self.lemma else ""
        transcripts = len({h.transcript for h in self.hits})
        return (f"{kind}«{self.pattern}»: {len(self.hits)} hits in {transcripts} transcripts · into: {into}"
                f" · unit: {self.unit} · accepted {len(self.accepted)}")

    def fill(self) -> None:
        self.set_title(self.heading())
        option_list = self.query_one(OptionList)
        keep = option_list.highlighted
        option_list.clear_options()
        width = max(20, (self.size.width - 30) // 2)
        options = []
        for k, h in enumerate(self.hits):
            line = Text("✓ " if k in self.done else "  ", style="bold green")
            line.append(f"{h.transcript} #{h.turn:<3} {clip(h.speaker or '', 10):<10} ", style="cyan")
            left = h.left if len(h.left) <= width else "…" + h.left[-(width - 1):]
            line.append(f"{left:>{width}}")
            line.append(h.match, style="bold reverse")
            line.append(clip(h.right, width))
            options.append(Option(line, id=str(k)))
        option_list.add_options(options)
        if options:
            option_list.highlighted = min(keep or 0, len(options) - 1)

    def mark_done(self) -> None:
        self.done = set()
        if not self.code or not self.hits:
            return
        each = [kwic.passages(self.host.project, [h], self.unit)[0] for h in self.hits]
        kwic.mark_covered(self.host.project, each, self.code, self.host.coder)
        self.done = {k for k, p in enumerate(each) if p.covered_by is not None}

    def action_choose_code(self) -> None:
        self.app.push_screen(CodePicker(list(self.host.codes.values()), f"Code the hits of «{self.pattern}» with",
                                        colors=self.host.code_hues), self._chosen)

    def _chosen(self, code_id) -> None:
        if isinstance(code_id, str) and code_id:
            self.code = code_id
            self.mark_done()
            self.fill()

    def action_cycle_unit(self) -> None:
        units = kwic.UNITS
        self.unit = units[(units.index(self.unit) + 1) % len(units)]
        self.mark_done()
        self.fill()

    def action_skip(self, step: int) -> None:
        option_list = self.query_one(OptionList)
        if option_list.option_count:
            option_list.highlighted = max(0, min(option_list.option_count - 1, (option_list.highlighted or 0) + step))

    def action_accept(self) -> None:
        option_list = self.query_one(OptionList)
        if not self.hits or option_list.highlighted is None:
            return
        if not self.code:
            self.action_choose_code()
            return
        k = option_list.highlighted
        host = self.host
        passage = kwic.passages(host.project, [self.hits[k]], self.unit)[0]
        ok, held = host.call(ops.covering, host.project, passage.transcript, self.code, host.coder,
                             passage.start, passage.end)
        if ok and held is None:
            ok, coding = host.call(ops.add, host.project, passage.transcript, self.code, host.coder,
                                   passage.start, passage.end, origin="search",
                                   provenance={"search": self.pattern, "lemma": self.lemma, "unit": self.unit})
            if ok:
                self.accepted.append(coding)
                host.slots.use(self.code)
        if ok:
            self.done.add(k)
            self.fill()
            self.action_skip(1)

    def action_close(self) -> None:
        if self.accepted:
            self.host.last_action = f"{len(self.accepted)} hits of «{self.pattern}» coded {self.host.label(self.code)}"
        self.dismiss(None)
