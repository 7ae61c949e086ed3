"""SQL of codings (a code applied by a coder to a [start, end) span of a transcript)."""
from __future__ import annotations

import json

from qualcode.store.filters import Where

_SELECT = """
    SELECT c.id, c.transcript_id AS transcript, k.id AS code, c.code_pk, c.coder,
           c.start, c."end", c.memo, c.origin, c.provenance, c.created_at, c.updated_at
    FROM codings c JOIN codes k ON k.pk = c.code_pk
"""


def _decode(row: dict) -> dict:
    row["provenance"] = json.loads(row["provenance"]) if row.get("provenance") else None
    return row


class CodingSQL:
    def insert_coding(self, transcript_id, code_pk, coder, start, end, *, memo="",
                      origin="manual", provenance=None) -> int | None:
        """Insert; returns the new id, or None when the same coding already exists."""
        from qualcode.store import now

        stamp = now()
        cur = self.conn.execute(
            """INSERT INTO codings (transcript_id, code_pk, coder, start, "end", memo, origin,
                                    provenance, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (transcript_id, code_pk, coder, start, "end") DO NOTHING
               RETURNING id""",
            (transcript_id, code_pk, coder, start, end, memo or "", origin,
             json.dumps(provenance, ensure_ascii=False) if provenance else None, stamp, stamp),
        )
        row = cur.fetchone()
        return row[0] if row else None

    def coding(self, coding_id: int) -> dict | None:
        row = self._one(_SELECT + " WHERE c.id = ?", (coding_id,))
        return _decode(row) if row else None

    def find_coding(self, transcript_id, code_pk, coder, start, end) -> dict | None:
        row = self._one(
            _SELECT + ' WHERE c.transcript_id = ? AND c.code_pk = ? AND c.coder = ? '
            'AND c.start = ? AND c."end" = ?',
            (transcript_id, code_pk, coder, start, end),
        )
        return _decode(row) if row else None

    def update_coding(self, coding_id: int, **fields) -> None:
        from qualcode.store import now

        fields["updated_at"] = now()
        cols = ", ".join(f'"{k}" = ?' for k in fields)
        self.conn.execute(f"UPDATE codings SET {cols} WHERE id = ?", (*fields.values(), coding_id))

    def delete_coding(self, coding_id: int) -> None:
        self.conn.execute("DELETE FROM codings WHERE id = ?", (coding_id,))

    def codings(self, *, transcript=None, transcripts=None, code=None, coder=None,
                coders=None, attr=None, code_pk=None) -> list[dict]:
        """Codings with filters. `code` includes descendants; `attr` is (key, value)."""
        where = (Where().add(transcript, "c.transcript_id = ?", transcript)
                 .within("c.transcript_id", transcripts).subtree("k.id", code)
                 .add(code_pk is not None, "c.code_pk = ?", code_pk).add(coder, "c.coder = ?", coder)
                 .within("c.coder", coders)
                 .add(attr, "EXISTS (SELECT 1 FROM attributes a WHERE a.transcript_id = c.transcript_id "
                            "AND a.key = ? AND a.value = ?)", *(attr or ())))
        sql, params = _SELECT + where.sql, where.params
        sql += " ORDER BY c.transcript_id, c.start, c.\"end\", k.position, c.coder, c.id"
        return [_decode(r) for r in self._all(sql, params)]

    def coding_spans(self, coders=None) -> list[tuple]:
        """(transcript, code id, coder, start, end) of every coding (of `coders`), as
        plain tuples in no particular order: the bulk read behind the matrices."""
        sql = 'SELECT c.transcript_id, k.id, c.coder, c.start, c."end" FROM codings c JOIN codes k ON k.pk = c.code_pk'
        params = list(coders or [])
        if params:
            sql += f" WHERE c.coder IN ({','.join('?' * len(params))})"
        cur = self.conn.cursor()
        cur.row_factory = None
        return cur.execute(sql, params).fetchall()

    def coders(self) -> list[str]:
        return [r["coder"] for r in self._all("SELECT DISTINCT coder FROM codings ORDER BY coder")]

    def move_codings(self, from_pk: int, to_pk: int) -> tuple[int, int]:
        """Re-point codings of one code to another (merge). Exact duplicates that
        would collide are removed; returns (moved, duplicates_removed)."""
        dup = self.conn.execute(
            """DELETE FROM codings WHERE code_pk = ? AND EXISTS (
                   SELECT 1 FROM codings o WHERE o.code_pk = ? AND o.transcript_id = codings.transcript_id
                   AND o.coder = codings.coder AND o.start = codings.start AND o."end" = codings."end")""",
            (from_pk, to_pk),
        ).rowcount
        moved = self.conn.execute(
            "UPDATE codings SET code_pk = ? WHERE code_pk = ?", (to_pk, from_pk)
        ).rowcount
        return moved, dup

    def count_codings(self, code_pk: int | None = None) -> int:
        if code_pk is None:
            return self._scalar("SELECT count(*) FROM codings")
        return self._scalar("SELECT count(*) FROM codings WHERE code_pk = ?", (code_pk,))

    # -- codings detached by a re-import that changed the text --------------
    def insert_detached(self, coding: dict, quote: str, reason: str) -> None:
        from qualcode.store import now

        self.conn.execute(
            """INSERT INTO detached_codings (transcript_id, code_pk, coder, quote, old_start,
                                             old_end, memo, reason, detached_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (coding["transcript"], coding["code_pk"], coding["coder"], quote, coding["start"],
             coding["end"], coding.get("memo", ""), reason, now()),
        )

    def detached_codings(self, transcript=None) -> list[dict]:
        sql = ("SELECT d.*, k.id AS code FROM detached_codings d JOIN codes k ON k.pk = d.code_pk")
        params = []
        if transcript:
            sql += " WHERE d.transcript_id = ?"
            params.append(transcript)
        return self._all(sql + " ORDER BY d.id", params)
