"""Finding a pattern in one text, accent- and case-insensitively, with exact
code-point offsets back in the original text.

A pattern is one or more words; a word matches a whole word of the text, and
`*` inside a word stands for any letters (``punais*`` finds punaise, punaises).
With lemmas, each word of the pattern also matches any inflection of it
(``attendre`` finds attendu, attends) through the project's spaCy parse cache.
"""
from __future__ import annotations

import functools
import re
import unicodedata

_EXTRA = str.maketrans({"œ": "oe", "æ": "ae", "\u2019": "'", "\u2018": "'", "\u02bc": "'"})


@functools.lru_cache(maxsize=4096)
def fold_char(c: str) -> str:
    """One character without case, accents or ligatures (may be 0, 1 or more
    characters: 'É' -> 'e', 'œ' -> 'oe', 'ß' -> 'ss')."""
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", c).casefold())
    return "".join(x for x in s if not unicodedata.combining(x)).translate(_EXTRA)


def fold(text: str) -> str:
    return "".join(fold_char(c) for c in text)


@functools.lru_cache(maxsize=64)
def folded_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """The folded text (runs of white space -> one space) and, for each folded
    character, the index of the original character it comes from."""
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
        f = fold_char(c)
        out.append(f)
        index.extend([i] * len(f))
    return "".join(out), tuple(index)


def compile_pattern(pattern: str) -> re.Pattern:
    """A regular expression over folded text: whole words, `*` = any letters."""
    words = fold(pattern).split()
    if not words or not any(w.strip("*") for w in words):
        from qualcode.errors import QualcodeError

        raise QualcodeError("the search pattern is empty: give one or more words (a * stands for any letters)")
    parts = []
    for word in words:
        body = r"\w*".join(re.escape(piece) for piece in word.split("*"))
        head = r"(?<!\w)" if re.match(r"\w|\*", word) else ""
        tail = r"(?!\w)" if re.search(r"[\w*]$", word) else ""
        parts.append(head + body + tail)
    return re.compile(" ".join(parts))


def find_literal(text: str, regex: re.Pattern, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """[start, end) spans of `text` (original offsets) matching `regex` inside [start, end)."""
    import bisect

    folded, index = folded_with_map(text)
    end = len(text) if end is None else end
    lo = bisect.bisect_left(index, start)
    hi = bisect.bisect_left(index, end)
    spans = []
    for m in regex.finditer(folded, lo, hi):
        if m.end() > m.start():
            spans.append((index[m.start()], index[m.end() - 1] + 1))
    return spans


def find_lemmas(doc, words: list[str], lemmas: list[str], start: int = 0,
                end: int | None = None) -> list[tuple[int, int]]:
    """Spans of consecutive tokens of a spaCy `doc` where each token has the
    pattern word's lemma or form (both folded), inside [start, end)."""
    wanted = [(fold(w), fold(lem)) for w, lem in zip(words, lemmas)]
    if not wanted:
        return []
    end = len(doc.text) if end is None else end
    tokens = [t for t in doc if not t.is_space and start <= t.idx and t.idx + len(t.text) <= end]
    keys = [(fold(t.text), fold(t.lemma_)) for t in tokens]
    n = len(wanted)
    spans = []
    i = 0
    while i + n <= len(tokens):
        if all(keys[i + k][0] == w or keys[i + k][1] == lem for k, (w, lem) in enumerate(wanted)):
            first, last = tokens[i], tokens[i + n - 1]
            spans.append((first.idx, last.idx + len(last.text)))
            i += n
        else:
            i += 1
    return spans
