"""Excerpt outputs a researcher pastes as they are (issue 14, R1–R4, R8, R9): Word in
French on A4, Markdown and Excel mirroring the report, the --flat data table,
near-identical passages of two coders shown once, file names that follow filters."""
from __future__ import annotations

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import load_workbook

from qualcode import coding
from qualcode.exports.frames import codes_frame, excerpts_frame
from qualcode.exports.french import number, percent, plural
from .conftest import HOT, PUN


def languages(document) -> set[str]:
    found = {e.get(qn("w:val")) for part in (document.styles.element, document.element)
             for e in part.iter(qn("w:lang"))}
    return found | {document.core_properties.language}


def test_french_words_and_numbers():
    assert plural(1, "entretien") == "1 entretien" and plural(0, "extrait") == "0 extrait"
    assert plural(2, "entretien") == "2 entretiens" and plural(1802, "codage") == "1\u202f802 codages"
    assert percent(5 / 6) == "83\u202f%" and number(0.8123) == "0,81"


@pytest.mark.parametrize("args, landscape", [((), False), (("--by", "transcript", "--out", "cadre.docx"), True)])
def test_word_documents_are_french_and_a4(cli, small, args, landscape):
    command = ("matrix", *args) if args else ("excerpts",)
    result = cli(*command, "-p", small.root, cwd=small.root)
    assert result.code == 0, result.err
    path = small.root / ("cadre.docx" if args else "exports/excerpts.docx")
    document = docx.Document(path)
    assert languages(document) == {"fr-FR"}
    section = document.sections[0]
    size = (round(section.page_width / Cm(1), 1), round(section.page_height / Cm(1), 1))
    assert size == ((29.7, 21.0) if landscape else (21.0, 29.7))


def test_disagreements_document_is_french_and_a4(cli, small, tmp_path):
    out = tmp_path / "d.docx"
    assert cli("disagreements", "--coders", "a", "b", "--out", out, "-p", small.root).code == 0
    document = docx.Document(out)
    assert languages(document) == {"fr-FR"} and round(document.sections[0].page_width / Cm(1), 1) == 21.0


def test_filtered_report_shows_parents_as_context_without_counts(cli, small):
    assert cli("excerpts", "--code", PUN, "--coder", "a", "-p", small.root).code == 0
    path = small.root / "exports" / "excerpts-a-freins-hotel-punaises.docx"  # the name follows the filters
    texts = [p.text for p in docx.Document(path).paragraphs]
    assert "[freins] — contexte (seuls ses sous-codes demandés sont inclus)" in texts
    assert f"[{PUN}] — 2 extraits, 2 entretiens" in texts
    table = docx.Document(path).tables[0]
    assert [r.cells[0].text.split("\n")[0].strip() for r in table.rows[1:]] == ["Punaises de lit"]


def test_markdown_mirrors_the_word_report(cli, small):
    assert cli("excerpts", "--format", "md", "--coder", "a", "-p", small.root).code == 0
    text = (small.root / "exports" / "excerpts-a.md").read_text(encoding="utf-8")
    assert "## Freins\n" in text and "### Conditions hôtelières\n" in text and "#### Punaises de lit\n" in text
    assert "> « Il y a des punaises partout. »" in text
    assert "> — R, entretien U1, usager, hôtel à bas seuil (codage : a)" in text
    assert "**Usagers — 2 extraits, 2 entretiens**" in text
    assert "professionnels_dispositif" not in text and "| quote |" not in text


def test_excel_report_and_flat_table(cli, small):
    p = ["-p", small.root]
    assert cli("excerpts", "--format", "xlsx", *p).code == 0
    wb = load_workbook(small.root / "exports" / "excerpts.xlsx")
    ws = wb["Extraits"]
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref.startswith("A3:F")
    heads = [(r[0].value, r[0].font.b, r[0].alignment.indent) for r in ws.iter_rows(min_row=4) if r[0].font.b]
    assert heads[:3] == [("Freins", True, 0), ("Conditions hôtelières", True, 1), ("Punaises de lit", True, 2)]
    refs = [c.value for c in ws["D"]]
    assert "R1, entretien G1, pilotage, Équipe 19e, 3 personnes" in refs
    synth = wb["Synthèse"]
    assert [c.value for c in synth[1]][:4] == ["Code", "Identifiant", "Extraits", "Entretiens"]
    assert isinstance(synth["C2"].value, int)

    assert cli("excerpts", "--format", "xlsx", "--flat", "--out", small.root / "flat.xlsx", *p).code == 0
    ws = load_workbook(small.root / "flat.xlsx")["Extraits"]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["Code", "Libellé", "Extrait", "Entretien", "Locuteur", "Tour"]
    assert "Type d'acteur" in header and "Personnes" in header
    people = header.index("Personnes") + 1
    assert {ws.cell(r, people).data_type for r in range(2, ws.max_row + 1)} == {"n"}
    assert ws.cell(2, people).value in (1, 3) and ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
    assert cli("excerpts", "--format", "docx", "--flat", *p).code == 1


def test_near_identical_passages_of_two_coders_are_shown_once(cli, small):
    text = small.transcript("U2")["text"]
    start = text.index("Des punaises")
    end = start + len("Des punaises, encore des punaises.")
    coding.add(small, "U2", PUN, "b", start, end - 1)  # b's span: one character shorter than a's
    frame = excerpts_frame(small.store, code=PUN)
    result = cli("excerpts", "--code", PUN, "--format", "md", "-p", small.root)
    assert result.code == 0 and "mix 2 coders (a, b)" in result.err
    md = (small.root / "exports" / "excerpts-freins-hotel-punaises.md").read_text(encoding="utf-8")
    assert md.count("encore des punaises") == 1 and "(codage : a, b)" in md
    from qualcode.exports.excerpts import passages

    assert len(frame) == 4 and len(passages(frame)) == 3  # U1 a and b differ too much (28 of 50 characters)
    assert HOT not in set(passages(frame)["code"])
    assert list(codes_frame(small.store)["id"])[:2] == ["freins", HOT]
