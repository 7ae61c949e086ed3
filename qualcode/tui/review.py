"""The review screen (`qualcode review --coder NAME`): one suggestion at a time
in its turn, after the question it answers, with the code's definition and
criteria, the score and why; keys to accept, reject, skip, change the code (the
shared fuzzy code picker), widen or narrow the span by word or sentence, undo.
Every decision is saved at once (`qualcode.assist.session`). Every N decisions
the model learns again in a worker thread and the rest of the queue is
re-scored, while keys keep working.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from qualcode.assist.session import ReviewSession
from qualcode.tui.colors import code_color
from qualcode.tui.dialogs import HelpScreen
from qualcode.tui.widgets import CodePicker

KEYS = [
    ("Decide", ""), ("a", "accept (with the span and code shown)"), ("r", "reject (the model learns from it)"),
    ("s", "skip"), ("c", "change the code (fuzzy picker), then accept"), ("u", "undo the last decision"),
    ("Span", ""), ("tab", "switch the edge that moves (start / end)"), ("+ / -", "widen / narrow by a word"),
    ("> / <", "widen / narrow by a sentence"), ("0", "back to the suggested span"),
    ("Screen", ""), ("?", "this help"), ("q", "quit (everything decided is saved)"),
]


class ReviewApp(App):
    TITLE = "qualcode review"
    AUTO_FOCUS = None
    CSS = """
    #title { height: 1; background: $primary; color: $text; padding: 0 1; }
    #main { height: 1fr; }
    #passage-box { width: 3fr; height: 1fr; padding: 0 1; }
    #code-box { width: 2fr; height: 1fr; padding: 0 1; border-left: solid $secondary; }
    #status { height: 1; background: $panel; padding: 0 1; }
    #keys { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("a", "accept", "accept"), Binding("r", "reject", "reject"), Binding("s", "skip", "skip"),
        Binding("c", "change", "change code"), Binding("u", "undo", "undo"),
        Binding("tab", "edge", "edge", priority=True), Binding("plus,equals_sign", "adjust('word', True)", "widen"),
        Binding("minus", "adjust('word', False)", "narrow"),
        Binding("greater_than_sign", "adjust('sentence', True)", "widen sentence"),
        Binding("less_than_sign", "adjust('sentence', False)", "narrow sentence"),
        Binding("0", "reset_span", "suggested span"),
        Binding("question_mark,f1", "help", "help"), Binding("q", "quit", "quit"),
    ]

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        self.session = session
        self.learning = False

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        with Horizontal(id="main"):
            with VerticalScroll(id="passage-box"):
                yield Static("", id="passage")
            with VerticalScroll(id="code-box"):
                yield Static("", id="code")
        yield Static("", id="status")
        yield Static("a accept · r reject · s skip · c code · u undo · tab edge · +/- word · >/< sentence · "
                     "? help · q quit", id="keys")

    def on_mount(self) -> None:
        self.refresh_view()

    # -- drawing -------------------------------------------------------------------------
    def refresh_view(self) -> None:
        s, session = self.session.current, self.session
        p = session.progress()
        learning = " · learning…" if self.learning else (f" · relearnt {p['retrained']}×" if p["retrained"] else "")
        self.query_one("#title", Static).update(Text(
            f"qualcode review · {session.reviewer} · order: {session.order} · {min(p['position'] + 1, p['total'])}"
            f"/{p['total']}{learning}", style="bold"))
        rate = f"{p['accepted'] / p['decided']:.0%}" if p["decided"] else "—"
        self.query_one("#status", Static).update(Text(
            f"accepted {p['accepted']} · rejected {p['rejected']} · skipped {p['skipped']} · acceptance {rate}"
            + (f" · next relearning in {session.retrain_every - session.since_retrain}"
               if session.retrain_every else "")))
        if s is None:
            self.query_one("#passage", Static).update(Text("No suggestion left to review. q quits.", style="italic"))
            self.query_one("#code", Static).update("")
            return
        self.query_one("#passage", Static).update(self.passage(s))
        self.query_one("#code", Static).update(self.code_panel(s))

    def passage(self, s: dict) -> Text:
        text = self.session.text(s["transcript"])
        question, turn = self.session.turn(s)
        start, end = self.session.span
        out = Text()
        out.append(f"{s['transcript']}", style="bold")
        if turn.get("idx") is not None:
            out.append(f" · turn {turn['idx']} · {turn.get('speaker') or '?'}", style="dim")
        out.append("\n\n")
        if question:
            out.append(f"{question.get('speaker') or 'Q'} : ", style="bold dim")
            out.append(text[question["start"]:question["end"]] + "\n\n", style="dim italic")
        lo, hi = min(turn["start"], start), max(turn["end"], end)
        out.append(text[lo:start])
        out.append(text[start:end], style="reverse bold")
        out.append(text[end:hi])
        moved = (start, end) != (s["start"], s["end"])
        out.append(f"\n\n[{start}:{end}] · edge: {self.session.edge}" + (" · span adjusted" if moved else ""),
                   style="dim")
        return out

    def code_panel(self, s: dict) -> Text:
        spec = self.session.codes.get(s["code"])
        out = Text()
        color = code_color(s["code"], spec.color if spec else None)
        out.append("■ ", style=color)
        out.append((spec.label if spec else s["code"]) + "\n", style=f"bold {color}")
        out.append(f"{s['code']}\n\n", style="dim")
        out.append(f"{s['method']} · score {s['score']:.2f}", style="bold")
        threshold = self.session.thresholds.get(s["code"])
        if threshold is not None:
            out.append(f" (threshold {threshold:.2f})")
        accepted, decided = self.session.acceptance(s["code"])
        out.append(f"\naccepted {accepted} of {decided} decided for this code\n" if decided else
                   "\nno decision on this code yet\n", style="dim")
        if s.get("explanation"):
            out.append(f"why: {s['explanation']}\n", style="italic")
        if spec:
            for title, value in (("", spec.description), ("Include", spec.include), ("Exclude", spec.exclude),
                                 ("Example", spec.example)):
                if value:
                    out.append("\n")
                    if title:
                        out.append(f"{title}: ", style="bold")
                    out.append(value + "\n")
        return out

    # -- actions ----------------------------------------------------------------------------
    def _decided(self) -> None:
        self.refresh_view()
        if self.session.due and not self.learning:
            self.learning = True
            self.refresh_view()
            self.run_worker(self.session.relearn, thread=True, exclusive=True, group="relearn", name="relearn")

    def _guard(self) -> bool:
        if self.session.current is None:
            self.notify("no suggestion left", severity="warning")
            return False
        return True

    def action_accept(self) -> None:
        if self._guard():
            self.session.accept()
            self._decided()

    def action_reject(self) -> None:
        if self._guard():
            self.session.reject()
            self._decided()

    def action_skip(self) -> None:
        if self._guard():
            self.session.skip()
            self.refresh_view()

    def action_change(self) -> None:
        if not self._guard():
            return

        def chosen(code) -> None:
            if isinstance(code, str) and code:
                self.session.accept(code=code)
                self._decided()

        self.push_screen(CodePicker(list(self.session.codes.values()), title="Accept with another code",
                                    current=self.session.current["code"]), chosen)

    def action_undo(self) -> None:
        if self.session.undo() is None:
            self.notify("nothing to undo", severity="warning")
        self.refresh_view()

    def action_edge(self) -> None:
        if self._guard():
            self.session.toggle_edge()
            self.refresh_view()

    def action_adjust(self, unit: str, widen: bool) -> None:
        if self._guard():
            self.session.adjust(unit=unit, widen=widen)
            self.refresh_view()

    def action_reset_span(self) -> None:
        if self._guard():
            s = self.session.current
            self.session.span = (s["start"], s["end"])
            self.refresh_view()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(KEYS))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "relearn" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.learning = False
        if event.state == WorkerState.SUCCESS:
            scores, thresholds = event.worker.result
            changed = self.session.rescore(scores, thresholds)
            self.notify(f"the model learnt from your decisions: {changed} scores changed", timeout=3)
        else:
            self.notify(f"relearning failed: {event.worker.error}", severity="error")
        self.refresh_view()


def run_review(session: ReviewSession) -> dict:
    ReviewApp(session).run()
    return session.progress()
