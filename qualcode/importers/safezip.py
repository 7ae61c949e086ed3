"""Opening zip-based documents (docx, odt, qdpx) without trusting their sizes."""
from __future__ import annotations

import zipfile
from pathlib import Path

from qualcode.errors import QualcodeError

MAX_MEMBER = 64 * 1024 * 1024
MAX_TOTAL = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, above which a member is a bomb


def open_zip(path: Path, kind: str) -> zipfile.ZipFile:
    """Open and check a zip: readable, and no member expands past the limits.
    Python's zipfile never inflates past a member's declared size (it fails the
    CRC check instead), so checking declared sizes bounds memory."""
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise QualcodeError(f"{path}: not a valid {kind} file (corrupted or truncated: {exc})") from None
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER or total > MAX_TOTAL or (ratio > MAX_RATIO and info.file_size > 1_000_000):
            archive.close()
            raise QualcodeError(
                f"{path}: refused: '{info.filename}' expands to {info.file_size} bytes "
                f"(zip bomb or oversized {kind})"
            )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, path: Path, kind: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        raise QualcodeError(f"{path}: not a valid {kind} file (no {name})") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, Exception) as exc:  # zlib.error too
        raise QualcodeError(f"{path}: not a valid {kind} file (damaged {name}: {exc})") from None
