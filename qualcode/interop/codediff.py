"""Comparing two codebooks: which code of one is which code of the other, and
what differs (added, removed, renamed, moved, redefined).

Codes are paired by GUID first, then by id path (a child follows its paired
parent: ``a/b`` there is ``x/b`` here when ``a`` there is ``x`` here). Two codes
paired by path whose GUIDs differ and whose labels differ are a conflict: the
same code id means different things on the two sides. Used by `codebook diff`,
by `import` (which codes of a .qdpx are already in the project) and by `merge`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from qualcode.codebook.model import CodeSpec
from qualcode.interop.codes import guid_key

DEFINITION = ("description", "include", "exclude", "example", "keywords", "color", "codable", "family")
REFI_DEFINITION = ("description", "include", "exclude", "example", "color", "codable")  # what REFI carries


@dataclass
class CodeDiff:
    pairs: dict[str, str] = field(default_factory=dict)  # their id -> our id
    by_guid: set[str] = field(default_factory=set)  # their ids paired by GUID
    added: list[CodeSpec] = field(default_factory=list)  # theirs only
    removed: list[CodeSpec] = field(default_factory=list)  # ours only
    renamed: list[tuple[CodeSpec, CodeSpec]] = field(default_factory=list)  # (ours, theirs)
    moved: list[tuple[CodeSpec, CodeSpec]] = field(default_factory=list)
    redefined: list[tuple[CodeSpec, CodeSpec, list[str]]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.moved or self.redefined)

    def lines(self, here: str = "here", there: str = "there") -> list[str]:
        """The differences, one line each, from `here` to `there`."""
        out = [f"+ {t.id}  «{t.label}»: only {there}" for t in self.added]
        out += [f"- {o.id}  «{o.label}»: only {here}" for o in self.removed]
        for o, t in self.renamed:
            how = "same GUID" if t.id in self.by_guid else "same id"
            out.append(f"~ {o.id}  «{o.label}» {here}, {t.id}  «{t.label}» {there} (renamed, {how})")
        out += [f"> {o.id} {here}, {t.id} {there} (moved)" for o, t in self.moved]
        out += [f"* {o.id}: {', '.join(fields)} differ (redefined)" for o, _, fields in self.redefined]
        return out


def compare_codes(ours: list[CodeSpec], theirs: list[CodeSpec], fields=DEFINITION) -> CodeDiff:
    """Pair `theirs` (parents first) with `ours` and list the differences in
    names, places and the definition `fields` (`REFI_DEFINITION` when one side
    went through REFI-QDA, which has no keywords or families)."""
    diff = CodeDiff()
    by_guid = {guid_key(c.guid): c for c in ours if c.guid}
    by_id = {c.id: c for c in ours}
    taken: set[str] = set()
    for t in theirs:
        o = by_guid.get(guid_key(t.guid)) if t.guid else None
        if o is not None and o.id not in taken:
            diff.pairs[t.id] = o.id
            diff.by_guid.add(t.id)
            taken.add(o.id)
    for t in theirs:
        if t.id in diff.pairs:
            continue
        candidates = [f"{diff.pairs[t.parent]}/{t.slug}"] if t.parent in diff.pairs else []
        for candidate in candidates + [t.id]:
            o = by_id.get(candidate)
            if o is None or o.id in taken:
                continue
            if o.guid and t.guid and guid_key(o.guid) != guid_key(t.guid) and o.label != t.label:
                diff.conflicts.append(f"code '{o.id}' means «{o.label}» here (GUID {o.guid}) but "
                                      f"«{t.label}» there (GUID {t.guid})")
            diff.pairs[t.id] = o.id
            taken.add(o.id)
            break
    diff.added = [t for t in theirs if t.id not in diff.pairs]
    diff.removed = [o for o in ours if o.id not in taken]
    for t in theirs:
        if t.id not in diff.pairs:
            continue
        o = by_id[diff.pairs[t.id]]
        if o.parent != (diff.pairs.get(t.parent, t.parent) if t.parent else None):
            diff.moved.append((o, t))
        if o.label != t.label or o.slug != t.slug:
            diff.renamed.append((o, t))
        changed = [f for f in fields if getattr(o, f) != getattr(t, f)]
        if changed:
            diff.redefined.append((o, t, changed))
    return diff


def load_codes(location: str) -> tuple[list[CodeSpec], bool]:
    """The codes of a codebook given as a YAML file, a .qdc/.qdpx or a project
    folder, and whether they came through REFI-QDA."""
    from pathlib import Path

    from qualcode.errors import QualcodeError

    path = Path(location)
    if path.is_dir():
        from qualcode.project import Project

        with Project.open(path) as project:
            return project.codes(), False
    if not path.exists():
        raise QualcodeError(f"{path}: no such file or project folder")
    if path.suffix.lower() in (".yaml", ".yml"):
        from qualcode.codebook import yamlfile

        return yamlfile.read(path).codes, False
    from qualcode.codebook.refi import read_codebook

    return read_codebook(path).codes, True
