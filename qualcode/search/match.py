"""Finding a pattern in one text, accent- and case-insensitively, with exact
code-point offsets back in the original text.

A pattern is one or more words; a word matches a whole word of the text, and
`*` inside a word stands for any letters (``punais*`` finds punaise, punaises).
With lemmas, each word of the pattern also matches any inflection of it
(``attendre`` finds attendu, attends) through the project's spaCy parse cache.
"""
from __future__ import annotations

import re

from qualcode.text import fold as _fold
from qualcode.text import folded_accentless


def fold(text: str) -> str:
    """Text as search compares it: no case, accents or ligatures, apostrophes and
    white space made plain (`qualcode.text`, the same folding as quote search)."""
    return _fold(text, accents=False)


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


def find_literal(text: str, regex: re.Pattern) -> list[tuple[int, int]]:
    """[start, end) spans of `text` (original code-point offsets) matching `regex`
    over its folded form; a match that would cut one character is dropped."""
    haystack = folded_accentless(text)
    spans = []
    for m in regex.finditer(haystack.text):
        start, end = haystack.original(m.start()), haystack.original(m.end())
        if start is not None and end is not None and end > start:
            spans.append((start, end))
    return spans


def find_lemmas(doc, words: list[str], lemmas: list[str]) -> list[tuple[int, int]]:
    """Spans of consecutive tokens of a spaCy `doc` where each token has the
    pattern word's lemma or form (both folded)."""
    wanted = [(fold(w), fold(lem)) for w, lem in zip(words, lemmas)]
    if not wanted:
        return []
    memo: dict[str, str] = {}

    def key(s: str) -> str:
        if s not in memo:
            memo[s] = fold(s)
        return memo[s]

    tokens = [t for t in doc if not t.is_space]
    keys = [(key(t.text), key(t.lemma_)) for t in tokens]
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
