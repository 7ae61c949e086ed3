"""SQL of codings (a code applied by a coder to a [start, end) span of a transcript)."""
from __future__ import annotations

import json

from qualcode.errors import QualcodeError
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

        self.check_acting_as(coder)
        stamp = now()
        return self._exec(
            """INSERT INTO codings (transcript_id, code_pk, coder, start, "end", memo, origin,
                                    provenance, created_at, updated_at)
               VALUES (:transcript, :code_pk, :coder, :start, :end, :memo, :origin,
                       :provenance, :at, :at)
               ON CONFLICT (transcript_id, code_pk, coder, start, "end") DO NOTHING
               RETURNING id""",
            {"transcript": transcript_id, "code_pk": code_pk, "coder": coder, "start": start,
             "end": end, "memo": memo or "", "origin": origin,
             "provenance": json.dumps(provenance, ensure_ascii=False) if provenance else None,
             "at": stamp},
        ).scalar()

    def coding(self, coding_id: int) -> dict | None:
        row = self._one(_SELECT + " WHERE c.id = :id", {"id": coding_id})
        return _decode(row) if row else None

    def find_coding(self, transcript_id, code_pk, coder, start, end) -> dict | None:
        row = self._one(
            _SELECT + ' WHERE c.transcript_id = :transcript AND c.code_pk = :code_pk '
            'AND c.coder = :coder AND c.start = :start AND c."end" = :end',
            {"transcript": transcript_id, "code_pk": code_pk, "coder": coder, "start": start, "end": end},
        )
        return _decode(row) if row else None

    def update_coding(self, coding_id: int, **fields) -> None:
        from qualcode.store import now

        fields["updated_at"] = now()
        cols = ", ".join(f'"{k}" = :{k}' for k in fields)
        done = self._exec(f"UPDATE codings SET {cols} WHERE id = :coding_id", {**fields, "coding_id": coding_id})
        self._refused_unless(done.rowcount, coding_id)

    def delete_coding(self, coding_id: int) -> None:
        self._refused_unless(self._exec("DELETE FROM codings WHERE id = :id", {"id": coding_id}).rowcount,
                             coding_id)

    def _refused_unless(self, rowcount: int, coding_id: int) -> None:
        """On a server, row-level security skips others' codings silently: say so."""
        if rowcount == 0 and self.dialect == "postgresql":
            raise QualcodeError(f"coding #{coding_id} is not yours: the server refused the change "
                                f"(you are '{self.current_role()}')")

    def codings(self, *, transcript=None, transcripts=None, code=None, coder=None,
                coders=None, attr=None, code_pk=None) -> list[dict]:
        """Codings with filters. `code` includes descendants; `attr` is (key, value)."""
        key, value = attr or (None, None)
        where = (Where().add(transcript, "c.transcript_id = :transcript", transcript=transcript)
                 .within("c.transcript_id", transcripts, "transcripts").subtree("k.id", code)
                 .add(code_pk is not None, "c.code_pk = :code_pk", code_pk=code_pk)
                 .add(coder, "c.coder = :coder", coder=coder).within("c.coder", coders, "coders")
                 .add(attr, "EXISTS (SELECT 1 FROM attributes a WHERE a.transcript_id = c.transcript_id "
                            "AND a.key = :attr_key AND a.value = :attr_value)",
                      attr_key=key, attr_value=value))
        sql = _SELECT + where.sql + ' ORDER BY c.transcript_id, c.start, c."end", k.position, c.coder, c.id'
        return [_decode(r) for r in self._all(sql, where.params)]

    def coding_spans(self, coders=None) -> list[tuple]:
        """(transcript, code id, coder, start, end) of every coding (of `coders`), as
        plain tuples in no particular order: the bulk read behind the matrices."""
        where = Where().within("c.coder", coders, "coders")
        return self._tuples('SELECT c.transcript_id, k.id, c.coder, c.start, c."end" '
                            'FROM codings c JOIN codes k ON k.pk = c.code_pk' + where.sql, where.params)

    def coders(self) -> list[str]:
        return [r["coder"] for r in self._all("SELECT DISTINCT coder FROM codings ORDER BY coder")]

    def move_codings(self, from_pk: int, to_pk: int) -> tuple[int, int]:
        """Re-point codings of one code to another (merge). Exact duplicates that
        would collide are removed; returns (moved, duplicates_removed)."""
        pks = {"from_pk": from_pk, "to_pk": to_pk}
        dup = self._exec(
            """DELETE FROM codings WHERE code_pk = :from_pk AND EXISTS (
                   SELECT 1 FROM codings o WHERE o.code_pk = :to_pk AND o.transcript_id = codings.transcript_id
                   AND o.coder = codings.coder AND o.start = codings.start AND o."end" = codings."end")""",
            pks,
        ).rowcount
        moved = self._exec("UPDATE codings SET code_pk = :to_pk WHERE code_pk = :from_pk", pks).rowcount
        return moved, dup

    def count_codings(self, code_pk: int | None = None) -> int:
        if code_pk is None:
            return self._scalar("SELECT count(*) FROM codings")
        return self._scalar("SELECT count(*) FROM codings WHERE code_pk = :pk", {"pk": code_pk})

    # -- codings detached by a re-import that changed the text --------------
    def insert_detached(self, coding: dict, quote: str, reason: str) -> None:
        from qualcode.store import now

        self._exec(
            """INSERT INTO detached_codings (transcript_id, code_pk, coder, quote, old_start,
                                             old_end, memo, reason, detached_at)
               VALUES (:transcript, :code_pk, :coder, :quote, :start, :end, :memo, :reason, :at)""",
            {"transcript": coding["transcript"], "code_pk": coding["code_pk"], "coder": coding["coder"],
             "quote": quote, "start": coding["start"], "end": coding["end"],
             "memo": coding.get("memo", ""), "reason": reason, "at": now()},
        )

    def detached_codings(self, transcript=None) -> list[dict]:
        where = Where().add(transcript, "d.transcript_id = :transcript", transcript=transcript)
        return self._all("SELECT d.*, k.id AS code FROM detached_codings d JOIN codes k ON k.pk = d.code_pk"
                         + where.sql + " ORDER BY d.id", where.params)
