"""The store owns every SQL statement of qualcode and nothing else.

`Store` opens the project database — an SQLite file by default, or a PostgreSQL
database for a team project — and offers one method per query. The rest of the
code never writes SQL.

Why SQLAlchemy Core (2.x) over the two drivers (sqlite3, psycopg 3): the SQL is
written once, as `text()` with named parameters, and SQLAlchemy renders each
driver's placeholders, quotes `%`, expands IN lists and compiles the schema's
`Table` definitions to each dialect's DDL (identity keys, BLOB/BYTEA, collations).
It is well kept, and it is imported only when a project is opened (`qualcode
--help` does not load it); psycopg only for a server project.

Every change happens inside `with store.transaction():` (nested calls become
savepoints), so an import, an edit or a batch of codings is all or nothing.

Convention for new SQL: named parameters (`:name`) with a dict, run through
`_exec`, `_many`, `_all`, `_one`, `_scalar` (and `_tuples` for bulk reads) —
never `self.conn` directly; a list value expands (`id IN :ids`). Put a new
group of statements in its own module mixed into `Store`; new tables and
columns are a new step in `qualcode/store/schema.py` (format documented there).
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from qualcode.errors import QualcodeError, StoreError
from qualcode.store.assist import AssistSQL
from qualcode.store.audit import AuditSQL
from qualcode.store.base import StoreBase, one_line
from qualcode.store.codebook import CodebookSQL
from qualcode.store.codings import CodingSQL
from qualcode.store.copy import CopySQL
from qualcode.store.identity import APPLICATION_ID, check_sqlite_file
from qualcode.store.interop import InteropSQL
from qualcode.store.marks import MarkSQL
from qualcode.store.migrate import SCHEMA_VERSION, Migrator
from qualcode.store.pseudonyms import PseudonymSQL
from qualcode.store.team import TeamSQL
from qualcode.store.transcripts import TranscriptSQL

__all__ = ["SCHEMA_VERSION", "Store", "StoreError", "now"]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store(StoreBase, Migrator, TranscriptSQL, CodebookSQL, CodingSQL, AuditSQL, AssistSQL, MarkSQL,
            PseudonymSQL, InteropSQL, CopySQL, TeamSQL):
    """A connection to one project database: a path (SQLite) or a
    ``postgresql://`` URL."""

    def __init__(self, target: str | Path, *, create: bool = False, migrate: bool = True):
        is_url = isinstance(target, str) and "://" in target
        if not is_url and not create and not Path(target).exists():
            raise QualcodeError(f"{target}: no qualcode database here")
        self.conn = None
        sides = [] if is_url else [Path(f"{target}{s}") for s in ("-wal", "-shm") if not Path(f"{target}{s}").exists()]
        try:
            stamp = not is_url and check_sqlite_file(Path(target), create=create)  # before connecting writes
            self._connect(target)
            if migrate:
                self.migrate()
            if stamp:
                try:
                    self._exec_outside(f"PRAGMA application_id = {APPLICATION_ID}")
                except Exception:  # a read-only file: recognised all the same
                    pass
        except Exception as exc:
            if self.conn is not None:
                self.close()
            wal = Path(f"{target}-wal")
            if sides and not (wal.exists() and wal.stat().st_size):  # nothing written: leave the file as it was
                for side in sides:
                    side.unlink(missing_ok=True)
            if isinstance(exc, QualcodeError) and not isinstance(exc, StoreError):
                raise
            reason = str(exc).split("database error: ", 1)[-1] if isinstance(exc, StoreError) \
                else one_line(exc)
            if not is_url:
                raise QualcodeError(f"{target}: not a usable qualcode database ({reason})") from None
            raise StoreError(f"{self.location}: cannot open the database ({reason})") from None
