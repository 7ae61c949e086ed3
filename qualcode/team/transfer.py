"""Moving a project between the two backends: `push` copies a local (SQLite)
project to an empty PostgreSQL database, `pull` makes a local SQLite copy of a
server project — of what the connected role may read (in blind mode a coder's
copy holds their own work only). Rows keep their ids; each copy is one
transaction on the receiving side, checked table by table."""
from __future__ import annotations

from pathlib import Path

from qualcode.errors import QualcodeError

_SERVER_ONLY = {"team_members"}
_LOCAL_META = ("schema_version",)


def _copy(source, target) -> dict[str, int]:
    counts = {}
    for table in source.project_tables():
        if table in _SERVER_ONLY:
            continue
        rows = source.table_rows(table)
        if table == "meta":
            rows = [r for r in rows if r["key"] not in _LOCAL_META and not r["key"].startswith("team.")]
        target.insert_rows(table, rows)
        counts[table] = len(rows)
    target.reset_identities()
    for table, n in counts.items():
        got = target.count_rows(table)
        if table != "meta" and got != n:
            raise QualcodeError(f"{target.location}: {table} has {got} rows after the copy, expected {n}")
    return counts


def push(project, url: str) -> dict[str, int]:
    """Copy `project` (SQLite) to the empty PostgreSQL database at `url`; returns rows per table."""
    from qualcode.team.projectfile import check_url
    from qualcode.team.server import create_project

    if project.store.dialect != "sqlite":
        raise QualcodeError("push copies a local project to a server: this project is already on a server "
                            "(use pull to make a local copy)")
    target = create_project(check_url(url))
    try:
        with target.transaction():
            return _copy(project.store, target)
    finally:
        target.close()


def pull(project, folder: str | Path):
    """A new local SQLite project in `folder` holding a copy of this server project."""
    from qualcode.project import Project

    if project.store.dialect != "postgresql":
        raise QualcodeError("pull copies a server project to a local folder: this project is local already")
    copy = Project.init(folder)
    try:
        with copy.store.transaction():
            counts = _copy(project.store, copy.store)
    except BaseException:
        copy.close()
        for name in ("qualcode.db", "qualcode.db-wal", "qualcode.db-shm"):
            (copy.root / name).unlink(missing_ok=True)
        raise
    return copy, counts
