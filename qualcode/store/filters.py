"""A small builder for the optional filters of list queries (codings,
suggestions, audit): each filter adds a clause and its named parameters when it
is given, so query methods read as a list of filters."""
from __future__ import annotations


def like_prefix(code_id: str) -> str:
    """LIKE pattern for the descendants of a slug-path id (ESCAPE '\\')."""
    escaped = code_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "/%"


class Where:
    def __init__(self):
        self.clauses: list[str] = []
        self.params: dict = {}

    def add(self, given, clause: str, **params) -> "Where":
        """Add `clause` (with `:name` parameters) when `given` is true."""
        if given:
            self.clauses.append(clause)
            self.params.update(params)
        return self

    def within(self, column: str, values, name: str) -> "Where":
        """column IN (values), when values are given."""
        if values:
            self.add(True, f"{column} IN :{name}", **{name: list(values)})
        return self

    def subtree(self, column: str, code_id, name: str = "code") -> "Where":
        """A code and its descendants, by slug-path id."""
        return self.add(code_id, f"({column} = :{name} OR {column} LIKE :{name}_below ESCAPE '\\')",
                        **{name: code_id, f"{name}_below": like_prefix(code_id) if code_id else None})

    @property
    def sql(self) -> str:
        return (" WHERE " + " AND ".join(self.clauses)) if self.clauses else ""
