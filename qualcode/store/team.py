"""SQL of team projects on PostgreSQL: who is connected, the team's roles, their
grants, and blind mode. Row-level security itself is in `policies` (a schema step).

Each person is a login role; two group roles per project (``<prefix>_coders``,
``<prefix>_supervisors``, the prefix from the database and schema names, kept in
``meta['team.prefix']``) carry the table privileges, so that the same person can
belong to several projects on one server.
"""
from __future__ import annotations

import re

from qualcode.errors import QualcodeError
from qualcode.store.policies import CODER_WRITES, SUPERVISOR_READ_ONLY

KINDS = ("coder", "supervisor")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,62}$")


def check_role_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise QualcodeError(f"'{name}' is not a usable name for a team member "
                            "(letters, digits, '.', '_', '-'; at most 63 characters)")
    return name


class TeamSQL:
    # -- who is connected ------------------------------------------------------
    def current_role(self) -> str | None:
        """The connected role on a server project; None on SQLite."""
        if self.dialect != "postgresql":
            return None
        if getattr(self, "_current_role", None) is None:
            self._current_role = self._scalar("SELECT current_user")
        return self._current_role

    def acting_role(self) -> str | None:
        """The role a team member acts as (None: SQLite, or the owner, who may act for anyone)."""
        if self.dialect != "postgresql":
            return None
        if getattr(self, "_acting_role", False) is False:
            self._acting_role = self.current_role() if self.member_kind() else None
        return self._acting_role

    def check_acting_as(self, coder: str) -> None:
        """A team member codes, marks and reviews as themselves only (the server checks too)."""
        role = self.acting_role()
        if role is not None and coder != role:
            raise QualcodeError(f"on this server project you are '{role}': you cannot act as '{coder}' "
                                "(--coder must be your own role)")

    def member_kind(self, role: str | None = None) -> str | None:
        """'coder' or 'supervisor' for a team member; None otherwise (the owner, SQLite)."""
        role = role or self.current_role()
        if role is None:
            return None
        return self._scalar("SELECT kind FROM team_members WHERE role = :r", {"r": role})

    def is_owner(self) -> bool:
        """Does the connected role own the project's tables (schema changes, team)?"""
        if self.dialect != "postgresql":
            return True
        return bool(self._scalar(
            "SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = 'codings'"))

    # -- the team ----------------------------------------------------------------
    def _quote(self, name: str) -> str:
        return self.conn.dialect.identifier_preparer.quote_identifier(name)

    def team_groups(self) -> dict[str, str]:
        """{'coder': group role, 'supervisor': group role}, created with their grants if missing."""
        prefix = self.get_meta("team.prefix")
        if prefix is None:
            database, schema = self._one("SELECT current_database() AS d, current_schema() AS s").values()
            raw = f"qualcode_{database}" + ("" if schema == "public" else f"_{schema}")
            prefix = re.sub(r"[^A-Za-z0-9_]", "_", raw)[:48]
            self.set_meta("team.prefix", prefix)
        groups = {kind: f"{prefix}_{kind}s" for kind in KINDS}
        for kind, group in groups.items():
            if not self._scalar("SELECT 1 FROM pg_roles WHERE rolname = :g", {"g": group}):
                self._exec(f"CREATE ROLE {self._quote(group)} NOLOGIN")
            self._grant(kind, group)
        return groups

    def _grant(self, kind: str, group: str) -> None:
        g = self._quote(group)
        database = self._quote(self._scalar("SELECT current_database()"))
        schema = self._quote(self._scalar("SELECT current_schema()"))
        self._exec(f"GRANT CONNECT ON DATABASE {database} TO {g}")
        self._exec(f"GRANT USAGE ON SCHEMA {schema} TO {g}")
        self._exec(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {g}")
        self._exec(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {g}")
        if kind == "coder":
            for table, rights in CODER_WRITES.items():
                self._exec(f"GRANT {rights} ON {self._quote(table)} TO {g}")
            return
        for table in self.table_names():
            if table not in SUPERVISOR_READ_ONLY:
                self._exec(f"GRANT INSERT, UPDATE, DELETE ON {self._quote(table)} TO {g}")
        self._exec(f"GRANT INSERT ON audit TO {g}")
        self._exec(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT INSERT, UPDATE, DELETE ON TABLES TO {g}")

    def add_member(self, name: str, kind: str, added_by: str, at: str, password: str | None = None) -> bool:
        """Create the login role if needed, put it in the kind's group; True when new to the team."""
        check_role_name(name)
        groups = self.team_groups()
        role = self._quote(name)
        if not self._scalar("SELECT 1 FROM pg_roles WHERE rolname = :r", {"r": name}):
            self._exec(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT")
        if password:
            self._utility(f"ALTER ROLE {role} PASSWORD '{password.replace(chr(39), chr(39) * 2)}'")
        for other, group in groups.items():
            verb = "GRANT {g} TO {r}" if other == kind else "REVOKE {g} FROM {r}"
            self._exec(verb.format(g=self._quote(group), r=role))
        return self._exec(
            "INSERT INTO team_members (role, kind, added_by, added_at) VALUES (:r, :k, :by, :at) "
            "ON CONFLICT (role) DO UPDATE SET kind = excluded.kind RETURNING (xmax = 0) AS inserted",
            {"r": name, "k": kind, "by": added_by, "at": at}).scalar()

    def remove_member(self, name: str) -> dict | None:
        """Take `name` out of the team (the role and its work stay); the removed row."""
        row = self._one("SELECT * FROM team_members WHERE role = :r", {"r": name})
        if row is None:
            return None
        for group in self.team_groups().values():
            self._exec(f"REVOKE {self._quote(group)} FROM {self._quote(name)}")
        self._exec("DELETE FROM team_members WHERE role = :r", {"r": name})
        return row

    def team_members(self) -> list[dict]:
        return self._all(
            """SELECT m.role, m.kind, m.added_by, m.added_at, coalesce(r.rolcanlogin, false) AS can_login
               FROM team_members m LEFT JOIN pg_roles r ON r.rolname = m.role ORDER BY m.kind, m.role""")

    # -- blind mode --------------------------------------------------------------
    def blind(self) -> bool:
        return self.get_meta("team.blind") == "on"

    def set_blind(self, on: bool) -> None:
        self.set_meta("team.blind", "on" if on else "off")
