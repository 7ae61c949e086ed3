"""SQL of the audit trail: who changed what, when, with before/after."""
from __future__ import annotations

import json


class AuditSQL:
    def record(self, actor: str, action: str, target: str = "", before=None, after=None) -> None:
        from qualcode.store import now

        self._exec(
            "INSERT INTO audit (at, actor, action, target, before, after, role) "
            "VALUES (:at, :actor, :action, :target, :before, :after, :role)",
            {   # role: the connected role on a server (where a trigger makes sure of it)
                "at": now(), "actor": actor, "action": action, "target": target, "role": self.current_role(),
                "before": None if before is None else json.dumps(before, ensure_ascii=False),
                "after": None if after is None else json.dumps(after, ensure_ascii=False),
            },
        )

    def audit_entries(self, *, actor=None, since=None, until=None, action_prefix=None, limit=None):
        from qualcode.store.filters import Where

        where = (Where().add(actor, "actor = :actor", actor=actor).add(since, "at >= :since", since=since)
                 .add(until, "at < :until", until=until)
                 .add(action_prefix, "action LIKE :action", action=f"{action_prefix}%"))
        sql, params = "SELECT * FROM audit" + where.sql, where.params
        sql += " ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = self._all(sql, params)[::-1]
        for row in rows:
            for key in ("before", "after"):
                row[key] = json.loads(row[key]) if row[key] else None
        return rows

    def audit_actors(self) -> list[str]:
        """Everyone who appears in the audit trail, sorted."""
        return [r["actor"] for r in self._all("SELECT DISTINCT actor FROM audit ORDER BY actor", {})]

    def audit_count(self) -> int:
        return int(self._scalar("SELECT COUNT(*) FROM audit", {}))
