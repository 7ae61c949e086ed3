"""Opening zip-based documents (docx, odt, qdpx) without trusting their sizes."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from qualcode.errors import QualcodeError

MAX_MEMBER = 64 * 1024 * 1024
MAX_TOTAL = 256 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, above which a member is a bomb


def open_zip(path: Path, kind: str) -> zipfile.ZipFile:
    """Open and check a zip: readable, and no member declares a size past the
    limits. Declared sizes can lie: read members with `read_member` (or hand
    libraries a `safe_copy`), which never inflates past the declared size."""
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise QualcodeError(f"{path}: not a valid {kind} file (corrupted or truncated: {exc})") from None
    total = 0
    for info in members:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            archive.close()
            raise QualcodeError(f"{path}: not a valid {kind} file ('{info.filename}' uses an "
                                f"unsupported compression method {info.compress_type})")
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
    """A member's bytes, at most its declared size, inflated in bounded steps
    (zipfile's `read()` of a whole member first inflates all that the compressed
    data holds, then cuts it to the declared size: a lying member is a bomb).
    A member holding more or other data than declared fails its CRC check."""
    try:
        info = archive.getinfo(name)
        parts, left = [], info.file_size
        with archive.open(info) as member:
            while left > 0:
                chunk = member.read(min(left, 1 << 20))
                if not chunk:
                    break
                parts.append(chunk)
                left -= len(chunk)
        return b"".join(parts)
    except KeyError:
        raise QualcodeError(f"{path}: not a valid {kind} file (no {name})") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, Exception) as exc:  # zlib.error too
        raise QualcodeError(f"{path}: not a valid {kind} file (damaged {name}: {exc})") from None


def safe_copy(path: Path, kind: str) -> io.BytesIO:
    """A checked, uncompressed in-memory copy of the archive, for libraries that
    read whole members themselves (python-docx)."""
    out = io.BytesIO()
    with open_zip(path, kind) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info in archive.infolist():
            copy.writestr(info.filename, read_member(archive, info.filename, path, kind))
    out.seek(0)
    return out
