"""A REFI-QDA project archive (.qdpx) opened without trusting it.

`QdpxArchive` checks, before anything is read: that the file is a zip, that no
member declares more than the per-member or total uncompressed limits (zip
bombs), and that no member name points outside the archive (zip-slip: ``..``
components, absolute or drive paths). It finds the project's ``.qde`` at the
root (``project.qde``, or the only ``.qde`` there: ATLAS.ti writes
``Project.qde``) and resolves ``internal://NAME`` references to members of the
``sources/`` folder (any case: NVivo for Windows writes ``Sources/``). Reads are
capped. Every problem is a one-line `QualcodeError` naming the archive.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from qualcode.errors import QualcodeError
from qualcode.interop.safexml import MB, one_line

_DRIVE = re.compile(r"^[A-Za-z]:")
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
                ValueError, OSError)


def unsafe_member_name(name: str) -> bool:
    """True for a member name that would escape the folder it is extracted into."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or bool(_DRIVE.match(name)) or ".." in parts


class QdpxArchive:
    """An opened, checked .qdpx; use as a context manager."""

    def __init__(self, path: str | Path, *, max_member: int, max_total: int, max_xml: int):
        self.path = Path(path)
        self.name = self.path.name or str(self.path)
        self.max_member = max_member
        self.max_xml = max_xml
        try:
            self.zip = zipfile.ZipFile(self.path)
            self.infos = self.zip.infolist()
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
            raise QualcodeError(f"{self.name}: not a valid zip archive ({one_line(exc)})") from None
        except OSError as exc:
            raise QualcodeError(f"{self.name}: cannot read file ({exc.strerror or exc})") from None
        try:
            self._check(max_member, max_total)
        except QualcodeError:
            self.zip.close()
            raise
        self._by_lower = {}
        for info in self.infos:
            self._by_lower.setdefault(info.filename.lower(), info)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.zip.close()

    def _check(self, max_member: int, max_total: int) -> None:
        total = 0
        for info in self.infos:
            if unsafe_member_name(info.filename):
                raise QualcodeError(
                    f"{self.name}: refused: archive member {info.filename!r} points outside the "
                    "archive (zip-slip)"
                )
            if info.file_size > max_member:
                raise QualcodeError(
                    f"{self.name}: archive member {info.filename!r} declares {info.file_size // MB} MB "
                    f"uncompressed (limit {max_member // MB} MB); refusing to open it"
                )
            total += info.file_size
        if total > max_total:
            raise QualcodeError(
                f"{self.name}: archive declares {total // MB} MB uncompressed in total "
                f"(limit {max_total // MB} MB); refusing to open it"
            )

    # -- the project document ----------------------------------------------
    def qde(self) -> tuple[bytes, str]:
        """The bytes of the project's .qde, and a label for messages (``x.qdpx: project.qde``)."""
        info = self._pick_qde()
        where = f"{self.name}: {info.filename}"
        data = self.read(info, self.max_xml, where)
        if len(data) > self.max_xml:
            raise QualcodeError(f"{where}: larger than {self.max_xml // MB} MB; refusing to read it")
        return data, where

    def _pick_qde(self) -> zipfile.ZipInfo:
        at_root = [i for i in self.infos if not i.is_dir() and "/" not in i.filename.strip("/")
                   and i.filename.lower().endswith(".qde")]
        if len(at_root) == 1:
            return at_root[0]
        exact = [i for i in at_root if i.filename == "project.qde"]
        if len(exact) == 1:
            return exact[0]
        if at_root:
            found = ", ".join(i.filename for i in at_root)
            raise QualcodeError(f"{self.name}: several .qde files at the root of the archive ({found}); "
                                "expected one project.qde")
        nested = [i.filename for i in self.infos if i.filename.lower().endswith(".qde")]
        hint = f"; found {nested[0]} in a subfolder" if nested else ""
        raise QualcodeError(f"{self.name}: not a REFI-QDA project (no project.qde{hint})")

    # -- members -------------------------------------------------------------
    def source_member(self, reference: str) -> zipfile.ZipInfo | None:
        """The member an ``internal://NAME`` reference points to (``sources/NAME``,
        any case), or None when the archive does not hold it. Other schemes
        (``relative://``, ``absolute://``, ``file://``) are outside the archive: None."""
        if not reference.lower().startswith("internal://"):
            return None
        name = reference[len("internal://"):].lstrip("/")
        if not name or unsafe_member_name(name):
            return None
        for candidate in (f"sources/{name}", name):
            info = self._by_lower.get(str(PurePosixPath(candidate)).lower())
            if info is not None and not info.is_dir():
                return info
        return None

    def read(self, info: zipfile.ZipInfo, limit: int, where: str) -> bytes:
        """At most `limit` + 1 bytes of a member (the caller tells "too large")."""
        try:
            with self.zip.open(info) as member:
                chunks, size = [], 0
                while size <= limit:
                    chunk = member.read(min(MB, limit + 1 - size))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                return b"".join(chunks)
        except _READ_ERRORS as exc:
            raise QualcodeError(f"{where}: cannot extract from the archive ({one_line(exc)})") from None
