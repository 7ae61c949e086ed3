"""What the coding screen does to codings and codes: apply (a selection snapped
to whole words, refused when a coding of the same code already holds it),
create a code on the fly (typed or in vivo, through the same operation as
`qualcode codebook add`: store, YAML file and audit), remove, change, annotate,
undo (audited as undo), pin codes to number keys and mark the transcript
finished; each through one library call (its own transaction), with an
in-memory history of this session's actions so they can be undone."""
from __future__ import annotations

from qualcode import coding as ops
from qualcode.codebook.model import CodeSpec, slugify
from qualcode.tui.dialogs import MemoEditor
from qualcode.tui.slots import save_pins
from qualcode.tui.bars import clip
from qualcode.tui.widgets import CodePicker, NewCode


class CodingActions:
    """Mixin for `TagApp`: needs project, transcript_id, coder, text, codes,
    history, slots, and the app helpers call, report, reload, describe, label,
    target_span, selection, codings_at_cursor, load_codes, update_bars."""

    # -- applying ---------------------------------------------------------------------
    def apply_code(self, code_id: str) -> None:
        ok, span = self.call(ops.snap_span, self.text, *self.target_span())
        if not ok:
            return
        start, end = span
        ok, held = self.call(ops.covering, self.project, self.transcript_id, code_id, self.coder, start, end)
        if not ok:
            return
        if held:
            self.last_action = (f"refused: {self.label(code_id)} #{held['id']} [{held['start']}:{held['end']}]"
                                " already holds this selection")
            self.report(self.last_action, "warning")
            self.update_bars()
            return
        ok, coding = self.call(ops.add, self.project, self.transcript_id, code_id, self.coder, start, end)
        if not ok:
            return
        self.slots.use(code_id)
        self.history.append({"kind": "add", "coding": coding})
        self.last_action = f"added {self.describe(coding)}"
        self.anchor, self.marking = None, False
        self.cursor = end
        self.reload()

    def action_apply_slot(self, number: int) -> None:
        code_id = self.slots.code(number)
        if code_id is None:
            self.report(f"no code on key {number} yet: apply codes with c, or pin one with P", "warning")
            return
        if code_id not in self.codes:
            self.load_codes()
            if code_id not in self.codes:
                self.slots.remove(code_id)
                self.report(f"code '{code_id}' is no longer in the codebook", "error")
                self.update_bars()
                return
        self.apply_code(code_id)

    def picker(self, title: str, **kwargs) -> CodePicker:
        self.load_codes()
        return CodePicker(list(self.codes.values()), title, colors=self.code_hues, **kwargs)

    def action_pick_code(self) -> None:
        self.load_codes()
        start, end = self.target_span()
        words = " ".join(self.text[start:end].split())
        title = f"Apply a code to [{start}:{end}] «{clip(words, 60)}»"
        invivo = words if self.selection() and len(words) <= 80 else None
        self.push_screen(self.picker(title, allow_new=True, invivo=invivo), self._picked)

    def _picked(self, result) -> None:
        if isinstance(result, NewCode):
            self.create_code(result)
        elif result:
            self.apply_code(result)

    # -- new codes ----------------------------------------------------------------------
    def action_invivo(self) -> None:
        span = self.selection()
        if span is None:
            self.report("select the words first (v, shift+arrows, s or the mouse), then i", "warning")
            return
        start, end = ops.snap_span(self.text, *span)
        self.create_code(NewCode(" ".join(self.text[start:end].split()), invivo=True))

    def create_code(self, new: NewCode) -> None:
        if not new.label.strip():
            self.report("a new code needs a label", "warning")
            return
        title = f"Parent of the new code «{clip(new.label, 50)}» (type to search)"
        self.push_screen(self.picker(title, top_level=True), lambda parent: self._create_under(new, parent))

    def _create_under(self, new: NewCode, parent: str | None) -> None:
        if parent is None:
            return
        label = new.label.strip()
        slug = slugify(label)[:40].rstrip("-") or "code"
        base = f"{parent}/{slug}" if parent else slug
        code_id, n = base, 2
        while code_id in self.codes:
            code_id, n = f"{base}-{n}", n + 1
        start, end = self.target_span()
        spec = CodeSpec(id=code_id, label=label,
                        description=(f"In-vivo code from {self.transcript_id} [{start}:{end}]." if new.invivo else ""),
                        example=(f"« {label} »" if new.invivo else ""))
        from qualcode.codebook import operations

        ok, _ = self.call(operations.add, self.project, spec, actor=self.coder)
        if not ok:
            return
        self.load_codes()
        self.report(f"new code {code_id} ({label}) added to the codebook", "information")
        self.apply_code(code_id)

    # -- changing ---------------------------------------------------------------------------
    def target_coding(self, verb: str) -> dict | None:
        at = self.codings_at_cursor()
        if not at:
            self.report(f"nothing to {verb}: no coding of yours under the cursor", "warning")
            return None
        return at[0]

    def action_remove(self) -> None:
        coding = self.target_coding("remove")
        if coding is None:
            return
        ok, removed = self.call(ops.remove, self.project, coding["id"], actor=self.coder)
        if ok:
            self.history.append({"kind": "remove", "coding": removed})
            self.last_action = f"removed {self.describe(removed)}"
        self.reload()

    def action_change_code(self) -> None:
        coding = self.target_coding("change")
        if coding is None:
            return
        title = f"Change the code of #{coding['id']} ({self.label(coding['code'])}, [{coding['start']}:{coding['end']}])"
        self.push_screen(self.picker(title, current=coding["code"]),
                         lambda code_id: self._changed(coding, code_id))

    def _changed(self, coding: dict, code_id: str | None) -> None:
        if not code_id or code_id == coding["code"]:
            return
        ok, after = self.call(ops.update, self.project, coding["id"], code=code_id, actor=self.coder)
        if ok:
            self.slots.use(code_id)
            self.history.append({"kind": "change", "id": coding["id"], "before": coding["code"], "after": code_id})
            self.last_action = f"changed #{coding['id']}: {self.label(coding['code'])} → {self.label(code_id)}"
        self.reload()

    def action_memo(self) -> None:
        coding = self.target_coding("annotate")
        if coding is None:
            return
        title = f"Memo on #{coding['id']} {self.describe(coding)}"
        self.push_screen(MemoEditor(title, coding["memo"] or ""), lambda memo: self._memo(coding, memo))

    def _memo(self, coding: dict, memo: str | None) -> None:
        if memo is None or memo == (coding["memo"] or ""):
            return
        ok, _ = self.call(ops.update, self.project, coding["id"], memo=memo, actor=self.coder)
        if ok:
            self.history.append({"kind": "memo", "id": coding["id"], "before": coding["memo"] or "", "after": memo})
            self.last_action = f"memo saved on #{coding['id']}"
        self.reload()

    def action_undo(self) -> None:
        if not self.history:
            self.report("nothing to undo in this session", "warning")
            return
        entry = self.history.pop()
        kind = entry["kind"]
        if kind == "add":
            ok, _ = self.call(ops.remove, self.project, entry["coding"]["id"], actor=self.coder, undo=True)
            done = f"undone: added {self.describe(entry['coding'])}"
        elif kind == "remove":
            c = entry["coding"]
            ok, new = self.call(ops.add, self.project, self.transcript_id, c["code"], c["coder"], c["start"],
                                c["end"], memo=c["memo"] or "", origin=c.get("origin") or "manual",
                                provenance=c.get("provenance"), undo=True)
            if ok:
                self._renumber(c["id"], new["id"])
            done = f"undone: removed {self.describe(c)}"
        elif kind == "change":
            ok, _ = self.call(ops.update, self.project, entry["id"], code=entry["before"], actor=self.coder, undo=True)
            done = f"undone: change of #{entry['id']} (back to {self.label(entry['before'])})"
        else:
            ok, _ = self.call(ops.update, self.project, entry["id"], memo=entry["before"], actor=self.coder, undo=True)
            done = f"undone: memo on #{entry['id']}"
        if ok:
            self.last_action = done
        self.reload()

    def _renumber(self, old: int, new: int) -> None:
        """A re-added coding has a new id: earlier history entries follow it."""
        for entry in self.history:
            if entry.get("id") == old:
                entry["id"] = new
            if "coding" in entry and entry["coding"]["id"] == old:
                entry["coding"] = {**entry["coding"], "id": new}

    # -- numbers and marks ---------------------------------------------------------------
    def action_pin(self) -> None:
        at = self.codings_at_cursor()
        if at:
            self.pin(at[0]["code"])
            return
        self.push_screen(self.picker("Pin a code to a number key"), lambda code_id: code_id and self.pin(code_id))

    def pin(self, code_id: str) -> None:
        state = self.slots.toggle_pin(code_id)
        if state is None:
            self.report("all nine numbers are pinned: unpin one first (P on a coding of that code)", "warning")
            return
        ok, _ = self.call(save_pins, self.project.store, self.coder, self.slots.pinned_numbers())
        if ok:
            number = self.slots.number(code_id)
            self.last_action = (f"{self.label(code_id)} pinned to {number}" if state
                                else f"{self.label(code_id)} unpinned (keeps {number} while the screen is open)")
        self.update_bars()

    def action_toggle_finished(self) -> None:
        ok, _ = self.call(self.project.mark_finished, self.transcript_id, self.coder,
                          finished=not self.is_finished)
        if ok:
            self.is_finished = not self.is_finished
            self.last_action = ("transcript marked finished (F again: not finished)" if self.is_finished
                                else "transcript marked not finished")
        self.update_bars()
