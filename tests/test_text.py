"""Quote search maps folded positions back exactly: after and on every character
whose case folding or NFKC form has another length, with NFD queries, across
white-space runs; and it never matches half of one character."""
from __future__ import annotations

import random
import unicodedata

import pytest

from qualcode.text import Folded, find_quote, normalize


def _changes_length(c: str) -> bool:
    return any(len(f) != 1 for f in (c.casefold(), c.lower(), unicodedata.normalize("NFKC", c)))


CHANGING = [chr(i) for i in range(0x110000)
            if not 0xD800 <= i < 0xE000 and _changes_length(chr(i))]


def test_the_list_is_the_real_one():
    assert {"ß", "İ", "ﬁ", "…", "ŉ"} <= set(CHANGING)
    assert len(CHANGING) > 1000


def test_offsets_exact_after_every_length_changing_character():
    rng = random.Random(12)
    chars = CHANGING[:]
    rng.shuffle(chars)
    for start in range(0, len(chars), 50):  # a transcript crowded with them, 50 at a time
        noise = " ".join(c * 3 for c in chars[start:start + 50])
        text = normalize(f"Enquêtrice : {noise}\nİbrahim : {noise} Les punaises étaient partout dans "
                         "la chambre.\nEnquêtrice : Merci.")
        want = text.index("Les punaises")
        spans = find_quote(text, "les  PUNAISES étaient partout dans la chambre")
        assert spans == [(want, want + len("Les punaises étaient partout dans la chambre"))]


@pytest.mark.parametrize("chunk", range(0, 1400, 200))
def test_each_length_changing_character_is_found_exactly(chunk):
    for c in CHANGING[chunk:chunk + 200]:
        text = normalize(f"⟦ {c} ⟧")
        stored = normalize(c)
        if not stored.strip() or not Folded(stored).text.strip():
            continue
        at = text.index(stored)
        assert find_quote(text, c) == [(at, at + len(stored))], repr(c)
        assert find_quote(text, f"⟦ {c}") == [(0, at + len(stored))], repr(c)


def test_folded_forms_match_whole_characters_only():
    text = "La Straße est longue. STRASSE aussi. ﬁn"
    assert [text[s:e] for s, e in find_quote(text, "strasse")] == ["Straße", "STRASSE"]
    assert [text[s:e] for s, e in find_quote(text, "stras")] == ["STRAS"]  # not half of "ß"
    assert [text[s:e] for s, e in find_quote(text, "fin")] == ["ﬁn"]
    assert find_quote("İİ İbrahim", "i̇brahim") == [(3, 10)]


def test_nfd_query_finds_nfc_text():
    text = normalize("R : Et honnêtement, ça dépend des semaines.")
    query = unicodedata.normalize("NFD", "honnêtement, ça dépend")
    assert query != "honnêtement, ça dépend"
    (start, end), = find_quote(text, query)
    assert text[start:end] == "honnêtement, ça dépend"


def test_white_space_apostrophes_and_case_still_tolerated():
    text = "R : C’est   trop\npeu,\n\n franchement."
    (start, end), = find_quote(text, "c'est trop peu, FRANCHEMENT")
    assert text[start:end] == "C’est   trop\npeu,\n\n franchement"


def test_large_text_needs_no_per_character_index():
    text = ("mot " * 2_000_000) + "Les punaises étaient partout." + (" fin" * 10)
    folded = Folded(text)
    assert len(folded.pieces) == 0  # single spaces map one to one
    assert find_quote(text, "LES PUNAISES") == [(8_000_000, 8_000_012)]
