"""Codebook operations on a project: load (sync a YAML file into the project),
add, rename, move, merge and delete codes.

Codings point at a code's internal key, so they follow renames, moves and
merges. Every change is one transaction, is recorded in the audit trail
(who, when, before/after) and is written back to the project's YAML file,
whose comments and order are kept.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from qualcode.codebook import filesync, yamlfile
from qualcode.codebook.model import SLUG_RE, CodeSpec, is_descendant_or_self
from qualcode.errors import QualcodeError

_COMPARED = ("label", "description", "include", "exclude", "example", "keywords", "color", "family",
             "codable")


@dataclass
class LoadReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    deleted_codings: int = 0


def spec_of(row: dict) -> CodeSpec:
    return CodeSpec(**{k: row[k] for k in ("id", "label", "description", "include", "exclude",
                                            "example", "keywords", "color", "family", "guid", "codable")})


def _view(spec: CodeSpec) -> dict:
    data = asdict(spec)
    data.pop("line", None)
    return data


def codebook_path(project) -> Path | None:
    value = project.store.get_meta("codebook_path")
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else project.root / path


def remember_path(project, path: Path) -> None:
    path = path.resolve()
    try:
        value = str(path.relative_to(project.root))
    except ValueError:
        value = str(path)
    project.store.set_meta("codebook_path", value)


def load(project, path, *, force: bool = False, actor: str) -> LoadReport:
    """Sync the codebook file into the project. A code missing from the file that
    still has codings is refused (listing them) unless `force`."""
    with filesync.transaction(project):  # a file that fell behind is rolled forward first
        book = yamlfile.read(path)
        report = sync_specs(project, book.codes, force=force, actor=actor, source=Path(path))
        filesync.remember(project, book.source, None)
    return report


def import_specs(project, specs: list[CodeSpec], path: Path, *, name: str, force: bool = False,
                 actor: str) -> LoadReport:
    """Write `specs` as a fresh codebook file at `path` and load it, as one change:
    the file appears only if the load commits."""
    text = yamlfile.dumps_specs(specs, name=name)
    path.parent.mkdir(parents=True, exist_ok=True)
    specs = yamlfile.parse(text, path).codes  # checked as `load` checks a file
    with filesync.transaction(project) as pending:
        report = sync_specs(project, specs, force=force, actor=actor, source=path)
        pending.write(path, text)
    return report


def sync_specs(project, specs: list[CodeSpec], *, force: bool, actor: str, source: Path | None) -> LoadReport:
    store = project.store
    report = LoadReport()
    wanted = {s.id for s in specs}
    with store.transaction():
        existing = {row["id"]: row for row in store.codes()}
        gone = [row for cid, row in existing.items() if cid not in wanted]
        affected = [c for row in gone for c in store.codings(code_pk=row["pk"])]
        if affected and not force:
            lines = "; ".join(f"#{c['id']} {c['code']} by {c['coder']} in {c['transcript']}"
                              for c in affected[:8])
            more = f" and {len(affected) - 8} more" if len(affected) > 8 else ""
            raise QualcodeError(
                f"{source}: {len({c['code'] for c in affected})} code(s) removed from the file still "
                f"have {len(affected)} coding(s): {lines}{more}. Merge them first "
                "('qualcode codebook merge OLD NEW') or pass --force to delete them"
            )
        for coding in affected:
            _delete_coding(store, coding, actor, "codebook.load --force")
        report.deleted_codings = len(affected)
        for row in sorted(gone, key=lambda r: -r["id"].count("/")):
            store.delete_code(row["pk"])
            store.record(actor, "code.delete", f"code:{row['id']}", _view(spec_of(row)), None)
            report.removed.append(row["id"])
        for position, spec in enumerate(specs):
            row = existing.get(spec.id)
            if row is None:
                store.insert_code(spec, position)
                store.record(actor, "code.add", f"code:{spec.id}", None, _view(spec))
                report.added.append(spec.id)
                continue
            before = spec_of(row)
            changed = [k for k in _COMPARED if getattr(before, k) != getattr(spec, k)]
            store.update_code(row["pk"], spec, position)
            if changed:
                store.record(actor, "code.update", f"code:{spec.id}",
                             {k: getattr(before, k) for k in changed},
                             {k: getattr(spec, k) for k in changed})
                report.updated.append(spec.id)
            else:
                report.unchanged += 1
        if source is not None:
            remember_path(project, source)
    return report


def _delete_coding(store, coding: dict, actor: str, why: str) -> None:
    text = store.transcript(coding["transcript"])["text"]
    store.delete_coding(coding["id"])
    store.record(actor, "coding.remove", f"coding:{coding['id']}",
                 {"transcript": coding["transcript"], "code": coding["code"], "coder": coding["coder"],
                  "start": coding["start"], "end": coding["end"], "memo": coding["memo"],
                  "quote": text[coding["start"]:coding["end"]]}, {"reason": why})


def require_code(store, code_id: str) -> dict:
    row = store.code(code_id)
    if row is None:
        from difflib import get_close_matches

        near = get_close_matches(code_id, [c["id"] for c in store.codes()], n=3)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise QualcodeError(f"unknown code '{code_id}'{hint}")
    return row


def _check_new_id(store, new_id: str) -> None:
    if not SLUG_RE.match(new_id):
        raise QualcodeError(f"bad code id '{new_id}': use lower-case slugs (a-z, 0-9, -) joined by '/'")
    if store.code(new_id):
        raise QualcodeError(f"code '{new_id}' already exists")
    parent = new_id.rsplit("/", 1)[0] if "/" in new_id else None
    if parent and not store.code(parent):
        raise QualcodeError(f"unknown parent '{parent}' for '{new_id}'")


def _check_label(code_id: str, label: str) -> None:
    from qualcode.exports.safe import has_control

    if has_control(label):
        raise QualcodeError(f"label of '{code_id}' has control characters: {label!a:.80}")


def _check_spec(spec: CodeSpec) -> None:
    """What `codebook validate` would refuse in the file, refused before writing it."""
    if not spec.label or not spec.label.strip():
        raise QualcodeError(f"code '{spec.id}' needs a label")
    _check_label(spec.id, spec.label)
    spec.label = spec.label.strip()
    if spec.color and not yamlfile.COLOR_RE.match(spec.color):
        raise QualcodeError(f"color of '{spec.id}' must be #rrggbb, not '{spec.color}'")
    spec.color = spec.color.lower() if spec.color else None
    if not all(isinstance(k, str) and k.strip() for k in spec.keywords):
        raise QualcodeError(f"keywords of '{spec.id}' must be non-empty words or phrases")
    spec.keywords = [k.strip() for k in spec.keywords]


class _FileEdit:
    """The project's YAML file, edited alongside the database (if it has one)."""

    def __init__(self, project):
        self.path = codebook_path(project)
        self.book = yamlfile.read(self.path) if self.path and self.path.exists() else None
        self.source = self.book.source if self.book is not None else None
        self.dirty = False
        if self.book is not None:
            yamlfile.hoist_comments(self.book.entries)

    def index(self, code_id: str) -> int | None:
        if self.book is None:
            return None
        for i, entry in enumerate(self.book.entries):
            if str(entry.get("id")) == code_id:
                return i
        return None

    def save(self) -> None:
        """Mark the file for writing back: `filesync.editing` writes it after the COMMIT."""
        self.dirty = self.book is not None

    def remove_tree(self, code_id: str) -> list:
        """Take a code and its descendants out of the file (comments stay in place)."""
        entries = self.book.entries
        found = [i for i, e in enumerate(entries) if is_descendant_or_self(str(e.get("id")), code_id)]
        return [yamlfile.remove_entry(entries, i) for i in reversed(found)][::-1]

    def place_tree(self, code_id: str, parent: str | None) -> None:
        """Move a code and its descendants right after `parent`'s subtree (or to the end)."""
        moving = self.remove_tree(code_id)
        entries = self.book.entries
        anchor = [i for i, e in enumerate(entries)
                  if parent and is_descendant_or_self(str(e.get("id")), parent)]
        at = (max(anchor) + 1) if anchor else len(entries)
        for offset, e in enumerate(moving):
            entries.insert(at + offset, e)


def _positions(store) -> None:
    """Renumber positions so that every code sits right after its parent's subtree."""
    rows = store.codes()
    ordered: list[dict] = []
    children: dict[str | None, list[dict]] = {}
    for row in rows:
        parent = row["id"].rsplit("/", 1)[0] if "/" in row["id"] else None
        children.setdefault(parent, []).append(row)

    def walk(parent):
        for row in children.get(parent, []):
            ordered.append(row)
            walk(row["id"])

    walk(None)
    for position, row in enumerate(ordered):
        if row["position"] != position:
            store.update_code(row["pk"], spec_of(row), position)


def _send_last(store, code_id: str) -> None:
    """Give a code's subtree the last positions (kept in order), so that
    `_positions` puts it after its new siblings, where the YAML file puts it."""
    rows = store.codes()
    end = len(rows)
    for offset, row in enumerate(r for r in rows if is_descendant_or_self(r["id"], code_id)):
        store.update_code(row["pk"], spec_of(row), end + offset)


def add(project, spec: CodeSpec, *, actor: str) -> None:
    with filesync.editing(project, _FileEdit) as edit:
        add_many(project, [spec], edit, actor=actor)


def file_edit(project) -> _FileEdit:
    """The project's codebook file, for a caller inside `filesync.transaction`."""
    return _FileEdit(project)


def add_many(project, specs: list[CodeSpec], edit: _FileEdit, *, actor: str, source=None) -> None:
    """Add codes (parents before children) at once, each after its parent's subtree,
    one audit entry each; `edit` (from `file_edit`, under `filesync.transaction`)
    gets them too and is marked to be written."""
    store = project.store
    end = max((r["position"] for r in store.codes()), default=-1) + 1
    for offset, spec in enumerate(specs):
        _check_new_id(store, spec.id)
        _check_spec(spec)
        store.insert_code(spec, end + offset)
        store.record(actor, "code.add", f"code:{spec.id}", None,
                     {**_view(spec), **({"from": source} if source else {})})
        if edit.book is not None:
            anchor = [i for i, e in enumerate(edit.book.entries)
                      if spec.parent and is_descendant_or_self(str(e.get("id")), spec.parent)]
            edit.book.entries.insert((max(anchor) + 1) if anchor else len(edit.book.entries),
                                     yamlfile.entry_for(spec))
            edit.save()
    _positions(store)


def rename(project, code_id: str, new_id: str | None = None, *, label: str | None = None, actor: str) -> str:
    """Change a code's slug (keeping its parent) and/or its label."""
    store = project.store
    with filesync.editing(project, _FileEdit) as edit:
        row = require_code(store, code_id)
        target = code_id
        if new_id:
            parent = code_id.rsplit("/", 1)[0] if "/" in code_id else None
            target = new_id if "/" in new_id else (f"{parent}/{new_id}" if parent else new_id)
            if (target.rsplit("/", 1)[0] if "/" in target else None) != parent:
                raise QualcodeError(f"rename keeps the parent; use 'qualcode codebook move' to move '{code_id}'")
            if target != code_id:
                _check_new_id(store, target)
                _retarget(store, edit, code_id, target)
        if label is not None:
            if not label.strip():
                raise QualcodeError(f"code '{code_id}' needs a label")
            _check_label(code_id, label)
            label = label.strip()
            spec = spec_of(store.code(target))
            spec.label = label
            store.update_code(row["pk"], spec, row["position"])
            i = edit.index(target)
            if i is not None:
                edit.book.entries[i]["label"] = label
        store.record(actor, "code.rename", f"code:{target}",
                     {"id": code_id, "label": row["label"]}, {"id": target, "label": label or row["label"]})
        edit.save()
    return target


def _retarget(store, edit: _FileEdit, old: str, new: str) -> None:
    store.rename_code_tree(old, new)
    if edit.book is not None:
        for entry in edit.book.entries:
            eid = str(entry.get("id"))
            if is_descendant_or_self(eid, old):
                entry["id"] = new + eid[len(old):]


def move(project, code_id: str, new_parent: str | None, *, actor: str) -> str:
    store = project.store
    with filesync.editing(project, _FileEdit) as edit:
        require_code(store, code_id)
        if new_parent is not None:
            require_code(store, new_parent)
            if is_descendant_or_self(new_parent, code_id):
                raise QualcodeError(f"cannot move '{code_id}' under '{new_parent}': that would make a cycle")
        slug = code_id.rsplit("/", 1)[-1]
        target = f"{new_parent}/{slug}" if new_parent else slug
        if target == code_id:
            return target
        _check_new_id(store, target)
        _retarget(store, edit, code_id, target)
        _send_last(store, target)
        _positions(store)
        if edit.book is not None:
            edit.place_tree(target, new_parent)
        store.record(actor, "code.move", f"code:{target}", {"id": code_id}, {"id": target})
        edit.save()
    return target


def merge(project, source: str, target: str, *, actor: str) -> int:
    """Move every coding of `source` onto `target`, move `source`'s children under
    `target`, then delete `source`. Returns the number of codings moved."""
    store = project.store
    with filesync.editing(project, _FileEdit) as edit:
        src = require_code(store, source)
        dst = require_code(store, target)
        if is_descendant_or_self(target, source):
            raise QualcodeError(f"cannot merge '{source}' into its own descendant '{target}'")
        moved, duplicates = store.move_codings(src["pk"], dst["pk"])
        children = [r["id"] for r in store.codes() if r["id"].startswith(source + "/")
                    and r["id"].count("/") == source.count("/") + 1]
        for child in children:
            new_child = f"{target}/{child.rsplit('/', 1)[-1]}"
            _check_new_id(store, new_child)
            _retarget(store, edit, child, new_child)
            _send_last(store, new_child)
        store.delete_code(src["pk"])
        _positions(store)
        i = edit.index(source)
        if i is not None:
            yamlfile.remove_entry(edit.book.entries, i)
            # the children now belong to `target`: after it in the file, in their order
            for child in children:
                edit.place_tree(f"{target}/{child.rsplit('/', 1)[-1]}", target)
        store.record(actor, "code.merge", f"code:{target}",
                     {"source": _view(spec_of(src)), "children": children},
                     {"target": target, "codings_moved": moved, "duplicates_removed": duplicates})
        edit.save()
    return moved


def delete(project, code_id: str, *, force: bool = False, actor: str) -> int:
    """Delete a code and its descendants; refused when codings exist unless
    `force`, which deletes them (each recorded with its quote in the audit)."""
    store = project.store
    with filesync.editing(project, _FileEdit) as edit:
        require_code(store, code_id)
        codings = store.codings(code=code_id)
        if codings and not force:
            raise QualcodeError(
                f"code '{code_id}' (with its sub-codes) has {len(codings)} coding(s); "
                "merge it into another code or pass --force to delete them too"
            )
        for coding in codings:
            _delete_coding(store, coding, actor, f"codebook delete {code_id}")
        doomed = [r for r in store.codes() if is_descendant_or_self(r["id"], code_id)]
        for row in sorted(doomed, key=lambda r: -r["id"].count("/")):
            store.delete_code(row["pk"])
            store.record(actor, "code.delete", f"code:{row['id']}", _view(spec_of(row)), None)
        if edit.book is not None:
            edit.remove_tree(code_id)
            edit.save()
    return len(codings)
