"""Fuzzy search of the code picker: accents optional, subsequences, ranking."""
from __future__ import annotations

from qualcode.tui.fuzzy import fold, rank, score

LABELS = [
    "Accompagnement médical",
    "Conditions hôtelières",
    "Changements de chambre",
    "Bénéfices",
    "Bénéfices pour la santé",
    "Cohérence des hébergements",
    "Santé mentale",
    "Œuvres sociales",
]


def test_fold_removes_accents_case_and_ligatures():
    assert fold("Bénéfices") == "benefices"
    assert fold("HÔTELIÈRES") == "hotelieres"
    assert fold("Œuvre d’art") == "oeuvre d'art"
    assert fold("ça, déjà") == "ca, deja"


def test_accents_are_optional_in_both_directions():
    assert score("hotel", "Conditions hôtelières") is not None
    assert score("benef", "Bénéfices") is not None
    assert score("hôtel", "conditions-hotelieres") is not None
    assert score("oeuvre", "Œuvres sociales") is not None


def test_subsequence_matching():
    assert score("cdh", "Conditions hôtelières") is not None  # C-onditions, D, H-ôtelières
    assert score("cond hot", "Conditions hôtelières") is not None  # spaces are ignored
    assert score("hotelx", "Conditions hôtelières") is None
    assert score("sc", "cs") is None  # order matters
    assert score("", "anything") == 0.0


def test_word_starts_and_contiguous_runs_score_higher():
    # "ch" at the start of a word beats "c…h" scattered over a word
    assert score("ch", "Changements de chambre") > score("ch", "Cohérence des hébergements")
    # a contiguous run beats the same letters spread out
    assert score("sante", "Santé mentale") > score("sante", "Stations de lavage et entretien")
    # word starts: "cd" in "Cohérence Des" beats "cd" inside one word
    assert score("cd", "Cohérence des hébergements") > score("cd", "Accordée")


def test_rank_orders_french_labels():
    assert rank("hotel", LABELS) == ["Conditions hôtelières"]
    assert rank("benef", LABELS)[:2] == ["Bénéfices", "Bénéfices pour la santé"]
    assert rank("sante", LABELS) == ["Santé mentale", "Bénéfices pour la santé"]
    ranked = rank("ch", LABELS)
    assert ranked[0] == "Changements de chambre"
    assert set(ranked) >= {"Conditions hôtelières", "Cohérence des hébergements"}
    assert rank("", LABELS) == LABELS  # empty query keeps the given order


def test_rank_with_several_texts_per_item():
    codes = [("freins/usagers/conditions-hotelieres", "Conditions hôtelières"),
             ("benefices/sante", "Santé retrouvée"),
             ("profil/situation-sociale", "Situation sociale")]
    # the id matches even when the label does not ("benef" is only in the id)
    assert rank("benef", codes, key=lambda c: c) == [codes[1]]
    assert rank("usag", codes, key=lambda c: c) == [codes[0]]
    assert rank("sociale", codes, key=lambda c: c)[0] == codes[2]


def test_weighted_texts_let_keywords_find_a_code_after_names():
    from types import SimpleNamespace

    from qualcode.tui.fuzzy import rank

    codes = [SimpleNamespace(label="Pratiques non harmonisées", id="freins/internes/harmonisation", keywords=[]),
             SimpleNamespace(label="Conditions hôtelières", id="freins/usagers/conditions-hotelieres",
                             keywords=["punaise de lit", "cafard"]),
             SimpleNamespace(label="Punaises (famille test)", id="x/punaises", keywords=[])]

    def key(c):
        return [c.label, c.id, *((k, 0.8) for k in c.keywords)]

    ranked = [c.id for c in rank("punais", codes, key=key)]
    assert ranked[0] == "x/punaises"          # a label match first
    assert ranked[1] == "freins/usagers/conditions-hotelieres"  # then the keyword match
    assert ranked[2] == "freins/internes/harmonisation"         # the scattered subsequence last
