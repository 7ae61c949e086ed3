"""Is this SQLite file a qualcode project? Checked read-only before the store
connects (connecting switches the file to WAL mode, which writes to it), so
another application's database, an empty file or a damaged one is refused as it
is. qualcode's files carry `APPLICATION_ID` in the SQLite header; files made
before it are recognised by their meta table and get it when opened."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from qualcode.errors import QualcodeError

APPLICATION_ID = 0x51434442  # "QCDB"


def check_sqlite_file(path: Path, *, create: bool) -> bool:
    """Raise `QualcodeError` unless `path` is (or, with `create`, may become) a
    qualcode database; True when the file still has to be stamped."""
    if not path.exists():
        return True
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise QualcodeError(f"{path}: not a usable qualcode database ({exc})") from None
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = None
        if "meta" in tables:
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise QualcodeError(f"{path}: not a usable qualcode database ({exc})") from None
    finally:
        con.close()
    if version is not None and not str(version).isdigit():
        raise QualcodeError(f"{path}: schema version {version!r} is not a number: the database is damaged "
                            "or not qualcode's")
    if app_id == APPLICATION_ID:
        return False
    if app_id == 0 and (version is not None or not tables and create):
        return True
    if not tables and app_id == 0:
        raise QualcodeError(f"{path}: empty file, not a qualcode database "
                            "(remove it, or run 'qualcode init' in another folder)")
    raise QualcodeError(f"{path}: another application's SQLite database, not qualcode's "
                        "(move it away, or run 'qualcode init' in another folder)")
