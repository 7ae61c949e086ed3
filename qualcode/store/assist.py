"""SQL of NLP assistance: stored suggestions and the parse cache."""
from __future__ import annotations


class AssistSQL:
    def cached_parse(self, text_hash: str, model: str) -> bytes | None:
        return self._scalar(
            "SELECT data FROM parse_cache WHERE text_hash = ? AND model = ?", (text_hash, model)
        )

    def store_parse(self, text_hash: str, model: str, data: bytes) -> None:
        from qualcode.store import now

        self.conn.execute(
            "INSERT INTO parse_cache (text_hash, model, data, created_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (text_hash, model) DO UPDATE SET data = excluded.data",
            (text_hash, model, data, now()),
        )

    def delete_pending_suggestions(self, transcript_id: str) -> int:
        return self.conn.execute(
            "DELETE FROM suggestions WHERE transcript_id = ? AND status = 'pending'", (transcript_id,)
        ).rowcount

    def insert_suggestion(self, s: dict) -> int | None:
        from qualcode.store import now

        row = self.conn.execute(
            """INSERT INTO suggestions (transcript_id, code_pk, start, "end", score, method,
                                        explanation, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (transcript_id, code_pk, start, "end", method) DO NOTHING RETURNING id""",
            (s["transcript"], s["code_pk"], s["start"], s["end"], s["score"], s["method"],
             s.get("explanation", ""), now()),
        ).fetchone()
        return row[0] if row else None

    def delete_pending(self, transcript_ids: list[str], methods: list[str]) -> int:
        marks = ",".join("?" * len(transcript_ids))
        methods_marks = ",".join("?" * len(methods))
        return self.conn.execute(
            f"DELETE FROM suggestions WHERE status = 'pending' AND transcript_id IN ({marks}) "
            f"AND method IN ({methods_marks})", (*transcript_ids, *methods)).rowcount

    def suggestions(self, *, status="pending", transcript=None, code=None, min_score=None,
                    ids=None, method=None) -> list[dict]:
        from qualcode.store.filters import Where

        where = (Where().add(status, "s.status = ?", status).add(transcript, "s.transcript_id = ?", transcript)
                 .subtree("k.id", code).add(min_score is not None, "s.score >= ?", min_score)
                 .add(method, "s.method = ?", method).within("s.id", ids))
        sql = ('SELECT s.*, s.transcript_id AS transcript, k.id AS code FROM suggestions s '
               'JOIN codes k ON k.pk = s.code_pk' + where.sql)
        params = where.params
        return self._all(sql + ' ORDER BY s.transcript_id, s.start, s.score DESC', params)

    def set_suggestion_status(self, suggestion_id: int, status: str, reviewer: str,
                              coding_id: int | None = None) -> None:
        from qualcode.store import now

        self.conn.execute(
            "UPDATE suggestions SET status = ?, reviewer = ?, reviewed_at = ?, coding_id = ? WHERE id = ?",
            (status, reviewer, now(), coding_id, suggestion_id))

    def rejected_suggestions(self) -> list[dict]:
        return self.suggestions(status="rejected")
