"""Failures of the machine, not of qualcode: a read-only folder or database, a
full disk, a file-size limit, a folder or a file where a file should go. Each
becomes one `QualcodeError` line naming the path and what to do, instead of an
internal error; `describe` is used by the writers and, as a last resort, by the
command line for anything they did not catch."""
from __future__ import annotations

import errno
import os
import signal
from contextlib import contextmanager
from pathlib import Path

from qualcode.errors import QualcodeError

_ADVICE = {
    errno.EACCES: "permission denied: choose a folder you can write to, or fix its permissions",
    errno.EPERM: "operation not permitted: choose a folder you can write to",
    errno.EROFS: "read-only file system: write somewhere else",
    errno.ENOSPC: "no space left on the device: free some space and run it again",
    errno.EDQUOT: "disk quota exceeded: free some space and run it again",
    errno.EFBIG: "file too large for the file-size limit (ulimit -f): raise the limit or write less",
    errno.EISDIR: "is a folder: give a file name",
    errno.ENOTDIR: "a parent of this path is a file, not a folder",
    errno.EEXIST: "a parent of this path is a file, not a folder",
    errno.ENAMETOOLONG: "file name too long",
    errno.ENOENT: "no such file or folder",
}
_DB_MESSAGES = (
    ("readonly database", "the database is read-only: check the permissions of qualcode.db and of its folder"),
    ("database or disk is full", "no space left for the database: free some space and run it again"),
    ("disk i/o error", "the disk failed while writing the database (full, removed or read-only?)"),
    ("unable to open database", "cannot open the database: check the permissions of the project folder"),
)


def describe(exc: BaseException, path=None) -> str | None:
    """One line for an OS or database failure (None when `exc` is neither)."""
    if isinstance(exc, OSError) and exc.errno is not None:
        where = path or exc.filename or "file"
        advice = _ADVICE.get(exc.errno, exc.strerror or str(exc))
        return f"{where}: {advice}"
    text = str(exc).lower()
    if type(exc).__name__ in ("OperationalError", "DatabaseError"):
        for needle, advice in _DB_MESSAGES:
            if needle in text:
                return f"{path or 'qualcode.db'}: {advice}"
    if type(exc).__name__ == "SerialisationError" and "io_" in text:  # lxml writing to a full disk
        code = getattr(errno, str(exc).split("IO_")[-1].split()[0].strip(":,"), None)
        advice = _ADVICE.get(code, f"cannot write ({exc}): free some space or raise the file-size limit")
        return f"{path or 'file'}: {advice}"
    return None


def describe_text(exc: BaseException) -> str | None:
    """Text with lone surrogates (a file name or argument that was not UTF-8)."""
    if isinstance(exc, UnicodeEncodeError) and "surrogate" in str(exc):
        bad = exc.object[exc.start:exc.end].encode("ascii", "backslashreplace").decode("ascii")
        return (f"text that is not valid Unicode ('{bad}' in '{exc.object[:60]!a}'): "
                "a file name, argument or file read was not UTF-8")
    return None


def check_target(path: Path) -> None:
    """Refuse an output path that is a folder, or whose parent is a file, before writing."""
    if path.is_dir():
        raise QualcodeError(f"{path}: is a folder: give a file name")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise QualcodeError(f"{path}: {parent} is a file, not a folder")
            break


@contextmanager
def cleanup_on_sigterm():
    """Turn SIGTERM into SystemExit while the command runs, so that temporary files
    are removed and transactions rolled back as on Ctrl-C."""
    def stop(signum, frame):
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def quiet_unraisable():
    """Silence the 'Exception ignored in ...' reports of objects that fail again as
    they are freed after a failed write (openpyxl/lxml generators, zip files)."""
    import sys

    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        yield
    finally:
        sys.unraisablehook = hook


def remove_quietly(path: Path, *, folder: bool = False) -> None:
    """Remove a temporary file (or an empty folder we created), ignoring failures."""
    try:
        os.rmdir(path) if folder else os.unlink(path)
    except OSError:
        pass
