"""Moving through text by word and sentence: pure functions over the stored
text and [start, end) offsets, used by the coding screen and by `qualcode search --unit sentence`."""
from __future__ import annotations

import re

_TERMINATOR = re.compile(r"[.!?…]+[»\"”’')\]]*(?=\s|$)")


def is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def word_right(text: str, pos: int, end: int) -> int:
    """The end of the word at or after `pos` (not beyond `end`)."""
    while pos < end and not is_word_char(text[pos]):
        pos += 1
    while pos < end and is_word_char(text[pos]):
        pos += 1
    return pos


def word_left(text: str, pos: int, start: int) -> int:
    """The start of the word before `pos` (not before `start`)."""
    while pos > start and not is_word_char(text[pos - 1]):
        pos -= 1
    while pos > start and is_word_char(text[pos - 1]):
        pos -= 1
    return pos


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside [start, end): each ends after . ! ? … (with closing
    quotes or brackets) or at `end`, without surrounding white space."""
    spans = []
    pos = start
    while pos < end:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos >= end:
            break
        match = _TERMINATOR.search(text, pos, end)
        stop = match.end() if match else end
        while stop > pos and text[stop - 1].isspace():
            stop -= 1
        spans.append((pos, stop))
        pos = match.end() if match else end
    return spans


def sentence_at(text: str, start: int, end: int, pos: int) -> tuple[int, int]:
    """The sentence holding `pos`; white space after a sentence belongs to it."""
    spans = sentences(text, start, end) or [(start, end)]
    chosen = spans[0]
    for span in spans:
        if span[0] <= pos:
            chosen = span
    return chosen
