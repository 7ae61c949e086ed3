"""Bytes to text: UTF-8/UTF-16 with BOM, then cp1252, then latin-1; binary refused."""
from __future__ import annotations

from pathlib import Path

from qualcode.errors import QualcodeError


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Return (text, encoding name). Refuse binary data with a clear message."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise QualcodeError(f"{path}: invalid UTF-16 at byte {exc.start}") from None
    if b"\x00" in data[:8192]:
        raise QualcodeError(f"{path}: binary file, not text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    raise QualcodeError(f"{path}: not UTF-8 (byte {first_bad}) and not readable as cp1252 text")


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    controls += sum(1 for c in text if 0x80 <= ord(c) <= 0x9F)
    return controls <= max(2, len(text) // 1000)
