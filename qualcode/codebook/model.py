"""The codebook's in-memory model: one `CodeSpec` per code, and tree helpers.

Everything that reads or writes a codebook (YAML, REFI-QDA, the store) speaks in
lists of `CodeSpec`, ordered so that a parent always comes before its children.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$")


@dataclass
class CodeSpec:
    """One code. `id` is the slug path (``freins/usagers/conditions-hotelieres``)."""

    id: str
    label: str
    description: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    keywords: list[str] = field(default_factory=list)
    color: str | None = None
    family: bool = False
    guid: str | None = None  # REFI-QDA guid, kept for round trips
    codable: bool = True  # REFI-QDA isCodable: false for a code that only groups others
    line: int | None = None  # 1-based line in the source file, when known

    @property
    def parent(self) -> str | None:
        return self.id.rsplit("/", 1)[0] if "/" in self.id else None

    @property
    def slug(self) -> str:
        return self.id.rsplit("/", 1)[-1]

    @property
    def depth(self) -> int:
        return self.id.count("/") + 1


def slugify(name: str) -> str:
    """A path segment from a human name: ``"Santé mentale"`` -> ``"sante-mentale"``."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "code"


def ancestors(code_id: str) -> list[str]:
    """Proper ancestors of a path id, nearest first: ``a/b/c`` -> ``[a/b, a]``."""
    parts = code_id.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def is_descendant_or_self(code_id: str, of: str) -> bool:
    return code_id == of or code_id.startswith(of + "/")
