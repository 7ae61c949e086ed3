"""Row-level security of team projects on PostgreSQL (schema step 6).

The server, not qualcode, decides who sees and changes what. Members are listed
in ``team_members`` (role, kind: coder or supervisor); ``meta['team.blind']`` is
'on' or 'off'. The project's owner (who ran `init --server` or `push`) owns the
tables and is not subject to these policies.

- codings, detached codings: a coder inserts, changes and deletes only rows whose
  ``coder`` is their role; in blind mode they read only those. Supervisors read
  everything and may change or delete any coding (merging or removing codes).
- suggestions: pending ones are shared; a review claims the row for its reviewer
  (``reviewer = current_user``), and in blind mode others' reviews are hidden.
- audit: append-only — members get INSERT and SELECT only (grants, `TeamSQL`); for
  members a trigger writes the real role in ``role`` and ``actor`` whatever the
  client sent (the owner's entries keep what the store wrote: its role, or the
  original rows of a `push`); in blind mode a coder reads only their own entries.
- finished marks: readable by all members, set and cleared by their coder.

Policies call small SQL functions wrapped in ``(SELECT ...)`` so that PostgreSQL
evaluates them once per statement, not once per row.
"""
from __future__ import annotations

_FUNCTIONS = [
    """CREATE FUNCTION qualcode_is_supervisor() RETURNS boolean LANGUAGE sql STABLE
       SET search_path FROM CURRENT AS $$
       SELECT coalesce((SELECT kind = 'supervisor' FROM team_members WHERE role = current_user), false) $$""",
    """CREATE FUNCTION qualcode_is_member() RETURNS boolean LANGUAGE sql STABLE
       SET search_path FROM CURRENT AS $$
       SELECT EXISTS (SELECT 1 FROM team_members WHERE role = current_user) $$""",
    """CREATE FUNCTION qualcode_sees_all() RETURNS boolean LANGUAGE sql STABLE
       SET search_path FROM CURRENT AS $$
       SELECT NOT qualcode_is_member() OR qualcode_is_supervisor()
              OR coalesce((SELECT value <> 'on' FROM meta WHERE key = 'team.blind'), true) $$""",
    """CREATE FUNCTION qualcode_audit_role() RETURNS trigger LANGUAGE plpgsql
       SET search_path FROM CURRENT AS $$
       BEGIN
           IF qualcode_is_member() THEN
               NEW.role := current_user;
               NEW.actor := current_user;
           END IF;
           RETURN NEW;
       END $$""",
]

_OWN = "coder = current_user"
_SUPERVISOR = "(SELECT qualcode_is_supervisor())"
_SEES_ALL = "(SELECT qualcode_sees_all())"


def _coder_table(table: str, *, coder_writes: bool) -> list[str]:
    """Policies of a table whose rows belong to a `coder`."""
    write = f"{_OWN} OR {_SUPERVISOR}" if coder_writes else _SUPERVISOR
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY {table}_read ON {table} FOR SELECT USING ({_OWN} OR {_SEES_ALL})",
        f"CREATE POLICY {table}_add ON {table} FOR INSERT WITH CHECK ({_OWN if coder_writes else _SUPERVISOR})",
        f"CREATE POLICY {table}_change ON {table} FOR UPDATE USING ({write}) WITH CHECK ({write})",
        f"CREATE POLICY {table}_remove ON {table} FOR DELETE USING ({write})",
    ]


TEAM_POLICIES: list[str] = [
    *_FUNCTIONS,
    *_coder_table("codings", coder_writes=True),
    *_coder_table("detached_codings", coder_writes=False),
    "ALTER TABLE finished ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY finished_read ON finished FOR SELECT USING (true)",
    f"CREATE POLICY finished_add ON finished FOR INSERT WITH CHECK ({_OWN} OR {_SUPERVISOR})",
    f"CREATE POLICY finished_remove ON finished FOR DELETE USING ({_OWN} OR {_SUPERVISOR})",
    "ALTER TABLE suggestions ENABLE ROW LEVEL SECURITY",
    f"""CREATE POLICY suggestions_read ON suggestions FOR SELECT
        USING (status = 'pending' OR reviewer = current_user OR {_SEES_ALL})""",
    "CREATE POLICY suggestions_add ON suggestions FOR INSERT WITH CHECK (status = 'pending')",
    f"""CREATE POLICY suggestions_review ON suggestions FOR UPDATE
        USING (status = 'pending' OR reviewer = current_user OR {_SUPERVISOR})
        WITH CHECK (reviewer = current_user OR status = 'pending' OR {_SUPERVISOR})""",
    f"""CREATE POLICY suggestions_remove ON suggestions FOR DELETE
        USING (status = 'pending' OR {_SUPERVISOR})""",
    "ALTER TABLE coding_refi ENABLE ROW LEVEL SECURITY",
    """CREATE POLICY coding_refi_read ON coding_refi FOR SELECT
       USING (EXISTS (SELECT 1 FROM codings c WHERE c.id = coding_id))""",
    """CREATE POLICY coding_refi_write ON coding_refi FOR ALL
       USING (EXISTS (SELECT 1 FROM codings c WHERE c.id = coding_id))
       WITH CHECK (EXISTS (SELECT 1 FROM codings c WHERE c.id = coding_id))""",
    "ALTER TABLE audit ENABLE ROW LEVEL SECURITY",
    f"CREATE POLICY audit_read ON audit FOR SELECT USING (role = current_user OR {_SEES_ALL})",
    "CREATE POLICY audit_add ON audit FOR INSERT WITH CHECK (role = current_user)",
    """CREATE TRIGGER audit_real_role BEFORE INSERT ON audit
       FOR EACH ROW EXECUTE FUNCTION qualcode_audit_role()""",
]

# What each kind of member may do to each table (the rest: SELECT only).
CODER_WRITES = {
    "codings": "INSERT, UPDATE, DELETE", "finished": "INSERT, DELETE", "audit": "INSERT",
    "suggestions": "INSERT, UPDATE, DELETE", "parse_cache": "INSERT, UPDATE", "coding_refi": "INSERT, UPDATE, DELETE",
    "refi_ids": "INSERT, UPDATE", "notes": "INSERT",  # merges register GUIDs and notes
    "codes": "UPDATE (guid)",  # a merge stores the codes' REFI-QDA GUIDs, nothing else of the codebook
}
SUPERVISOR_READ_ONLY = {"team_members", "audit"}  # audit: INSERT too, never UPDATE or DELETE
