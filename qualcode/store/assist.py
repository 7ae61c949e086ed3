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
