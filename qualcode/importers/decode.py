"""Bytes to text: UTF-8/UTF-16 with BOM, then cp1252, then latin-1; anything that
is not plausibly text (NUL bytes, control characters, letters missing) refused."""
from __future__ import annotations

import re
from pathlib import Path

from qualcode.errors import QualcodeError

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # not \t \n \v \f \r
_NOT_PLAIN = re.compile(r"[^ -~\t\n\v\f\r]")


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Return (text, encoding name). Refuse binary data with a clear message."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(data.decode("utf-16"), path, "UTF-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise QualcodeError(f"{path}: invalid UTF-16 at byte {exc.start}") from None
    nul = data.find(b"\x00")
    if nul != -1:
        raise QualcodeError(f"{path}: binary file, not text (NUL byte at offset {nul})")
    try:
        return _checked(data.decode("utf-8-sig"), path, "UTF-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text) and _mostly_plain(text):
            return text, encoding
    raise QualcodeError(f"{path}: not text: not UTF-8 (byte {first_bad}) and not readable as "
                        "cp1252 text; save it as UTF-8 text, .docx or .odt")


def _checked(text: str, path: Path, name: str) -> str:
    if not _looks_like_text(text):
        bad = _CONTROL.search(text).start()
        raise QualcodeError(f"{path}: binary file, not text (control characters in the {name} text, "
                            f"the first at character {bad})")
    if not _assigned(text):
        raise QualcodeError(f"{path}: not text: decoded as {name}, it is mostly unassigned or "
                            "private-use characters (binary data?)")
    return text


def _assigned(text: str) -> bool:
    """Real text in any script uses assigned characters; random bytes decoded as
    UTF-16 land on unassigned, private-use and surrogate code points."""
    import unicodedata
    from collections import Counter

    counts = Counter(text[:200_000])
    odd = sum(n for c, n in counts.items() if unicodedata.category(c) in ("Cn", "Co", "Cs"))
    return odd <= 0.01 * sum(counts.values())


def _looks_like_text(text: str) -> bool:
    """Few control characters: at most 2, or one in a thousand."""
    limit = max(2, len(text) // 1000)
    for count, _ in enumerate(_CONTROL.finditer(text), start=1):
        if count > limit:
            return False
    return True


def _mostly_plain(text: str) -> bool:
    """A single-byte decoding is believable when most characters are ASCII letters,
    digits, spaces or punctuation (French in cp1252 has a few accents per line;
    random bytes or another script's encoding do not)."""
    sample = text[:200_000]
    return len(_NOT_PLAIN.findall(sample)) <= 0.25 * len(sample)
