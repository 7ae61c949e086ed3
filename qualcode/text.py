"""Text primitives shared by every layer: normalisation, hashing, quote search,
and offset conversion at the edges (UTF-16 units used by REFI-QDA/NVivo files).

Offsets everywhere in qualcode are Python string indices (code points) over the
stored, normalised plain text.
"""
from __future__ import annotations

import bisect
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


def nfc(text: str) -> str:
    """Text typed or read from a file in the stored normalisation form (NFC)."""
    return unicodedata.normalize("NFC", text)


def content_hash(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def word_count(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text))


@functools.lru_cache(maxsize=8192)
def _fold_char(c: str) -> str:
    """One character as matching sees it: white space -> one space, else NFKC
    (ligatures, full-width forms), typographic apostrophes and case folded. The
    result may be longer or shorter than one character ("ß" -> "ss", "ﬁ" -> "fi")."""
    if c.isspace():
        return " "
    return unicodedata.normalize("NFKC", c.translate(_APOSTROPHES)).casefold().translate(_APOSTROPHES)


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


@functools.lru_cache(maxsize=8192)
def _fold_char_accentless(c: str) -> str:
    """`_fold_char` without accents or ligatures ("É" -> "e", "Œ" -> "oe"): how
    keyword search (`qualcode search`, the coding screen) compares words."""
    decomposed = unicodedata.normalize("NFD", _fold_char(c).translate(_LIGATURES))
    return "".join(x for x in decomposed if not unicodedata.combining(x))


class Folded:
    """A text folded for matching, with the few places where folded and original
    positions stop moving in step: runs of white space (one space) and characters
    whose fold has another length. Between two such pieces, positions map one to
    one, so a 50 MB text needs no per-character index."""

    __slots__ = ("text", "starts", "pieces")

    def __init__(self, source: str, fold_char=_fold_char):
        table, special = {}, []
        for c in set(source):
            folded = fold_char(c)
            if len(folded) != 1:
                special.append(c)
            elif folded != c:
                table[ord(c)] = folded
        pattern = r"\s{2,}" + (f"|[{''.join(re.escape(c) for c in sorted(special))}]" if special else "")
        out: list[str] = []
        pieces: list[tuple[int, int, int, int]] = []  # (folded start, folded length, start, length)
        size, prev = 0, 0
        for m in re.finditer(pattern, source):
            chunk = source[prev:m.start()].translate(table)
            folded = " " if m.group()[0].isspace() else fold_char(m.group())
            out += (chunk, folded)
            size += len(chunk)
            pieces.append((size, len(folded), m.start(), m.end() - m.start()))
            size += len(folded)
            prev = m.end()
        out.append(source[prev:].translate(table))
        self.text = "".join(out)
        self.starts = [p[0] for p in pieces]
        self.pieces = pieces

    def original(self, pos: int) -> int | None:
        """The original index of folded position `pos` (a match boundary), or None
        when `pos` falls inside the fold of one character ("s|s" of "ß")."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i < 0:
            return pos
        fstart, flen, start, length = self.pieces[i]
        if pos == fstart:
            return start
        if pos < fstart + flen:
            return None
        return start + length + (pos - fstart - flen)


_FOLD_CACHE: dict[str, Folded] = {}  # most recently used last
_FOLD_CACHE_CHARS = 64_000_000  # characters of the texts kept folded between calls
_fold_cache_size = 0


def folded(text: str) -> Folded:
    """`Folded(text)`, cached: codings files and exports search one text many times."""
    global _fold_cache_size
    hit = _FOLD_CACHE.pop(text, None)
    if hit is None:
        hit = Folded(text)
        _fold_cache_size += len(text)
        while _FOLD_CACHE and _fold_cache_size > _FOLD_CACHE_CHARS:
            _fold_cache_size -= len(_FOLD_CACHE.pop(next(iter(_FOLD_CACHE))))
    _FOLD_CACHE[text] = hit
    return hit


def fold(text: str, *, accents: bool = True) -> str:
    """The folded form of a query (or any text): see `_fold_char`; without
    `accents`, see `_fold_char_accentless`."""
    return Folded(unicodedata.normalize("NFC", text), _fold_char if accents else _fold_char_accentless).text


@functools.lru_cache(maxsize=64)
def folded_accentless(text: str) -> Folded:
    """`Folded(text)` without accents or ligatures, cached (a search runs over
    the same transcripts again and again)."""
    return Folded(text, _fold_char_accentless)


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every [start, end) span of `text` that matches `quote`, tolerant to case
    (full case folding), compatibility forms (NFKC), typographic apostrophes,
    white space and the quote's normalisation form (NFD is matched like NFC).
    Spans are exact code-point offsets into `text`, never inside one character;
    non-overlapping, in order."""
    needle = fold(quote.strip())
    if not needle.strip():
        return []
    haystack = folded(text)
    spans = []
    pos = haystack.text.find(needle)
    while pos != -1:
        start, end = haystack.original(pos), haystack.original(pos + len(needle))
        if start is None or end is None or end <= start:
            pos = haystack.text.find(needle, pos + 1)
            continue
        spans.append((start, end))
        pos = haystack.text.find(needle, pos + len(needle))
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
