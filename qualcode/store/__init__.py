"""The store owns every SQL statement of qualcode and nothing else.

`Store` opens the project database (SQLite by default: WAL, foreign keys, busy
timeout, forward migrations) and offers one method per query. The rest of the
code never writes SQL, so a PostgreSQL backend only has to provide the same
methods (the SQL here avoids SQLite-only syntax where it can).

Every change happens inside `with store.transaction():` (nested calls become
savepoints), so an import, an edit or a batch of codings is all or nothing.

Convention for new SQL: named parameters (`:name`) with a dict, run through
`_exec`, `_many`, `_all`, `_one` and `_scalar` — never `self.conn` directly —
so that the statements stay the same on a second backend.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.store.assist import AssistSQL
from qualcode.store.audit import AuditSQL
from qualcode.store.codebook import CodebookSQL
from qualcode.store.codings import CodingSQL
from qualcode.store.interop import InteropSQL
from qualcode.store.marks import MarkSQL
from qualcode.store.pseudonyms import PseudonymSQL
from qualcode.store.schema import MIGRATIONS
from qualcode.store.transcripts import TranscriptSQL

SCHEMA_VERSION = len(MIGRATIONS)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store(TranscriptSQL, CodebookSQL, CodingSQL, AuditSQL, AssistSQL, MarkSQL, PseudonymSQL, InteropSQL):
    """A connection to one project database."""

    def __init__(self, path: str | Path, *, create: bool = False):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise QualcodeError(f"{self.path}: no qualcode database here")
        try:
            self.conn = sqlite3.connect(
                str(self.path), timeout=60, isolation_level=None, check_same_thread=False
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA busy_timeout = 60000")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._savepoints = 0
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise QualcodeError(f"{self.path}: not a usable qualcode database ({exc})") from None

    def close(self) -> None:
        self.conn.close()

    # -- transactions -------------------------------------------------------
    @contextmanager
    def transaction(self):
        """All or nothing. The outermost level takes the write lock at once
        (BEGIN IMMEDIATE) so concurrent coders queue instead of deadlocking."""
        depth = self._savepoints
        if depth == 0:
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn.execute(f"SAVEPOINT sp{depth}")
        self._savepoints += 1
        try:
            yield self
        except BaseException:
            self._savepoints -= 1
            if depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO sp{depth}")
                self.conn.execute(f"RELEASE sp{depth}")
            raise
        self._savepoints -= 1
        if depth == 0:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute(f"RELEASE sp{depth}")

    def _exec(self, sql: str, params=()):
        """Run one statement; returns a cursor (fetchone() after RETURNING, rowcount)."""
        return self.conn.execute(sql, params)

    def _many(self, sql: str, rows) -> None:
        """Run one statement for each parameter set in `rows`."""
        self.conn.executemany(sql, rows)

    def _all(self, sql: str, params=()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    def _one(self, sql: str, params=()) -> dict | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row else None

    def _scalar(self, sql: str, params=()):
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    # -- schema -------------------------------------------------------------
    def schema_version(self) -> int:
        has_meta = self._scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        )
        if not has_meta:
            return 0
        value = self._scalar("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(value or 0)

    def migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise QualcodeError(
                f"{self.path}: schema version {current} is newer than this qualcode "
                f"({SCHEMA_VERSION}); upgrade qualcode"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for statement in MIGRATIONS[version - 1].split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.set_meta("schema_version", str(version))

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def get_meta(self, key: str) -> str | None:
        return self._scalar("SELECT value FROM meta WHERE key = ?", (key,))
