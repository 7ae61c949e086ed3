"""Surface forms: the folded key that groups "Élodie", "elodie" and "ÉLODIE", and
finding every whole-word occurrence of known forms in a text, offsets kept.

Folding is one character to one character (accents stripped, lower case,
typographic apostrophes and dashes made plain), so a match in the folded text
is a match at the same offsets in the original.
"""
from __future__ import annotations

import functools
import re
import unicodedata

_PLAIN = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-", "\u2013": "-",
          "\u00a0": " ", "\u202f": " "}


@functools.lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in _PLAIN:
        return _PLAIN[c]
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def fold(text: str) -> str:
    """Same length as `text`: accents stripped, lower case, plain apostrophes."""
    return "".join(_fold_char(c) for c in text)


def form_key(surface: str) -> str:
    """The grouping key of a surface form: folded, white space collapsed."""
    return " ".join(fold(surface).split())


def is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _pattern(key: str) -> str:
    parts = [re.escape(p) for p in key.split(" ")]
    return r"\s+".join(parts)


@functools.lru_cache(maxsize=64)
def _compiled(keys: tuple[str, ...]):
    if not keys:
        return None
    ordered = sorted(keys, key=len, reverse=True)  # longest first: "Jardins d'Éole" before "Éole"
    return re.compile(r"(?<![\w])(?:" + "|".join(_pattern(k) for k in ordered) + r")(?![\w])")


def occurrences(text: str, keys) -> list[tuple[int, int, str]]:
    """Every whole-word occurrence of the form keys in `text`: (start, end, key),
    longest match first, non-overlapping, in text order. "Karim" does not match
    inside "Karima"; "Élodie" matches "elodie"."""
    keys = tuple(sorted({k for k in keys if k}))
    regex = _compiled(keys)
    if regex is None:
        return []
    folded = fold(text)
    return [(m.start(), m.end(), " ".join(m.group(0).split())) for m in regex.finditer(folded)]


def capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


def hashed_key(key: str, salt: str) -> str:
    """The one-way key a forgotten form keeps: "h:" + sha256(salt, key)."""
    import hashlib

    return "h:" + hashlib.sha256((salt + "\x00" + key).encode("utf-8")).hexdigest()


_WORD = re.compile(r"\w[\w'’-]*")
MAX_WORDS = 8


def hashed_occurrences(text: str, hashed: set[str], salt: str) -> list[tuple[int, int, str]]:
    """Like `occurrences`, for forms known only by their hashed key: every run of
    up to MAX_WORDS words is keyed and looked up (longest first)."""
    words = [m.span() for m in _WORD.finditer(text)]
    out, i = [], 0
    while i < len(words):
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + n - 1][1]
            key = hashed_key(form_key(text[start:end]), salt)
            if key in hashed:
                out.append((start, end, key))
                i += n
                break
        else:
            i += 1
    return out
