"""SQL of the audit trail: who changed what, when, with before/after."""
from __future__ import annotations

import json


class AuditSQL:
    def record(self, actor: str, action: str, target: str = "", before=None, after=None) -> None:
        from qualcode.store import now

        self.conn.execute(
            "INSERT INTO audit (at, actor, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?)",
            (
                now(),
                actor,
                action,
                target,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
            ),
        )

    def audit_entries(self, *, actor=None, since=None, until=None, action_prefix=None, limit=None):
        sql = "SELECT * FROM audit WHERE 1 = 1"
        params: list = []
        if actor:
            sql += " AND actor = ?"
            params.append(actor)
        if since:
            sql += " AND at >= ?"
            params.append(since)
        if until:
            sql += " AND at < ?"
            params.append(until)
        if action_prefix:
            sql += " AND action LIKE ?"
            params.append(action_prefix + "%")
        sql += " ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = self._all(sql, params)[::-1]
        for row in rows:
            for key in ("before", "after"):
                row[key] = json.loads(row[key]) if row[key] else None
        return rows
