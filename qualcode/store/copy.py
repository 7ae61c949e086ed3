"""SQL of whole-table reads and writes: snapshots (tests, push/pull checks) and
copying a project between backends with its ids."""
from __future__ import annotations

from qualcode.store.schema import SCHEMA


class CopySQL:
    def project_tables(self) -> list[str]:
        """The project's tables, parents before children (foreign keys)."""
        present = set(self.table_names())
        return [t.name for t in SCHEMA.sorted_tables if t.name in present]

    def table_rows(self, table: str) -> list[dict]:
        """Every row of `table`, in key order (names come from the schema, not users)."""
        self._known(table)
        keys = [f'"{c.name}"' for c in SCHEMA.tables[table].primary_key]
        order = ", ".join(keys) or "1"
        return self._all(f'SELECT * FROM "{table}" ORDER BY {order}')

    def snapshot(self) -> dict[str, list[dict]]:
        """{table: rows} of the whole project: equal snapshots, equal projects."""
        return {t: self.table_rows(t) for t in self.project_tables()}

    def count_rows(self, table: str) -> int:
        self._known(table)
        return self._scalar(f'SELECT count(*) FROM "{table}"')

    def insert_rows(self, table: str, rows: list[dict]) -> None:
        """Insert rows as they are, ids included (a copy from another project)."""
        self._known(table)
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in rows[0])
        binds = ", ".join(f":{c}" for c in rows[0])
        self._many(f'INSERT INTO "{table}" ({names}) VALUES ({binds})', rows)

    def reset_identities(self) -> None:
        """After copying ids in: PostgreSQL's identity sequences go on after the highest
        (SQLite's AUTOINCREMENT counters follow inserted ids by themselves)."""
        if self.dialect != "postgresql":
            return
        present = set(self.table_names())
        for table in SCHEMA.sorted_tables:
            for column in table.columns:
                if column.identity is not None and table.name in present:
                    self._scalar(
                        f'SELECT setval(pg_get_serial_sequence(:t, :c), '
                        f'coalesce((SELECT max("{column.name}") FROM "{table.name}"), 0) + 1, false)',
                        {"t": table.name, "c": column.name})

    def _known(self, table: str) -> None:
        if table not in SCHEMA.tables:
            raise ValueError(f"not a project table: {table}")
