"""Creating a project on a PostgreSQL server."""
from __future__ import annotations

from qualcode.errors import QualcodeError


def create_project(url: str):
    """Make the (empty) database at `url` a qualcode project; returns its Store."""
    from qualcode.store import Store

    store = Store(url, create=True, migrate=False)
    try:
        if store.table_names():
            raise QualcodeError(f"{store.location}: the database is not empty "
                                "(a new project needs an empty database)")
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store
