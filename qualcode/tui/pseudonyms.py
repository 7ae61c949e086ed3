"""The review screen of pseudonymisation candidates
(`qualcode pseudonymise review --interactive`).

One row per surface form (score, occurrences, interviews, decision, pseudonym)
and, under it, the occurrences of the highlighted form in context. Every key is
one audited decision through `qualcode.pseudonymise.review`, saved at once.
"""
from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Static

from qualcode.errors import QualcodeError
from qualcode.pseudonymise import review

CONTEXTS = 6


class PseudonymEditor(ModalScreen[str | None]):
    """One line: the pseudonym; enter saves, escape cancels."""

    DEFAULT_CSS = """
    PseudonymEditor { align: center middle; }
    PseudonymEditor > Vertical { width: 70%; height: auto; border: thick $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, title: str, value: str) -> None:
        super().__init__()
        self.title_text, self.value = title, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            yield Input(value=self.value, placeholder="[Prénom 3], [rue A], Julien…")
            yield Static("enter save · esc cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PseudonymReviewApp(App):
    TITLE = "qualcode pseudonymise review"
    CSS = """
    #title { height: 1; background: $primary; color: $text; padding: 0 1; }
    #forms { height: 1fr; }
    #contexts { height: auto; max-height: 12; border-top: solid $accent; padding: 0 1; }
    #message { height: 1; color: $warning; padding: 0 1; }
    """
    BINDINGS = [
        Binding("a", "accept", "accept"), Binding("r", "reject", "reject"),
        Binding("e", "edit", "type pseudonym"), Binding("space", "mark", "mark"),
        Binding("M", "merge", "merge marked into this"), Binding("p", "toggle_pending", "pending only"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, project, actor: str, *, style: str = "labels", pending_only: bool = False):
        super().__init__()
        self.project, self.actor, self.style = project, actor, style
        self.pending_only = pending_only
        self.marked: set[int] = set()
        self._texts: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield DataTable(id="forms", cursor_type="row", zebra_stripes=True)
        yield Static(id="contexts")
        yield Static(id="message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("", "id", "form", "kind", "score", "n", "int.", "decision", "pseudonym")
        self.reload()
        table.focus()

    # -- display --------------------------------------------------------------
    def forms(self) -> list[dict]:
        return self.project.store.pseudonym_forms(status="pending" if self.pending_only else None)

    def reload(self, keep: int | None = None) -> None:
        table = self.query_one(DataTable)
        keep = keep if keep is not None else self.current_id()
        table.clear()
        rows = self.forms()
        for f in rows:
            table.add_row("•" if f["id"] in self.marked else "", f["id"], Text(f["surface"]), f["kind"],
                          f"{f['score']:.2f}", f["occurrences"], f["transcripts"], f["status"],
                          Text(f["replacement"] or ""), key=str(f["id"]))
        ids = [f["id"] for f in rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        pending = sum(f["status"] == "pending" for f in rows)
        self.query_one("#title", Static).update(
            f"{len(rows)} forms, {pending} pending · {len(self.marked)} marked · style {self.style}")
        self.show_contexts()

    def current_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value)

    def show_contexts(self) -> None:
        form_id = self.current_id()
        box = self.query_one("#contexts", Static)
        if form_id is None:
            box.update("")
            return
        store = self.project.store
        lines = Text()
        for c in store.pseudonym_candidates(form_id=form_id)[:CONTEXTS]:
            text = self._texts.setdefault(c["transcript"], store.transcript(c["transcript"])["text"])
            before = " ".join(text[max(0, c["start"] - 45):c["start"]].split())
            after = " ".join(text[c["end"]:c["end"] + 45].split())
            decided = "" if c["status"] == "form" else f" ({c['status']} here)"
            lines.append(f"{c['transcript']} #{c['id']}{decided}: …{before} ")
            lines.append(text[c["start"]:c["end"]], style="bold reverse")
            lines.append(f" {after}…\n")
        box.update(lines)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_contexts()

    def say(self, message: str) -> None:
        self.query_one("#message", Static).update(Text(message))

    # -- decisions --------------------------------------------------------------
    def _decide(self, fn, *args, **kwargs):
        try:
            return fn(self.project, *args, actor=self.actor, **kwargs)
        except QualcodeError as exc:
            self.say(str(exc))
            return None

    def action_accept(self) -> None:
        form_id = self.current_id()
        if form_id is not None and (done := self._decide(review.accept, [str(form_id)], style=self.style)):
            self.say(f"accepted {done[0]['surface']} -> {done[0]['replacement']}")
            self.reload(form_id)

    def action_reject(self) -> None:
        form_id = self.current_id()
        if form_id is not None and (done := self._decide(review.reject, [str(form_id)])):
            self.say(f"rejected {done[0]['surface']}: it stays in the text")
            self.reload(form_id)

    def action_mark(self) -> None:
        form_id = self.current_id()
        if form_id is not None:
            self.marked ^= {form_id}
            self.reload(form_id)

    def action_merge(self) -> None:
        form_id = self.current_id()
        others = [str(i) for i in self.marked if i != form_id]
        if form_id is None or not others:
            self.say("mark variants with space, then press M on the form whose pseudonym they take")
            return
        if (done := self._decide(review.merge, others, into=str(form_id), style=self.style)):
            self.say(f"{len(others)} variant(s) merged into {done['surface']} -> {done['replacement']}")
            self.marked.clear()
            self.reload(form_id)

    def action_edit(self) -> None:
        form_id = self.current_id()
        if form_id is None:
            return
        form = self.project.store.pseudonym_form(form_id=form_id)

        def done(value: str | None) -> None:
            if value is not None and (after := self._decide(review.rename, str(form_id), value)):
                self.say(f"{after['surface']} -> {after['replacement']}")
                self.reload(form_id)

        self.push_screen(PseudonymEditor(f"Pseudonym for «{form['surface']}»", form["replacement"] or ""), done)

    def action_toggle_pending(self) -> None:
        self.pending_only = not self.pending_only
        self.reload()
