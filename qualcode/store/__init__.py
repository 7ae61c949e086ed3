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
APPLICATION_ID = 0x51434442  # "QCDB" in SQLite's header: this file is a qualcode project


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
            self._savepoints = 0
            self._check_identity(create)  # before anything writes to a file that may not be ours
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.migrate()
        except BaseException as exc:
            if hasattr(self, "conn"):
                self.conn.close()  # no -wal/-shm left beside a file that is not ours
            if not isinstance(exc, sqlite3.DatabaseError):
                raise
            raise QualcodeError(f"{self.path}: not a usable qualcode database ({exc})") from None

    def close(self) -> None:
        self.conn.close()

    # -- transactions -------------------------------------------------------
    @contextmanager
    def transaction(self):
        """All or nothing. The outermost level takes the write lock at once
        (BEGIN IMMEDIATE) so concurrent coders queue instead of deadlocking.
        A read-only database or a full disk is one `QualcodeError` naming the file."""
        depth = self._savepoints
        if depth:
            self.conn.execute(f"SAVEPOINT sp{depth}")
            self._savepoints += 1
            try:
                yield self
            except BaseException:
                self._savepoints -= 1
                self.conn.execute(f"ROLLBACK TO sp{depth}")
                self.conn.execute(f"RELEASE sp{depth}")
                raise
            self._savepoints -= 1
            self.conn.execute(f"RELEASE sp{depth}")
            return
        with self._faults():
            self.conn.execute("BEGIN IMMEDIATE")
            self._savepoints = 1
            try:
                yield self
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:  # SQLite may have rolled back already (disk full)
                    self.conn.execute("ROLLBACK")
                raise
            finally:
                self._savepoints = 0

    @contextmanager
    def _faults(self):
        from qualcode.faults import describe

        try:
            yield
        except sqlite3.Error as exc:
            message = describe(exc, self.path)
            if message is None:
                raise
        else:
            return
        raise QualcodeError(message)

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
        try:
            return int(value or 0)
        except ValueError:
            raise QualcodeError(f"{self.path}: schema version {value!r} is not a number: the database "
                                "is damaged or not qualcode's") from None

    def _check_identity(self, create: bool) -> None:
        """Refuse another application's SQLite file (or an empty one) instead of
        turning it into a project: qualcode's files carry APPLICATION_ID; files made
        before it are recognised by their meta table and get it."""
        app_id = self._scalar("PRAGMA application_id")
        tables = {r["name"] for r in self._all("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id == APPLICATION_ID:
            return
        if app_id == 0 and (not tables and create or "meta" in tables and self.schema_version() > 0):
            with self._faults():
                try:
                    self._exec(f"PRAGMA application_id = {APPLICATION_ID}")
                except sqlite3.OperationalError:  # read-only: recognised all the same
                    pass
            return
        if not tables and app_id == 0:
            raise QualcodeError(f"{self.path}: empty file, not a qualcode database "
                                "(remove it, or run 'qualcode init' in another folder)")
        raise QualcodeError(f"{self.path}: another application's SQLite database, not qualcode's "
                            "(move it away, or run 'qualcode init' in another folder)")

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
