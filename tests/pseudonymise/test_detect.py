"""Detectors on small French texts: patterns, project list, NER filters, combination."""
from __future__ import annotations

import pytest

from qualcode.pseudonymise import patterns
from qualcode.pseudonymise.combine import combine, propagate
from qualcode.pseudonymise.forms import fold, form_key, occurrences
from qualcode.pseudonymise.lists import is_coarse_place, list_candidates, speaker_names
from qualcode.pseudonymise.patterns import Candidate


def kinds(cands):
    return {(c.text, c.kind, c.subtype) for c in cands}


def test_fold_keeps_offsets_and_groups_accents_and_case():
    assert fold("Élodie’s") == "elodie's" and len(fold("Élodie’s")) == len("Élodie’s")
    assert form_key("  ÉLODIE ") == form_key("elodie") == "elodie"
    text = "Élodie et elodie, pas Elodiette ni Karima."
    assert [(s, e) for s, e, _ in occurrences(text, {"elodie", "karim"})] == [(0, 6), (10, 16)]


def test_patterns_find_contacts_places_titles_and_ages():
    text = ("Bonjour Monsieur Fabrice. J'habite au 12 bis rue de la Chapelle, 75018 Paris ; appelez le "
            "06 12 34 56 78 ou karim.b@example.org. Il a quarante-sept ans, il a dix ans de rue. "
            "Monsieur Ousmane. Quarante-cinq ans, à la rue. Née le 3 mars 1980, à la porte de la Villette, "
            "place Stalingrad, hôtel Bellevue, métro Jaurès, Mme Diallo. Je vais à la place de l'autre.")
    found = kinds(patterns.detect(text))
    assert ("Fabrice", "person", "M") in found and ("Diallo", "person", "F") in found
    assert ("12 bis rue de la Chapelle, 75018 Paris", "contact", "adresse") in found
    assert ("06 12 34 56 78", "contact", "téléphone") in found
    assert ("karim.b@example.org", "contact", "courriel") in found
    assert ("quarante-sept ans", "date", "âge") in found and ("Quarante-cinq ans", "date", "âge") in found
    assert not any(t == "dix ans" for t, _, _ in found)  # a duration, not an age
    assert ("3 mars 1980", "date", "date de naissance") in found
    for place in ("porte de la Villette", "place Stalingrad", "hôtel Bellevue", "métro Jaurès"):
        assert any(t == place and k == "place" for t, k, _ in found), place
    assert not any("autre" in t for t, _, _ in found)


def test_project_list_and_speakers():
    assert speaker_names(["E", "R1", "Enquêtrice", "Monsieur Fabrice", "Claire", None]) == {"Fabrice", "Claire"}
    cands = list_candidates("Claire et CLAIRE, pas Clairette.", {"claire": "person"})
    assert [(c.start, c.end, c.source) for c in cands] == [(0, 6, "list"), (10, 16, "list")]


def test_coarse_places_are_cities_countries_regions():
    assert all(is_coarse_place(p) for p in ("Paris", "Roubaix", "Montreuil", "Algérie", "Normandie", "à Pantin"))
    assert not any(is_coarse_place(p) for p in ("Stalingrad", "La Chapelle", "Forceval", "Jardins d'Éole"))


def test_combine_resolves_overlaps_and_the_allow_list():
    text = "Écrivez à elodie.martin@example.org ou à l'hôtel Assore, Karim Benali."
    cands = [Candidate(10, 16, "elodie", "person", "list", 1.0),
             Candidate(10, 35, "elodie.martin@example.org", "contact", "pattern", 0.95, "courriel"),
             Candidate(42, 56, "hôtel Assore", "place", "pattern", 0.85, "hôtel"),
             Candidate(58, 63, "Karim", "person", "ner", 0.8),
             Candidate(58, 70, "Karim Benali", "person", "ner", 0.5)]
    out = combine(cands, {"assore"})
    assert [(c.text, c.source) for c in out] == [("elodie.martin@example.org", "pattern+list"),
                                                 ("Karim Benali", "ner")]
    assert out[0].score > 0.95  # two sources agree


def test_allow_listed_word_after_a_title_is_a_person():
    text = "Madame Aurore travaille à Aurore."
    out = combine(patterns.detect(text) + [Candidate(26, 32, "Aurore", "org", "ner", 0.5)], {"aurore"})
    assert [(c.start, c.text, c.kind) for c in out] == [(7, "Aurore", "person")]


def test_propagation_skips_common_words_in_lower_case():
    text = "Claire arrive. C'est claire ? Avec Claire, oui. Karim et karim."
    forms = {"claire": {"kind": "person", "score": 1.0, "lexical": True},
             "karim": {"kind": "person", "score": 0.8, "lexical": False}}
    out = propagate(text, forms, [])
    assert [(c.start, c.text) for c in out] == [(35, "Claire"), (48, "Karim"), (57, "karim")]


@pytest.fixture(scope="module")
def ner_store(tmp_path_factory):
    from qualcode.store import Store

    store = Store(tmp_path_factory.mktemp("ner") / "q.db", create=True)
    yield store
    store.close()


def test_ner_detector_filters_speech_noise_and_caches(ner_store):
    from qualcode.pseudonymise.ner import NerDetector, ner_candidates

    text = ("Bonjour Monsieur Fabrice. Regardez, j'étais à Stalingrad avec Rachid, puis à Roubaix. "
            "Bizarre. Heureusement Assore m'a aidé.")
    segments = [{"start": 0, "end": len(text)}]
    detector = NerDetector(ner_store, "sm")
    found = {c.text for c in ner_candidates(detector, text, segments)}
    assert "Rachid" in found
    assert not found & {"Regardez", "Bizarre", "Roubaix", "Bonjour Monsieur Fabrice", "Heureusement Assore"}
    assert detector.parsed == 1
    again = NerDetector(ner_store, "sm")
    assert {c.text for c in ner_candidates(again, text, segments)} == found and again.parsed == 0


def test_replacement_keeps_readable_case():
    from qualcode.pseudonymise.replace import fit_case, label_for

    assert fit_case("Rue de la Paix", "[rue A]") == "[Rue A]" and fit_case("rue de la Paix", "[rue A]") == "[rue A]"
    assert fit_case("Villette", "[lieu B]") == "[lieu B]" and fit_case("Karim", "Julien") == "Julien"
    assert label_for("person", "", ["[Prénom 1]", "[Prénom 2]"]) == "[Prénom 3]"
    assert label_for("place", "hôtel", ["[hôtel A]"]) == "[hôtel B]" and label_for("contact", "téléphone", []) == "[téléphone]"
