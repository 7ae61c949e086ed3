"""What the coding screen does to codings: apply, remove, change, annotate and
undo, each through one `qualcode.coding` call (its own transaction), with an
in-memory history of actions already saved so they can be undone."""
from __future__ import annotations

from qualcode import coding as ops
from qualcode.tui.widgets import CodePicker, MemoEditor


class CodingActions:
    """Mixin for `TagApp`: needs project, transcript_id, coder, history, and the
    app helpers call, report, reload, use, describe, label, target_span,
    codings_at_cursor."""

    def apply_code(self, code_id: str) -> None:
        ok, span = self.call(ops.trim_span, self.text, *self.target_span())
        if not ok:
            return
        start, end = span

        def add():
            existing = ops.find(self.project, self.transcript_id, code_id, self.coder, start, end)
            return existing, ops.add(self.project, self.transcript_id, code_id, self.coder, start, end)

        ok, result = self.call(add)
        if not ok:
            return
        existing, coding = result
        self.use(code_id)
        if existing:
            self.last_action = f"already coded: {self.describe(coding)}"
            self.report(self.last_action, "warning")
        else:
            self.history.append({"kind": "add", "coding": coding})
            self.last_action = f"added {self.describe(coding)}"
        self.anchor = None
        self.reload()

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
        self.codes = {spec.id: spec for spec in self.project.codes()}
        title = f"Change the code of #{coding['id']} ({self.label(coding['code'])}, [{coding['start']}:{coding['end']}])"
        self.push_screen(CodePicker(list(self.codes.values()), title, current=coding["code"]),
                         lambda code_id: self._changed(coding, code_id))

    def _changed(self, coding: dict, code_id: str | None) -> None:
        if not code_id or code_id == coding["code"]:
            return
        ok, after = self.call(ops.update, self.project, coding["id"], code=code_id, actor=self.coder)
        if ok:
            self.use(code_id)
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
            ok, _ = self.call(ops.remove, self.project, entry["coding"]["id"], actor=self.coder)
            done = f"undone: added {self.describe(entry['coding'])}"
        elif kind == "remove":
            c = entry["coding"]
            ok, new = self.call(ops.add, self.project, self.transcript_id, c["code"], c["coder"], c["start"],
                                c["end"], memo=c["memo"] or "", origin=c.get("origin") or "manual",
                                provenance=c.get("provenance"))
            if ok:
                self._renumber(c["id"], new["id"])
            done = f"undone: removed {self.describe(c)}"
        elif kind == "change":
            ok, _ = self.call(ops.update, self.project, entry["id"], code=entry["before"], actor=self.coder)
            done = f"undone: change of #{entry['id']} (back to {self.label(entry['before'])})"
        else:
            ok, _ = self.call(ops.update, self.project, entry["id"], memo=entry["before"], actor=self.coder)
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
