"""Keeping the project's codebook YAML file and the database in step.

Every codebook change (load, add, rename, move, merge, delete) runs under one
lock: a file lock on the project (`.qualcode.lock`, so that two editors queue),
then the database write transaction. The YAML file is read under that lock,
never before it, so a concurrent edit cannot be written back from a stale copy.

The new file text is staged in a temporary file and recorded in the database
(meta `codebook_text`, with the hash of the text it replaced in
`codebook_before`) inside the transaction; the file is renamed into place only
after the COMMIT. A crash in between leaves the file one edit behind: the next
codebook operation sees that the file is exactly the text the last committed
edit replaced and rewrites it from the database ("rolls forward") before doing
anything else, so `codebook load` never mistakes a file that fell behind for
codes the user removed.
"""
from __future__ import annotations

import glob
import os
import warnings
from contextlib import contextmanager
from pathlib import Path

from qualcode.errors import QualcodeNotice
from qualcode.text import content_hash

LOCK_NAME = ".qualcode.lock"
TEXT_KEY, BEFORE_KEY = "codebook_text", "codebook_before"


@contextmanager
def project_lock(project):
    """An exclusive advisory lock on the project, held by one codebook editor at a
    time (a no-op where the folder is read-only or the platform has no flock)."""
    try:
        import fcntl
    except ImportError:  # Windows: SQLite's own lock still serialises the database
        yield
        return
    try:
        fd = os.open(project.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def project_file(project) -> Path | None:
    from qualcode.codebook.operations import codebook_path

    return codebook_path(project)


def roll_forward(project, path: Path | None = None) -> bool:
    """Under the lock: if the project's codebook file is exactly the text that the
    last committed edit replaced (its write-back was interrupted), rewrite it from
    the committed text. Returns True when it did."""
    store = project.store
    path = path or project_file(project)
    if path is None:
        return False
    _remove_leftovers(path)
    committed = store.get_meta(TEXT_KEY)
    if committed is None or not path.exists():
        return False
    try:
        current = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if current == committed or content_hash(current) != store.get_meta(BEFORE_KEY):
        return False  # in step, or edited by hand since: the file is the user's
    write_text(path, committed)
    warnings.warn(f"{path}: the file was one edit behind the database (an edit was interrupted); "
                  "rewritten from the last committed codebook", QualcodeNotice, stacklevel=2)
    return True


def _remove_leftovers(path: Path) -> None:
    """Temporary files of editors killed while staging (only one editor holds the
    lock, so any that exist now are dead)."""
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            tmp.unlink()
        except OSError:
            pass


def remember(project, text: str, before: str | None) -> None:
    """Record (inside the transaction) the file text that the committed state has."""
    project.store.set_meta(TEXT_KEY, text)
    project.store.set_meta(BEFORE_KEY, content_hash(before) if before is not None else "")


def write_text(path: Path, text: str) -> None:
    from qualcode.exports.files import atomic_write

    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


class Pending:
    """File texts staged during a codebook transaction: each is written to a synced
    temporary file beside its target and recorded in the database at once, then
    renamed into place by `commit()` after the database COMMIT."""

    def __init__(self, project):
        self.project = project
        self.staged: list[tuple[Path, Path]] = []  # (temporary file, target)

    def write(self, path: Path, text: str, *, before: str | None = None) -> None:
        import tempfile

        from qualcode.exports.files import fsync_file

        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        tmp = Path(name)
        self.staged.append((tmp, path))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        fsync_file(tmp)
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
        remember(self.project, text, before)

    def commit(self) -> None:
        while self.staged:
            tmp, path = self.staged[0]
            os.replace(tmp, path)
            self.staged.pop(0)

    def discard(self) -> None:
        for tmp, _ in self.staged:
            tmp.unlink(missing_ok=True)
        self.staged = []


@contextmanager
def transaction(project):
    """The codebook lock and the database transaction; yields a `Pending` whose
    staged files are renamed into place once the transaction has committed. The
    project's codebook file is rolled forward first if it fell behind."""
    with project_lock(project):
        pending = Pending(project)
        try:
            with project.store.transaction():
                roll_forward(project)
                yield pending
            pending.commit()
        finally:
            pending.discard()


@contextmanager
def editing(project, edit_class):
    """`with editing(project, _FileEdit) as edit:` — the file read under the lock;
    when `edit` was changed (`edit.dirty`), its new text is committed with the
    database change."""
    from qualcode.codebook import yamlfile

    with transaction(project) as pending:
        edit = edit_class(project)
        yield edit
        if edit.dirty and edit.book is not None:
            pending.write(edit.path, yamlfile.dumps(edit.book), before=edit.source)
