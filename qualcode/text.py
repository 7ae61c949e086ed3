"""Text primitives shared by every layer: normalisation, hashing, quote search,
and offset conversion at the edges (UTF-16 units used by REFI-QDA/NVivo files).

Offsets everywhere in qualcode are Python string indices (code points) over the
stored, normalised plain text.
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'"})
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")


def normalize(text: str) -> str:
    """NFC, Unix line endings, no BOM, no trailing spaces: the one stored form."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def content_hash(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def word_count(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text))


def _fold_char(c: str) -> str:
    return c.translate(_APOSTROPHES).lower()


@functools.lru_cache(maxsize=64)
def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """Fold text for matching (apostrophes, case, runs of white space -> one space)
    and return, for each folded character, its index in the original text."""
    out: list[str] = []
    index: list[int] = []
    prev_space = False
    for i, c in enumerate(text):
        if c.isspace():
            if not prev_space:
                out.append(" ")
                index.append(i)
            prev_space = True
            continue
        prev_space = False
        out.append(_fold_char(c))
        index.append(i)
    return "".join(out), index


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every [start, end) span of `text` that matches `quote`, tolerant to case,
    typographic apostrophes and white-space differences. Non-overlapping, in order."""
    folded_quote, _ = _folded_with_map(quote.strip())
    if not folded_quote:
        return []
    folded, index = _folded_with_map(text)
    spans = []
    pos = folded.find(folded_quote)
    while pos != -1:
        last = pos + len(folded_quote) - 1
        spans.append((index[pos], index[last] + 1))
        pos = folded.find(folded_quote, pos + len(folded_quote))
    return spans


def utf16_to_codepoint(text: str, unit: int) -> int:
    """Code-point index of a UTF-16 code-unit offset into `text`."""
    count = 0
    for i, c in enumerate(text):
        if count >= unit:
            return i
        count += 2 if ord(c) > 0xFFFF else 1
    return len(text)


def codepoint_to_utf16(text: str, index: int) -> int:
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text[:index])
