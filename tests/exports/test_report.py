"""The Word report of coded excerpts, read back with python-docx, and its parts
(references, actor labels, the summary per code) on the small project."""
from __future__ import annotations

import docx
import pytest

from qualcode.exports.frames import codes_frame, excerpts_frame
from qualcode.exports.report import actor_columns, actor_label, reference, summary, write_report
from .conftest import EQU, HOT, PUN, SAN


@pytest.mark.parametrize("value, singular, plural", [
    ("usagers", "usager", "Usagers"), ("pilotage", "pilotage", "Pilotage"),
    ("professionnels_dispositif", "professionnel du dispositif", "Professionnels du dispositif"),
    ("premiere_ligne", "professionnel de première ligne", "Professionnels de première ligne"),
    ("partenaires", "partenaire", "Partenaires"), ("elus_locaux", "elus locaux", "Elus locaux"),
])
def test_actor_labels(value, singular, plural):
    assert actor_label(value) == singular and actor_label(value, plural=True) == plural


def test_references():
    assert reference({"transcript": "U07", "actor_type": "usagers", "hotel_type": "bas_seuil",
                      "structure": "Assore", "people": "1"}) == "Entretien U07, usager, hôtel à bas seuil"
    assert reference({"transcript": "P05", "speaker": "Yasmine", "actor_type": "pilotage", "structure": "Gaïa-Paris",
                      "people": "3"}) == "Yasmine, entretien P05, pilotage, Gaïa-Paris, 3 personnes"
    assert reference({"transcript": "P03", "actor_type": "pilotage", "structure": "Assore équipe 19e",
                      "people": "2"}) == "Entretien P03, pilotage, Assore équipe 19e, 2 personnes"
    assert reference({"transcript": "Z1", "actor_type": None, "people": None}) == "Entretien Z1"
    assert actor_columns(["usagers", "autres", "pilotage", "(sans valeur)"]) == [
        "pilotage", "usagers", "autres", "(sans valeur)"]


def test_summary_counts_distinct_passages_with_rollup(small):
    table = summary(excerpts_frame(small.store), codes_frame(small.store))
    assert list(table.columns) == ["label", "excerpts", "interviews", "pilotage", "usagers"]
    # U2's passage coded punaises by a and hotel by b counts once for freins and hotel
    assert table.loc["freins"].tolist()[1:] == [6, 3, 1, 5]
    assert table.loc[HOT].tolist()[1:] == [4, 2, 0, 4]
    assert table.loc[PUN].tolist()[1:] == [3, 2, 0, 3]
    assert table.loc[EQU].tolist()[1:] == [2, 2, 1, 1]
    assert table.loc[SAN].tolist()[1:] == [3, 2, 2, 1]
    assert list(table.index) == ["freins", HOT, PUN, EQU, "benefices", SAN]


def test_word_report_headings_quotes_and_references(cli, small):
    result = cli("excerpts", "-p", small.root)
    assert result.code == 0, result.err
    document = docx.Document(small.root / "exports" / "excerpts.docx")
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == [
        ("Title", "Extraits codés"), ("Heading 1", "Synthèse par code"),
        ("Heading 1", "Freins"), ("Heading 2", "Conditions hôtelières"), ("Heading 3", "Punaises de lit"),
        ("Heading 2", "Équipe débordée"), ("Heading 1", "Bénéfices"), ("Heading 2", "Santé")]
    texts = [p.text for p in document.paragraphs]
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert "« Il y a des punaises partout. »" in quotes and len(quotes) == 10  # G1's equipe: one passage, two coders
    assert "Définition : Punaises et nuisibles." in texts
    # the speaker is named in every reference (issue 14, R1)
    assert "— R, entretien U1, usager, hôtel à bas seuil (codage : a)" in texts
    assert "— R, entretien U2, usager, hôtel à haut seuil (codage : b)" in texts
    assert "— R1, entretien G1, pilotage, Équipe 19e, 3 personnes (codage : a, b)" in texts
    assert "Mémo : reprise des soins (a)" in texts
    # under Santé: pilotage before usagers, quotes in text order
    start = texts.index("Santé")
    groups = [t for t in texts[start:] if " — " in t and " entretien" in t and not t.startswith("[")]
    assert groups == ["Pilotage — 2 extraits, 1 entretien", "Usagers — 1 extrait, 1 entretien"]  # French plurals
    assert texts.index("« Oui, on court. »") < texts.index("« Les soins ont repris. »")
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Code", "Extraits", "Entretiens", "Pilotage", "Usagers"]
    assert [c.text for c in table.rows[3].cells][1:] == ["3", "2", "0", "3"]
    assert table.rows[3].cells[0].text.split("\n")[0].strip() == "Punaises de lit"


def test_report_filtered_empty_and_with_control_characters(small, tmp_path):
    codes = codes_frame(small.store)
    users = excerpts_frame(small.store, code="benefices", where=["actor_type=usagers"])
    path = write_report(users, codes, tmp_path / "r.docx", title="Extraits")
    headings = [p.text for p in docx.Document(path).paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Synthèse par code", "Bénéfices", "Santé"]
    empty = excerpts_frame(small.store, where=["actor_type=partenaires"])
    path = write_report(empty, codes, tmp_path / "empty.docx", title="Extraits", subtitle="aucun")
    assert len(docx.Document(path).tables[0].rows) == 1
    dirty = users.assign(quote="bip\x07 «ok»\x00", memo="\x1b")
    path = write_report(dirty, codes, tmp_path / "dirty.docx", title="Extraits\x0c")
    assert "« bip «ok» »" in [p.text for p in docx.Document(path).paragraphs]


def test_a_failed_report_leaves_the_previous_file(small, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "r.docx"
    path.write_bytes(b"previous")
    no_definitions = codes_frame(small.store).drop(columns="description")  # fails while writing
    with pytest.raises(KeyError):
        write_report(excerpts_frame(small.store), no_definitions, path, title="x")
    assert path.read_bytes() == b"previous" and [p.name for p in folder.iterdir()] == ["r.docx"]
