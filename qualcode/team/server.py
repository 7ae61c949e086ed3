"""Creating or joining a project on a PostgreSQL server."""
from __future__ import annotations

from qualcode.errors import QualcodeError


def connect(url: str, *, join: bool = True):
    """(Store, created): a new project in the empty database at `url`, or (with
    `join`) the qualcode project already there. Any other content is refused."""
    from qualcode.store import Store

    store = Store(url, create=True, migrate=False)
    try:
        tables = store.table_names()
        created = not tables
        if tables and not (join and "meta" in tables and store.schema_version() > 0):
            what = "holds a qualcode project" if "meta" in tables else "is not empty"
            raise QualcodeError(f"{store.location}: the database {what} (a new project needs an empty database)")
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store, created


def create_project(url: str):
    """The Store of a new project in the empty database at `url`."""
    return connect(url, join=False)[0]
