"""SQL of the REFI-QDA exchange (`qualcode.interop`): the GUIDs other tools know
qualcode's entities by, the GUIDs of each coding and its selection, project-level
notes, and the look-ups that make imports and merges idempotent.

`refi_ids` holds one GUID per (kind, key): ``source`` (transcript id), ``case``
(transcript id), ``user`` (coder name), ``variable`` (attribute key), ``project``
(''), ``note`` (``transcript:ID``, ``code:GUID`` or ``coding:ID``, with the note's
name). GUIDs are stored as written; compare them with `interop.codes.guid_key`.
"""
from __future__ import annotations


class InteropSQL:
    def transcript_heads(self) -> list[dict]:
        """id, title, source_name, content_hash and memo of every transcript (no text)."""
        return self._all("SELECT id, title, source_name, content_hash, memo FROM transcripts ORDER BY id")

    # -- GUIDs of entities ---------------------------------------------------
    def refi_ids(self, kind: str) -> dict[str, dict]:
        """key -> {"guid", "name"} of one kind."""
        rows = self._all("SELECT key, guid, name FROM refi_ids WHERE kind = :kind ORDER BY key",
                         {"kind": kind})
        return {r["key"]: {"guid": r["guid"], "name": r["name"]} for r in rows}

    def set_refi_id(self, kind: str, key: str, guid: str, name: str | None = None) -> None:
        self._exec(
            "INSERT INTO refi_ids (kind, key, guid, name) VALUES (:kind, :key, :guid, :name) "
            "ON CONFLICT (kind, key) DO UPDATE SET guid = excluded.guid, name = excluded.name",
            {"kind": kind, "key": key, "guid": guid, "name": name},
        )

    def set_code_guid(self, pk: int, guid: str) -> None:
        self._exec("UPDATE codes SET guid = :guid WHERE pk = :pk", {"guid": guid, "pk": pk})

    # -- codings and their selections ----------------------------------------
    def coding_refi(self) -> dict[int, dict]:
        """coding id -> {selection_guid, coding_guid, selection_user, created}."""
        rows = self._all("SELECT * FROM coding_refi")
        return {r["coding_id"]: r for r in rows}

    def set_coding_refi(self, coding_id: int, selection_guid: str, coding_guid: str,
                        selection_user: str | None = None, created: str | None = None) -> None:
        self._exec(
            """INSERT INTO coding_refi (coding_id, selection_guid, coding_guid, selection_user, created)
               VALUES (:id, :sel, :guid, :user, :created)
               ON CONFLICT (coding_id) DO UPDATE SET selection_guid = excluded.selection_guid,
                   coding_guid = excluded.coding_guid, selection_user = excluded.selection_user,
                   created = excluded.created""",
            {"id": coding_id, "sel": selection_guid, "guid": coding_guid, "user": selection_user,
             "created": created},
        )

    # -- project-level notes ---------------------------------------------------
    def notes(self) -> list[dict]:
        return self._all("SELECT * FROM notes ORDER BY id")

    def insert_note(self, guid: str, name: str, text: str, author: str | None,
                    created_at: str | None = None) -> None:
        from qualcode.store import now

        self._exec(
            "INSERT INTO notes (guid, name, text, author, created_at) "
            "VALUES (:guid, :name, :text, :author, :at)",
            {"guid": guid, "name": name, "text": text, "author": author, "at": created_at or now()},
        )

    # -- detached codings, without duplicates ----------------------------------
    def detached_exists(self, transcript_id: str, code_pk: int, coder: str, start: int, end: int,
                        reason: str) -> bool:
        return bool(self._scalar(
            """SELECT count(*) FROM detached_codings WHERE transcript_id = :t AND code_pk = :k
               AND coder = :c AND old_start = :s AND old_end = :e AND reason = :r""",
            {"t": transcript_id, "k": code_pk, "c": coder, "s": start, "e": end, "r": reason},
        ))
