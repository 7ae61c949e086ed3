"""SQL of pseudonymisation: candidates, surface forms and their decisions,
pseudonyms (entities), the allow-list and project list, unplaced candidates,
and project settings."""
from __future__ import annotations

_FORM = """SELECT f.*, e.replacement, e.kind AS entity_kind, e.gender,
                  (SELECT count(*) FROM pseudonym_candidates c WHERE c.form_id = f.id) AS occurrences,
                  (SELECT count(DISTINCT c.transcript_id) FROM pseudonym_candidates c
                   WHERE c.form_id = f.id) AS transcripts
           FROM pseudonym_forms f LEFT JOIN pseudonym_entities e ON e.id = f.entity_id"""


def _where(filters, params: dict) -> tuple[str, dict]:
    """' WHERE a AND b' for the (given, clause) pairs that are given, and the params."""
    clauses = [clause for given, clause in filters if given]
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


class PseudonymSQL:
    # -- forms and candidates ----------------------------------------------
    def pseudonym_form(self, key: str | None = None, form_id: int | None = None) -> dict | None:
        if form_id is not None:
            return self._one(_FORM + " WHERE f.id = :id", {"id": form_id})
        return self._one(_FORM + " WHERE f.key = :key", {"key": key})

    def pseudonym_forms(self, *, status=None, kind=None, min_score=None) -> list[dict]:
        sql, params = _where([(status, "f.status = :status"), (kind, "f.kind = :kind"),
                              (min_score is not None, "f.score >= :min")],
                             {"status": status, "kind": kind, "min": min_score})
        return self._all(_FORM + sql + " ORDER BY f.score DESC, f.key", params)

    def upsert_pseudonym_form(self, key, surface, kind, subtype, score, lexical) -> int:
        row = self._exec(
            """INSERT INTO pseudonym_forms (key, surface, kind, subtype, score, lexical)
               VALUES (:key, :surface, :kind, :subtype, :score, :lexical)
               ON CONFLICT (key) DO UPDATE SET score = CASE WHEN excluded.score > pseudonym_forms.score
                   THEN excluded.score ELSE pseudonym_forms.score END,
                                               lexical = excluded.lexical
               RETURNING id""",
            {"key": key, "surface": surface, "kind": kind, "subtype": subtype, "score": score,
             "lexical": int(lexical)}).fetchone()
        return row[0]

    def set_pseudonym_form(self, form_id: int, **fields) -> None:
        fields = {k: v for k, v in fields.items()}
        cols = ", ".join(f"{k} = :{k}" for k in fields)
        self._exec(f"UPDATE pseudonym_forms SET {cols} WHERE id = :id", {**fields, "id": form_id})

    def delete_orphan_pseudonym_forms(self) -> int:
        """Pending forms that no candidate refers to any more."""
        return self._exec("""DELETE FROM pseudonym_forms WHERE status = 'pending' AND id NOT IN
                             (SELECT form_id FROM pseudonym_candidates)""").rowcount

    def delete_scanned_candidates(self, transcript_id: str) -> int:
        """A rescan replaces a transcript's candidates, except per-occurrence decisions."""
        return self._exec("DELETE FROM pseudonym_candidates WHERE transcript_id = :t AND status = 'form'",
                          {"t": transcript_id}).rowcount

    def insert_pseudonym_candidates(self, rows: list[dict]) -> None:
        from qualcode.store import now

        stamp = now()
        self._many(
            """INSERT INTO pseudonym_candidates (transcript_id, form_id, start, "end", text, kind, source,
                                                  score, status, created_at)
               VALUES (:transcript, :form_id, :start, :end, :text, :kind, :source, :score,
                       :status, :created_at)
               ON CONFLICT (transcript_id, start, "end") DO NOTHING""",
            [{"status": "form", **r, "created_at": stamp} for r in rows])

    def pseudonym_candidates(self, *, transcript=None, form_id=None, ids=None) -> list[dict]:
        where, params = _where([(transcript, "c.transcript_id = :t"), (form_id is not None, "c.form_id = :f")],
                               {"t": transcript, "f": form_id})
        sql = ("""SELECT c.*, c.transcript_id AS transcript, f.key, f.status AS form_status,
                         f.entity_id, e.replacement FROM pseudonym_candidates c
                  JOIN pseudonym_forms f ON f.id = c.form_id
                  LEFT JOIN pseudonym_entities e ON e.id = f.entity_id""" + where)
        rows = self._all(sql + ' ORDER BY c.transcript_id, c.start, c."end"', params)
        return [r for r in rows if ids is None or r["id"] in set(ids)]

    def set_pseudonym_candidate(self, candidate_id: int, **fields) -> None:
        cols = ", ".join(f'"{k}" = :{k}' for k in fields)
        self._exec(f"UPDATE pseudonym_candidates SET {cols} WHERE id = :id", {**fields, "id": candidate_id})

    def delete_pseudonym_candidate(self, candidate_id: int) -> None:
        self._exec("DELETE FROM pseudonym_candidates WHERE id = :id", {"id": candidate_id})

    # -- entities (pseudonyms) ---------------------------------------------
    def insert_pseudonym_entity(self, kind: str, replacement: str, gender: str = "") -> int:
        from qualcode.store import now

        return self._exec("""INSERT INTO pseudonym_entities (kind, replacement, gender, created_at)
                             VALUES (:kind, :replacement, :gender, :at) RETURNING id""",
                          {"kind": kind, "replacement": replacement, "gender": gender or "",
                           "at": now()}).fetchone()[0]

    def pseudonym_entities(self) -> list[dict]:
        return self._all("SELECT * FROM pseudonym_entities ORDER BY id")

    def set_pseudonym_replacement(self, entity_id: int, replacement: str) -> None:
        self._exec("UPDATE pseudonym_entities SET replacement = :r WHERE id = :id",
                   {"r": replacement, "id": entity_id})

    def delete_unused_pseudonym_entities(self) -> None:
        self._exec("""DELETE FROM pseudonym_entities WHERE id NOT IN
                      (SELECT entity_id FROM pseudonym_forms WHERE entity_id IS NOT NULL)""")

    # -- allow-list and project list ---------------------------------------
    def pseudonym_words(self, list_name: str) -> list[dict]:
        return self._all("SELECT * FROM pseudonym_words WHERE list = :l ORDER BY key", {"l": list_name})

    def add_pseudonym_word(self, list_name, key, surface, kind, actor) -> bool:
        from qualcode.store import now

        return self._exec("""INSERT INTO pseudonym_words (list, key, surface, kind, added_by, added_at)
                             VALUES (:l, :key, :surface, :kind, :by, :at)
                             ON CONFLICT (list, key) DO NOTHING""",
                          {"l": list_name, "key": key, "surface": surface, "kind": kind or "",
                           "by": actor, "at": now()}).rowcount > 0

    def remove_pseudonym_word(self, list_name, key) -> bool:
        return self._exec("DELETE FROM pseudonym_words WHERE list = :l AND key = :key",
                          {"l": list_name, "key": key}).rowcount > 0

    # -- unplaced after a re-import ----------------------------------------
    def insert_pseudonym_unplaced(self, row: dict, reason: str) -> None:
        from qualcode.store import now

        self._exec("""INSERT INTO pseudonym_unplaced (transcript_id, form_id, old_start, old_end, text,
                                                      status, reason, unplaced_at)
                      VALUES (:t, :f, :s, :e, :text, :status, :reason, :at)""",
                   {"t": row["transcript_id"], "f": row["form_id"], "s": row["start"], "e": row["end"],
                    "text": row["text"], "status": row["status"], "reason": reason, "at": now()})

    def pseudonym_unplaced(self) -> list[dict]:
        return self._all("""SELECT u.*, f.key, f.status AS form_status FROM pseudonym_unplaced u
                            LEFT JOIN pseudonym_forms f ON f.id = u.form_id ORDER BY u.id""")

    # -- forgetting the key ------------------------------------------------
    def forget_pseudonym_key(self, hashed: dict[int, str]) -> dict:
        """Erase every real surface form: undecided and rejected forms go, accepted
        forms keep only `hashed` keys (form id -> one-way key); placements and
        pseudonyms stay, so exports come out as before."""
        counts = {"forms": self._scalar("SELECT count(*) FROM pseudonym_forms"),
                  "names": self._scalar("SELECT count(*) FROM pseudonym_words WHERE list = 'names'")}
        self._exec("DELETE FROM pseudonym_forms WHERE status != 'accepted'")
        self._exec("""DELETE FROM pseudonym_candidates WHERE status = 'rejected' OR form_id NOT IN
                      (SELECT id FROM pseudonym_forms)""")
        self._many("UPDATE pseudonym_forms SET surface = '', key = :key WHERE id = :id",
                   [{"id": i, "key": k} for i, k in hashed.items()])
        self._exec("UPDATE pseudonym_candidates SET text = '', status = 'accepted'")
        self._exec("UPDATE pseudonym_unplaced SET text = ''")
        self._exec("DELETE FROM pseudonym_words WHERE list = 'names'")
        self._exec("""UPDATE audit SET before = NULL, after = NULL
                      WHERE action LIKE 'pseudonym.%' AND action != 'pseudonym.forget'""")
        return counts

    # -- settings ------------------------------------------------------------
    def setting(self, key: str) -> str | None:
        return self._scalar("SELECT value FROM settings WHERE key = :k", {"k": key})

    def settings(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self._all("SELECT key, value FROM settings ORDER BY key")}

    def set_setting(self, key: str, value: str | None, actor: str) -> None:
        from qualcode.store import now

        if value is None:
            self._exec("DELETE FROM settings WHERE key = :k", {"k": key})
        else:
            self._exec("""INSERT INTO settings (key, value, set_by, set_at) VALUES (:k, :v, :by, :at)
                          ON CONFLICT (key) DO UPDATE SET value = excluded.value, set_by = excluded.set_by,
                          set_at = excluded.set_at""", {"k": key, "v": value, "by": actor, "at": now()})
