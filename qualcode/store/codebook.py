"""SQL of the codebook: codes keyed by an internal `pk`, named by a slug-path `id`.

Codings point at `pk`, so renaming or moving a code (which rewrites its `id` and
its descendants' ids) never touches a coding.
"""
from __future__ import annotations

import json

from qualcode.store.filters import like_prefix

_FIELDS = ("label", "description", "include", "exclude", "example", "color", "guid")


def _decode(row: dict) -> dict:
    row["keywords"] = json.loads(row["keywords"])
    row["family"] = bool(row["family"])
    row["codable"] = bool(row["codable"])
    return row


def _params(spec, position: int) -> dict:
    return {"id": spec.id, "position": position, "label": spec.label,
            "description": spec.description or "", "include": spec.include or "",
            "exclude": spec.exclude or "", "example": spec.example or "",
            "keywords": json.dumps(list(spec.keywords), ensure_ascii=False), "color": spec.color,
            "family": int(bool(spec.family)), "guid": spec.guid,
            "codable": int(bool(getattr(spec, "codable", True)))}


class CodebookSQL:
    def codes(self) -> list[dict]:
        rows = self._all("SELECT * FROM codes ORDER BY position, id")
        for r in rows:
            _decode(r)
        return rows

    def code(self, code_id: str) -> dict | None:
        row = self._one("SELECT * FROM codes WHERE id = :id", {"id": code_id})
        return _decode(row) if row else None

    def insert_code(self, spec, position: int) -> int:
        cur = self._exec(
            """INSERT INTO codes (id, position, label, description, include, exclude, example,
                                  keywords, color, family, guid, codable)
               VALUES (:id, :position, :label, :description, :include, :exclude, :example,
                       :keywords, :color, :family, :guid, :codable) RETURNING pk""",
            _params(spec, position),
        )
        return cur.fetchone()[0]

    def update_code(self, pk: int, spec, position: int) -> None:
        """Update a code; a spec without a guid keeps the stored one."""
        self._exec(
            """UPDATE codes SET id = :id, position = :position, label = :label,
                   description = :description, include = :include, exclude = :exclude,
                   example = :example, keywords = :keywords, color = :color, family = :family,
                   guid = COALESCE(:guid, guid), codable = :codable
               WHERE pk = :pk""",
            {**_params(spec, position), "pk": pk},
        )

    def rename_code_tree(self, old_id: str, new_id: str) -> int:
        """Rewrite the id of a code and of all its descendants; returns rows changed."""
        return self._exec(
            "UPDATE codes SET id = :new || substr(id, :cut) WHERE id = :old OR id LIKE :below ESCAPE '\\'",
            {"new": new_id, "cut": len(old_id) + 1, "old": old_id, "below": like_prefix(old_id)},
        ).rowcount

    def set_code_memo(self, pk: int, memo: str) -> None:
        self._exec("UPDATE codes SET memo = :memo WHERE pk = :pk", {"memo": memo, "pk": pk})

    def delete_code(self, pk: int) -> None:
        self._exec("DELETE FROM codes WHERE pk = :pk", {"pk": pk})

    def coding_counts(self) -> list[dict]:
        """Codings per code and coder, and distinct transcripts, for `codebook show`."""
        return self._all(
            """SELECT code_pk, coder, count(*) AS n, count(DISTINCT transcript_id) AS transcripts
               FROM codings GROUP BY code_pk, coder"""
        )

    def transcripts_by_code(self) -> list[dict]:
        return self._all("SELECT DISTINCT code_pk, transcript_id FROM codings")
