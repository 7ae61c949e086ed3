"""Applies the pending steps of `qualcode.store.schema.MIGRATIONS` on either backend."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.schema import CreateIndex, CreateTable

from qualcode.errors import QualcodeError
from qualcode.store.schema import MIGRATIONS, Step

SCHEMA_VERSION = len(MIGRATIONS)
_LOCK = 0x7175616C  # PostgreSQL advisory lock: one migrating process at a time


class Migrator:
    """Mixed into `Store`: schema version and forward migrations."""

    def table_names(self) -> list[str]:
        try:
            return sa.inspect(self.conn).get_table_names()
        except exc.DBAPIError as error:
            raise self._error(error) from None
        finally:
            self._end_read()

    def schema_version(self) -> int:
        if "meta" not in self.table_names():
            return 0
        return int(self._scalar("SELECT value FROM meta WHERE key = 'schema_version'") or 0)

    def migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise QualcodeError(
                f"{self.location}: schema version {current} is newer than this qualcode "
                f"({SCHEMA_VERSION}); upgrade qualcode"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            self._apply(version, MIGRATIONS[version - 1])

    def _apply(self, version: int, step: Step) -> None:
        rebuild = step.rebuild and self.dialect == "sqlite"
        if rebuild:
            self._exec_outside("PRAGMA foreign_keys = OFF")  # not changeable inside a transaction
        try:
            with self.transaction():
                if self.dialect == "postgresql":
                    self._scalar("SELECT pg_advisory_xact_lock(:k)", {"k": _LOCK})
                if self.schema_version() >= version:  # another process got there first
                    return
                for table in step.tables:
                    self._ddl(CreateTable(table))
                    for index in table.indexes:
                        self._ddl(CreateIndex(index))
                for sql in [*step.sql, *getattr(step, self.dialect)]:
                    self._exec(sql)
                if rebuild:
                    for table in step.rebuild:
                        self._rebuild(table)
                    problems = self._all("PRAGMA foreign_key_check")
                    if problems:
                        raise QualcodeError(f"{self.location}: migration {version} breaks foreign keys: "
                                            f"{problems[:3]}")
                self.set_meta("schema_version", str(version))
        finally:
            if rebuild:
                self._exec_outside("PRAGMA foreign_keys = ON")

    def _ddl(self, element) -> None:
        """A DDL construct, compiled by SQLAlchemy for this backend."""
        try:
            self.conn.execute(element)
        except exc.DBAPIError as error:
            raise self._error(error) from None

    def _exec_outside(self, sql: str) -> None:
        """A statement that must run outside any transaction (SQLite pragmas)."""
        self._end_read()
        self.conn.exec_driver_sql(sql)
        self._end_read()

    def _rebuild(self, table: sa.Table) -> None:
        """SQLite: give `table` a new definition, keeping its rows (and ids)."""
        name = table.name
        # beside the step's other tables, so that its foreign keys resolve
        temp = table.metadata.tables.get(f"_new_{name}")
        if temp is None:
            temp = table.to_metadata(table.metadata, name=f"_new_{name}")
        self._ddl(CreateTable(temp))
        cols = ", ".join(f'"{c.name}"' for c in table.columns)
        self._exec(f"INSERT INTO _new_{name} ({cols}) SELECT {cols} FROM {name}")
        self._exec(f"DROP TABLE {name}")
        self._exec(f"ALTER TABLE _new_{name} RENAME TO {name}")
        for index in table.indexes:
            self._ddl(CreateIndex(index))

    def set_meta(self, key: str, value: str) -> None:
        self._exec(
            "INSERT INTO meta (key, value) VALUES (:key, :value) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            {"key": key, "value": value},
        )

    def get_meta(self, key: str) -> str | None:
        return self._scalar("SELECT value FROM meta WHERE key = :key", {"key": key})
