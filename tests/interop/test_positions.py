"""Positions at the edge: UTF-16 units <-> code points, the alignment from an
archive's text to the stored text, the comparison form, choosing the unit."""
from __future__ import annotations

import unicodedata

from qualcode.interop.positions import UnitIndex, canonical, detect_unit, stored_form, to_codepoints
from qualcode.text import normalize


def test_unit_index_counts_characters_outside_the_bmp_twice():
    text = "a😀b🎉c"
    index = UnitIndex(text)
    assert index.units == len(text.encode("utf-16-le")) // 2 == 7
    assert [index.to_units(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert [index.to_codepoint(u) for u in range(8)] == [0, 1, None, 2, 3, None, 4, 5]
    assert index.to_codepoint(8) is None and index.to_codepoint(-1) is None
    assert to_codepoints(index, "codepoints", 5) == 5 and to_codepoints(index, "codepoints", 6) is None


def test_stored_form_is_what_the_txt_importer_stores():
    raw = "  Un  \r\n\r\n\ufeffDeux\u00a0\rtrois\n\n\nfin"
    lines, _ = stored_form(raw)
    stored = "\n".join(lines)
    assert stored == "  Un\nDeux\ntrois\nfin"
    expected = [line for line in normalize(raw).split("\n") if line.strip()]
    assert lines == expected


def test_alignment_maps_spans_over_dropped_text():
    raw = "Bonjour.  \r\n\r\nSuite ici.\r\nFin"
    lines, align = stored_form(raw)
    stored = "\n".join(lines)
    assert stored == "Bonjour.\nSuite ici.\nFin"

    def mapped(fragment: str) -> str:
        a = raw.index(fragment)
        return stored[align.start(a):align.end(a + len(fragment))]

    assert mapped("Bonjour.") == "Bonjour."
    assert mapped("Bonjour.  \r\n\r\n") == "Bonjour."  # trailing spaces and line ends dropped
    assert mapped("\r\nSuite") == "Suite"  # starts on a dropped line end: moves to the next kept text
    assert mapped("jour.  \r\n\r\nSuite ici.\r\nF") == "jour.\nSuite ici.\nF"
    assert mapped("Fin") == "Fin"
    assert align.start(len(raw)) == align.end(len(raw)) == len(stored)
    assert align.start(0) == 0 and align.end(0) == 0


def test_alignment_through_nfc_changes_and_stray_boms():
    decomposed = unicodedata.normalize("NFD", "Hélène a été là")
    raw = f"{decomposed}\r\n\ufeffx\ufeffyz"
    lines, align = stored_form(raw)
    assert lines == ["Hélène a été là", "xyz"]
    stored = "\n".join(lines)
    a = raw.index("a")
    assert stored[align.start(a):align.end(a + len("a " + unicodedata.normalize("NFD", "été")))] == "a été"
    # an edge inside a decomposed character widens to the whole character
    e = raw.index("e\u0301t")
    assert stored[align.start(e + 1):align.end(e + 2)] == "é"
    assert stored[align.start(e):align.end(e + 1)] == "é"
    assert stored[align.start(e):align.end(e + 2)] == "é"
    y = raw.index("y")
    assert stored[align.start(y):align.end(y + 2)] == "yz"


def test_canonical_form():
    assert canonical("  Un\r\n\r\n  deux\u00a0 trois ") == "Un deux trois"
    assert canonical(unicodedata.normalize("NFD", "été\ufeff")) == "été"
    assert canonical(" \n ") == ""


def test_detect_unit_by_producer_then_by_word_boundaries():
    text = "😀😀 mot un, 😀 mot deux; 😀😀 mot trois."
    index = UnitIndex(text)
    words = ["mot un", "mot deux", "mot trois"]
    as_points = [(text, index, text.index(w), text.index(w) + len(w)) for w in words]
    as_units = [(text, index, index.to_units(s), index.to_units(e)) for _, _, s, e in as_points]
    assert detect_unit("NVivo for Mac 15.0.0", as_points)[0] == "utf16"
    assert detect_unit("qualcode 0.1.0", as_points)[0] == "utf16"
    unit, why = detect_unit("SomeTool 2", as_points)
    assert unit == "codepoints" and "3 of 3" in why
    assert detect_unit("SomeTool 2", as_units)[0] == "utf16"
    bmp = "plain text only"
    assert detect_unit(None, [(bmp, UnitIndex(bmp), 0, 5)])[0] == "utf16"
