"""The connection under `Store`: opening SQLite or PostgreSQL through SQLAlchemy
Core, transactions, and the five helpers through which every statement runs.

Statements are `text()` with named parameters (`:name`) and dict params;
SQLAlchemy renders them in each driver's placeholder style (sqlite3's qmark,
psycopg's pyformat). A list or tuple value is an expanding parameter:
``"... WHERE id IN :ids", {"ids": [1, 2]}`` (no parentheses around `:ids`).

Transactions: the outermost `transaction()` takes the write lock at once (on
SQLite, BEGIN IMMEDIATE, following SQLAlchemy's pysqlite recipe: the driver's
own deferred BEGIN is switched off and the "begin" event emits ours), so
concurrent coders queue instead of deadlocking; nested levels are savepoints.
Reads outside a transaction run in a short read-only transaction of their own
(on SQLite, no lock is taken). Driver errors become `StoreError`, one line.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event, exc

from qualcode.errors import StoreError


@lru_cache(maxsize=2048)
def _statement(sql: str, expanding: tuple = ()) -> sa.TextClause:
    stmt = sa.text(sql)
    if expanding:
        stmt = stmt.bindparams(*(sa.bindparam(name, expanding=True) for name in expanding))
    return stmt


def _expanding(params: dict) -> tuple:
    """Names of the list/tuple parameters (IN :name); () in the common case, fast."""
    for value in params.values():
        if type(value) in (list, tuple):
            return tuple(k for k, v in params.items() if isinstance(v, (list, tuple)))
    return ()


class Outcome:
    """What `_exec` returns: rows of RETURNING (read before commit) and rowcount."""

    __slots__ = ("rows", "rowcount")

    def __init__(self, rows, rowcount):
        self.rows, self.rowcount = rows, rowcount

    def fetchone(self):
        return self.rows[0] if self.rows else None

    def scalar(self):
        return self.rows[0][0] if self.rows else None


def _sqlite_engine(path: Path):
    engine = sa.create_engine(
        f"sqlite:///{path}", poolclass=sa.pool.NullPool,
        connect_args={"timeout": 60, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # no implicit BEGIN from the driver
        for pragma in ("busy_timeout = 60000", "journal_mode = WAL", "foreign_keys = ON",
                       "synchronous = NORMAL"):
            dbapi_conn.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        if conn.info.get("qualcode.write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgresql_engine(url: str):
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 10})


def one_line(error: BaseException) -> str:
    """The driver's message of a database error, on one line."""
    orig = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    return lines[0] if lines else type(orig).__name__


class StoreBase:
    """Connection, transactions and statement helpers (mixed into `Store`)."""

    path: Path | None = None
    url: str = ""

    def _connect(self, target) -> None:
        self._depth = 0
        if isinstance(target, str) and "://" in target:
            self.url, self.path = target, None
            engine = _postgresql_engine(target)
        else:
            self.path = Path(target)
            self.url = f"sqlite:///{self.path}"
            engine = _sqlite_engine(self.path)
        self.engine = engine
        self.conn = engine.connect()
        self.dialect = self.conn.dialect.name

    @property
    def location(self) -> str:
        """The database, for messages (no password)."""
        if self.path is not None:
            return str(self.path)
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    def close(self) -> None:
        try:
            self.conn.close()
        except exc.DBAPIError:
            pass
        self.engine.dispose()

    def _error(self, error: BaseException) -> StoreError:
        from qualcode.faults import describe  # read-only file, full disk: what to do

        friendly = describe(getattr(error, "orig", None) or error, self.location)
        return StoreError(friendly or f"{self.location}: database error: {one_line(error)}")

    # -- transactions -------------------------------------------------------
    @contextmanager
    def transaction(self):
        """All or nothing; nested calls are savepoints."""
        outermost = self._depth == 0
        try:
            if outermost:
                self._end_read()
                self.conn.info["qualcode.write"] = True
                try:
                    tx = self.conn.begin()
                finally:
                    self.conn.info["qualcode.write"] = False
            else:
                tx = self.conn.begin_nested()
        except exc.DBAPIError as error:
            raise self._error(error) from None
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            try:
                tx.rollback()
            except exc.DBAPIError:
                pass  # the connection is gone: the server rolls back by itself
            raise
        self._depth -= 1
        try:
            tx.commit()
        except exc.DBAPIError as error:
            raise self._error(error) from None

    def in_transaction(self) -> bool:
        return self._depth > 0

    def _end_read(self) -> None:
        """Close the read-only transaction a statement outside `transaction()` opened."""
        if self._depth == 0 and self.conn.in_transaction():
            try:
                self.conn.rollback()
            except exc.DBAPIError:
                pass

    def _run(self, sql: str, params, take):
        try:
            expanding = _expanding(params) if type(params) is dict else ()
            result = self.conn.execute(_statement(sql, expanding), params or {})
            return take(result)
        except exc.DBAPIError as error:
            raise self._error(error) from None
        except exc.StatementError as error:  # bad parameters: a bug, say which
            raise StoreError(f"{self.location}: {one_line(error)}") from None
        finally:
            if self._depth == 0:
                self._end_read()

    def _utility(self, sql: str) -> None:
        """A statement given to the driver as is, without parameters (no `:name`
        or `%` processing): server commands carrying a literal, in a transaction."""
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.execute(sql)
        except Exception as error:
            raise self._error(error) from None
        finally:
            cursor.close()

    # -- the helpers: the only way SQL runs ---------------------------------
    def _exec(self, sql: str, params: dict | None = None) -> Outcome:
        """Run one statement (in a transaction of its own when outside one);
        `.fetchone()` reads RETURNING rows, `.rowcount` counts changed rows."""
        if self._depth == 0:
            with self.transaction():
                return self._exec(sql, params)
        return self._run(sql, params, lambda r: Outcome(r.all() if r.returns_rows else [], r.rowcount))

    def _many(self, sql: str, rows: list[dict]) -> None:
        """Run one statement for each parameter dict in `rows`."""
        rows = list(rows)
        if not rows:
            return
        if self._depth == 0:
            with self.transaction():
                return self._many(sql, rows)
        self._run(sql, rows, lambda r: None)

    def _all(self, sql: str, params: dict | None = None) -> list[dict]:
        return self._run(sql, params, lambda r: [dict(m) for m in r.mappings()])

    def _tuples(self, sql: str, params: dict | None = None) -> list[tuple]:
        """Rows as plain tuples: the bulk reads behind matrices and frames."""
        return self._run(sql, params, lambda r: [tuple(row) for row in r])

    def _one(self, sql: str, params: dict | None = None) -> dict | None:
        def first(result):
            row = result.mappings().first()
            return dict(row) if row is not None else None

        return self._run(sql, params, first)

    def _scalar(self, sql: str, params: dict | None = None):
        return self._run(sql, params, lambda r: r.scalar())
