"""SQL of NLP assistance: stored suggestions and the parse cache."""
from __future__ import annotations


class AssistSQL:
    def cached_parse(self, text_hash: str, model: str) -> bytes | None:
        return self._scalar(
            "SELECT data FROM parse_cache WHERE text_hash = :h AND model = :m", {"h": text_hash, "m": model}
        )

    def store_parse(self, text_hash: str, model: str, data: bytes) -> None:
        from qualcode.store import now

        self._exec(
            "INSERT INTO parse_cache (text_hash, model, data, created_at) VALUES (:h, :m, :data, :at) "
            "ON CONFLICT (text_hash, model) DO UPDATE SET data = excluded.data",
            {"h": text_hash, "m": model, "data": data, "at": now()},
        )

    def delete_pending_suggestions(self, transcript_id: str) -> int:
        return self._exec("DELETE FROM suggestions WHERE transcript_id = :t AND status = 'pending'",
                          {"t": transcript_id}).rowcount

    def insert_suggestion(self, s: dict) -> int | None:
        from qualcode.store import now

        return self._exec(
            """INSERT INTO suggestions (transcript_id, code_pk, start, "end", score, method,
                                        explanation, created_at)
               VALUES (:transcript, :code_pk, :start, :end, :score, :method, :explanation, :at)
               ON CONFLICT (transcript_id, code_pk, start, "end", method) DO NOTHING RETURNING id""",
            {"transcript": s["transcript"], "code_pk": s["code_pk"], "start": s["start"], "end": s["end"],
             "score": s["score"], "method": s["method"], "explanation": s.get("explanation", ""),
             "at": now()},
        ).scalar()

    def delete_pending(self, transcript_ids: list[str], methods: list[str]) -> int:
        return self._exec(
            "DELETE FROM suggestions WHERE status = 'pending' AND transcript_id IN :ts "
            "AND method IN :methods", {"ts": list(transcript_ids), "methods": list(methods)}).rowcount

    def suggestions(self, *, status="pending", transcript=None, code=None, min_score=None,
                    ids=None, method=None) -> list[dict]:
        from qualcode.store.filters import Where

        where = (Where().add(status, "s.status = :status", status=status)
                 .add(transcript, "s.transcript_id = :transcript", transcript=transcript)
                 .subtree("k.id", code).add(min_score is not None, "s.score >= :min_score", min_score=min_score)
                 .add(method, "s.method = :method", method=method).within("s.id", ids, "ids"))
        sql = ('SELECT s.*, s.transcript_id AS transcript, k.id AS code FROM suggestions s '
               'JOIN codes k ON k.pk = s.code_pk' + where.sql)
        return self._all(sql + ' ORDER BY s.transcript_id, s.start, s.score DESC', where.params)

    def set_suggestion_status(self, suggestion_id: int, status: str, reviewer: str,
                              coding_id: int | None = None) -> None:
        from qualcode.store import now

        self.check_acting_as(reviewer)
        self._exec(
            "UPDATE suggestions SET status = :status, reviewer = :reviewer, reviewed_at = :at, "
            "coding_id = :coding_id WHERE id = :id",
            {"status": status, "reviewer": reviewer, "at": now(), "coding_id": coding_id,
             "id": suggestion_id})

    def rejected_suggestions(self) -> list[dict]:
        return self.suggestions(status="rejected")

    # -- the suggestions of a method as a coder's codings (agreement) -------------------
    def suggestion_methods(self) -> list[str]:
        """Methods with pending or accepted suggestions: coders for `agreement`."""
        return [r["method"] for r in self._all(
            "SELECT DISTINCT method FROM suggestions WHERE status IN ('pending', 'accepted') ORDER BY method")]

    def suggestion_codings(self, method: str, transcripts=None) -> list[dict]:
        """The pending and accepted suggestions of `method` as codings of a coder
        named after it, at the span and code suggested (rejected ones are left
        out: compare before reviewing to measure the raw model)."""
        params = {"method": method}
        sql = ('SELECT s.transcript_id AS transcript, k.id AS code, s.method AS coder, s.start, s."end" '
               "FROM suggestions s JOIN codes k ON k.pk = s.code_pk "
               "WHERE s.method = :method AND s.status IN ('pending', 'accepted')")
        if transcripts:
            sql += " AND s.transcript_id IN :transcripts"
            params["transcripts"] = list(transcripts)
        return self._all(sql + ' ORDER BY s.transcript_id, s.start, s."end", k.position', params)

    # -- the review screen ---------------------------------------------------------------
    def reopen_suggestion(self, suggestion_id: int) -> None:
        """Back to pending (undo of a decision)."""
        self._exec("UPDATE suggestions SET status = 'pending', reviewer = NULL, reviewed_at = NULL, "
                   "coding_id = NULL WHERE id = :id", {"id": suggestion_id})

    def rescore_suggestions(self, scores: dict[int, float]) -> None:
        """New scores for pending suggestions (after the model learnt from a review)."""
        self._many("UPDATE suggestions SET score = :score WHERE id = :id AND status = 'pending'",
                   [{"id": i, "score": s} for i, s in scores.items()])

    def review_counts(self) -> dict[str, dict[str, int]]:
        """{code: {status: n}} over all suggestions: acceptance per code."""
        out: dict[str, dict[str, int]] = {}
        for r in self._all("SELECT k.id AS code, s.status, count(*) AS n FROM suggestions s "
                           "JOIN codes k ON k.pk = s.code_pk GROUP BY k.id, s.status"):
            out.setdefault(r["code"], {})[r["status"]] = r["n"]
        return out
