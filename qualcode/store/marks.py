"""SQL of "finished" marks: a coder says a transcript is completely coded."""
from __future__ import annotations


class MarkSQL:
    def set_finished(self, transcript_id: str, coder: str, finished: bool) -> bool:
        """Set or clear the mark; returns True when something changed."""
        from qualcode.store import now

        self.check_acting_as(coder)
        if finished:
            cur = self._exec(
                "INSERT INTO finished (transcript_id, coder, finished_at) "
                "VALUES (:t, :c, :at) ON CONFLICT (transcript_id, coder) DO NOTHING",
                {"t": transcript_id, "c": coder, "at": now()},
            )
        else:
            cur = self._exec("DELETE FROM finished WHERE transcript_id = :t AND coder = :c",
                             {"t": transcript_id, "c": coder})
        return cur.rowcount > 0

    def finished_marks(self, coder: str | None = None) -> list[dict]:
        """(transcript_id, coder, finished_at) rows, of one coder or of all."""
        sql = "SELECT transcript_id, coder, finished_at FROM finished"
        params = {}
        if coder:
            sql += " WHERE coder = :c"
            params["c"] = coder
        return self._all(sql + " ORDER BY transcript_id, coder", params)
