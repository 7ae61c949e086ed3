"""SQL of transcripts, their attributes and their segments (speaker turns)."""
from __future__ import annotations


class TranscriptSQL:
    def transcript(self, transcript_id: str) -> dict | None:
        return self._one("SELECT * FROM transcripts WHERE id = :id", {"id": transcript_id})

    def transcript_ids(self) -> list[str]:
        return [r["id"] for r in self._all("SELECT id FROM transcripts ORDER BY id")]

    def transcript_by_hash(self, content_hash: str) -> dict | None:
        return self._one(
            "SELECT id, source_name FROM transcripts WHERE content_hash = :h", {"h": content_hash}
        )

    def transcript_summaries(self) -> list[dict]:
        """One row per transcript with counts, without the full text."""
        return self._all(
            """
            SELECT t.id, t.title, t.source_name, t.format, t.encoding, t.imported_at,
                   length(t.text) AS characters,
                   (SELECT count(*) FROM segments s WHERE s.transcript_id = t.id) AS segments,
                   (SELECT count(*) FROM codings c WHERE c.transcript_id = t.id) AS codings
            FROM transcripts t ORDER BY t.id
            """
        )

    def insert_transcript(self, row: dict) -> None:
        from qualcode.store import now

        stamp = now()
        self._exec(
            """INSERT INTO transcripts (id, title, source_name, format, encoding, content_hash,
                                        text, imported_at, updated_at)
               VALUES (:id, :title, :source_name, :format, :encoding, :content_hash,
                       :text, :at, :at)""",
            {"id": row["id"], "title": row.get("title", ""), "source_name": row["source_name"],
             "format": row["format"], "encoding": row.get("encoding"),
             "content_hash": row["content_hash"], "text": row["text"], "at": stamp},
        )

    def update_transcript(self, transcript_id: str, **fields) -> None:
        from qualcode.store import now

        fields["updated_at"] = now()
        cols = ", ".join(f"{k} = :{k}" for k in fields)
        self._exec(f"UPDATE transcripts SET {cols} WHERE id = :transcript_id",
                   {**fields, "transcript_id": transcript_id})

    # -- attributes ---------------------------------------------------------
    def attributes(self, transcript_id: str) -> dict[str, str]:
        rows = self._all(
            "SELECT key, value FROM attributes WHERE transcript_id = :t ORDER BY key",
            {"t": transcript_id},
        )
        return {r["key"]: r["value"] for r in rows}

    def all_attributes(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for r in self._all("SELECT transcript_id, key, value FROM attributes ORDER BY key"):
            out.setdefault(r["transcript_id"], {})[r["key"]] = r["value"]
        return out

    def set_attribute(self, transcript_id: str, key: str, value: str) -> None:
        self._exec(
            "INSERT INTO attributes (transcript_id, key, value) VALUES (:t, :key, :value) "
            "ON CONFLICT (transcript_id, key) DO UPDATE SET value = excluded.value",
            {"t": transcript_id, "key": key, "value": value},
        )

    def unset_attribute(self, transcript_id: str, key: str) -> bool:
        return self._exec("DELETE FROM attributes WHERE transcript_id = :t AND key = :key",
                          {"t": transcript_id, "key": key}).rowcount > 0

    # -- segments -----------------------------------------------------------
    def replace_segments(self, transcript_id: str, segments: list[dict]) -> None:
        self._exec("DELETE FROM segments WHERE transcript_id = :t", {"t": transcript_id})
        self._many(
            """INSERT INTO segments (transcript_id, idx, speaker, role, start, "end", text, time)
               VALUES (:t, :idx, :speaker, :role, :start, :end, :text, :time)""",
            [
                {"t": transcript_id, "idx": i, "speaker": s.get("speaker"), "role": s["role"],
                 "start": s["start"], "end": s["end"], "text": s["text"], "time": s.get("time")}
                for i, s in enumerate(segments, start=1)
            ],
        )

    def segments(self, transcript_id: str) -> list[dict]:
        return self._all(
            "SELECT * FROM segments WHERE transcript_id = :t ORDER BY idx", {"t": transcript_id}
        )

    def segment_spans(self) -> list[tuple]:
        """(transcript, number, speaker, start, end) of every segment, as plain tuples."""
        return self._tuples('SELECT transcript_id, idx, speaker, start, "end" FROM segments')

    def all_segments(self) -> list[dict]:
        return self._all(
            'SELECT id, transcript_id, idx, speaker, role, start, "end" FROM segments '
            "ORDER BY transcript_id, idx"
        )
