"""Matching one text: accents, case, ligatures and wildcards, with offsets that
point at the original characters even where folding changes the length."""
from __future__ import annotations

import pytest

from qualcode.errors import QualcodeError
from qualcode.search.match import compile_pattern, find_literal, fold
from qualcode.text import folded_accentless


def spans(text: str, pattern: str) -> list[str]:
    return [text[s:e] for s, e in find_literal(text, compile_pattern(pattern))]


def test_fold_drops_case_accents_and_ligatures():
    assert fold("Hébergé À l’HÔTEL") == "heberge a l'hotel"
    assert fold("Œuvre Straße ﬁn İ") == "oeuvre strasse fin i"


def test_folded_positions_map_back_to_original_characters():
    text = "Straße\u00a0 Œuf"
    haystack = folded_accentless(text)
    assert haystack.text == "strasse oeuf"
    assert [haystack.original(p) for p in range(len(haystack.text) + 1)] == [
        0, 1, 2, 3, 4, None, 5, 6, 8, None, 9, 10, 11]


def test_accents_and_case_are_optional_both_ways():
    text = "L'hébergement à l'HÔTEL. Hebergement d'urgence."
    assert spans(text, "hebergement") == ["hébergement", "Hebergement"]
    assert spans(text, "HÉBERGEMENT") == ["hébergement", "Hebergement"]
    assert spans(text, "l'hotel") == ["l'HÔTEL"]
    assert spans(text, "l’hôtel") == ["l'HÔTEL"]  # typographic apostrophe in the pattern


def test_whole_words_unless_a_wildcard_is_given():
    text = "Les punaises, une punaise. Punaisée ? Apunaise."
    assert spans(text, "punaise") == ["punaise"]
    assert spans(text, "punaise*") == ["punaises", "punaise", "Punaisée"]
    assert spans(text, "*punaise") == ["punaise", "Apunaise"]
    assert spans(text, "p*e") == ["punaise", "Punaisée"]


def test_offsets_stay_exact_after_characters_whose_fold_is_longer():
    # ß -> ss, ﬁ -> fi, Œ -> oe, İ -> i + dot: the folded text is longer than the original
    text = "Große ﬁle İci. Œuvre des « Punaises » à l'hôtel"
    start = text.index("Punaises")
    assert find_literal(text, compile_pattern("punaises")) == [(start, start + len("Punaises"))]
    oeuvre = text.index("Œuvre")
    assert find_literal(text, compile_pattern("oeuvre")) == [(oeuvre, oeuvre + 5)]
    assert spans(text, "grosse") == ["Große"]
    assert spans(text, "file ici") == ["ﬁle İci"]


def test_phrases_cross_line_breaks_and_runs_of_spaces():
    text = "des punaises\n  de lit, des punaises   de   lit"
    assert spans(text, "punaises de lit") == ["punaises\n  de lit", "punaises   de   lit"]


@pytest.mark.parametrize("pattern", ["", "   ", "*", "* *"])
def test_an_empty_pattern_is_refused(pattern):
    with pytest.raises(QualcodeError, match="empty"):
        compile_pattern(pattern)


def test_regex_characters_are_literal():
    assert spans("(sic) [rires] 3.5 a+b", "(sic)") == ["(sic)"]
    assert spans("(sic) [rires] 3.5 a+b", "3.5") == ["3.5"]
    assert spans("(sic) [rires] 3x5 a+b", "3.5") == []
