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
        if table not in SCHEMA.tables:
            raise ValueError(f"not a project table: {table}")
        keys = [f'"{c.name}"' for c in SCHEMA.tables[table].primary_key]
        order = ", ".join(keys) or "1"
        return self._all(f'SELECT * FROM "{table}" ORDER BY {order}')

    def snapshot(self) -> dict[str, list[dict]]:
        """{table: rows} of the whole project: equal snapshots, equal projects."""
        return {t: self.table_rows(t) for t in self.project_tables()}
