"""Fuzzy search for the code picker: pure functions, no Textual.

`fold` makes accents, case and typographic apostrophes optional ("hotel" finds
"hôtelières"); `score` matches a query as a subsequence of a text and rewards
matches at word starts and runs of contiguous characters; `rank` orders items
by their best score.
"""
from __future__ import annotations

import unicodedata
from typing import Callable, Iterable, Sequence, TypeVar

T = TypeVar("T")

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "‘": "'", "ʼ": "'"})

# Scoring weights (a match is worth 1; bonuses stack).
_PREFIX = 3.0        # first query character on the text's first character
_WORD_START = 2.0    # a character at the start of a word
_CONTIGUOUS = 2.0    # a character right after the previous match
_GAP = 0.15          # per character skipped between two matches (capped)
_GAP_CAP = 1.5
_LEAD = 0.03         # per character skipped before the first match (capped)
_LEAD_CAP = 0.9
_LENGTH = 0.01       # per character of text: shorter texts win ties
_EXACT = 5.0         # the whole text equals the query


def fold(text: str) -> str:
    """Lower case without accents: ``"Bénéfices Œuvre"`` -> ``"benefices oeuvre"``."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def _word_starts(text: str) -> list[bool]:
    starts = []
    previous = ""
    for c in text:
        starts.append(c.isalnum() and not (previous.isalnum()))
        previous = c
    return starts


def score(query: str, text: str) -> float | None:
    """How well `query` matches `text`, or None when it is not a subsequence.

    Spaces in the query are ignored (they only help the user think in words).
    Case and accents never matter. An empty query matches everything with 0.
    """
    q = "".join(fold(query).split())
    t = fold(text)
    if not q:
        return 0.0
    n, m = len(q), len(t)
    if n > m:
        return None
    starts = _word_starts(t)
    neg = float("-inf")
    # best[j]: best score of q[:i+1] with q[i] matched at t[j]
    best = [neg] * m
    for j in range(m):
        if t[j] == q[0]:
            bonus = _PREFIX if j == 0 else (_WORD_START if starts[j] else 0.0)
            best[j] = 1.0 + bonus - min(_LEAD * j, _LEAD_CAP)
    window = int(_GAP_CAP / _GAP)  # beyond this many skipped characters the gap cost is capped
    for i in range(1, n):
        row = [neg] * m
        far = neg  # best[k] over predecessors far enough back to pay the capped gap cost
        for j in range(i, m):
            k_far = j - 2 - window
            if k_far >= 0 and best[k_far] > far:
                far = best[k_far]
            if t[j] != q[i]:
                continue
            gain = 1.0 + (_WORD_START if starts[j] else 0.0)
            value = neg
            if best[j - 1] > neg:
                value = best[j - 1] + gain + _CONTIGUOUS
            if far > neg:
                value = max(value, far - _GAP_CAP + gain)
            for k in range(max(0, j - 1 - window), j - 1):
                if best[k] > neg:
                    value = max(value, best[k] - _GAP * (j - k - 1) + gain)
            row[j] = value
        best = row
    top = max(best)
    if top == neg:
        return None
    if q == t:
        top += _EXACT
    return round(top - _LENGTH * m, 6)


def rank(query: str, items: Iterable[T], key: Callable[[T], str | Sequence[str]] | None = None) -> list[T]:
    """Items that match, best first; ties keep the items' order.

    `key` gives the text (or texts; the best one counts) of an item; by default
    the item itself. A text may come as (text, weight) to count for less, e.g. a
    code's keywords next to its label.
    """
    scored = []
    for position, item in enumerate(items):
        texts = key(item) if key else item
        if isinstance(texts, str):
            texts = [texts]
        pairs = [t if isinstance(t, tuple) else (t, 1.0) for t in texts]
        values = [s * w for s, w in ((score(query, t), w) for t, w in pairs) if s is not None]
        if values:
            scored.append((-max(values), position, item))
    scored.sort(key=lambda entry: (entry[0], entry[1]))
    return [item for _, _, item in scored]
