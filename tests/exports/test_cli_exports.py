"""`qualcode matrix`, `cooccurrence` and `excerpts` on the small project (conftest.py).

Columns by actor type: pilotage (G1, 3 people), partenaires (X1, no coding),
usagers (U1, U2), Total. Units after roll-up, every coder (turn numbers):
    U1: 2 punaises hotel freins | 3 sante benefices | 4 sante benefices equipe freins
    U2: 2 punaises hotel freins
    G1: 2 equipe freins | 3 sante benefices (b only) | 5 sante benefices (a only)
"""
from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook
from PIL import Image

from .conftest import EQU, HOT, PUN, SAN

ROWS = ["freins", HOT, PUN, EQU, "benefices", SAN]
UNION = {  # pilotage, partenaires, usagers, Total
    "segments": {"freins": [1, 0, 3, 4], HOT: [0, 0, 2, 2], PUN: [0, 0, 2, 2], EQU: [1, 0, 1, 2],
                 "benefices": [2, 0, 2, 4], SAN: [2, 0, 2, 4]},
    "interviews": {"freins": [1, 0, 2, 3], HOT: [0, 0, 2, 2], PUN: [0, 0, 2, 2], EQU: [1, 0, 1, 2],
                   "benefices": [1, 0, 1, 2], SAN: [1, 0, 1, 2]},
    "people": {"freins": [3, 0, 2, 5], HOT: [0, 0, 2, 2], PUN: [0, 0, 2, 2], EQU: [3, 0, 1, 4],
               "benefices": [3, 0, 1, 4], SAN: [3, 0, 1, 4]},
    "share": {"freins": [1, 0, 1, 0.75], HOT: [0, 0, 1, 0.5], PUN: [0, 0, 1, 0.5], EQU: [1, 0, 0.5, 0.5],
              "benefices": [1, 0, 0.5, 0.5], SAN: [1, 0, 0.5, 0.5]},
}


def run_json(cli, small, *args):
    result = cli("matrix", "--project", small.root, "--json", *args)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    return {m: (d["columns"], {r.get("code", r.get("transcript")): [r[c] for c in d["columns"]] for r in d["rows"]})
            for m, d in data.items()}


def test_every_measure_with_rollup_and_a_group_interview(cli, small):
    args = [a for m in UNION for a in ("--measure", m)]
    data = run_json(cli, small, *args)
    assert list(data) == list(UNION)
    for measure, expected in UNION.items():
        columns, rows = data[measure]
        assert columns == ["pilotage", "partenaires", "usagers", "Total"]
        assert list(rows) == ROWS
        for code, values in expected.items():
            assert rows[code] == pytest.approx(values), (measure, code)


def test_levels_codes_and_another_attribute(cli, small):
    assert list(run_json(cli, small, "--level", "family")["segments"][1]) == ["freins", "benefices"]
    assert list(run_json(cli, small, "--level", "leaf")["segments"][1]) == [PUN, EQU, SAN]
    assert list(run_json(cli, small, "--level", "2")["segments"][1]) == ["freins", HOT, EQU, "benefices", SAN]
    assert list(run_json(cli, small, "--code", HOT)["segments"][1]) == [HOT, PUN]
    columns, rows = run_json(cli, small, "--by", "hotel_type", "--measure", "interviews")["interviews"]
    assert columns == ["bas_seuil", "haut_seuil", "(sans valeur)", "Total"]
    assert rows[PUN] == [1, 1, 0, 2] and rows[EQU] == [1, 0, 1, 2]


def test_single_coder_union_and_agreement(cli, small):
    # coder b coded U1, U2 and G1: X1 (partenaires) leaves the columns
    columns, b = run_json(cli, small, "--coder", "b")["segments"]
    assert columns == ["pilotage", "usagers", "Total"]
    assert b == {"freins": [1, 2, 3], HOT: [0, 2, 2], PUN: [0, 1, 1], EQU: [1, 0, 1],
                 "benefices": [1, 0, 1], SAN: [1, 0, 1]}
    assert run_json(cli, small, "--coder", "b", "--measure", "share")["share"][1][PUN] == pytest.approx([0, 0.5, 1 / 3])
    union = run_json(cli, small, "--coder", "a", "--coder", "b")["segments"][1]
    assert union["benefices"] == [2, 2, 4]  # X1 uncoded: no partenaires column
    # agreement after roll-up: U2 turn 2 is punaises for a, hotel for b -> they agree on hotel
    _, agreed = run_json(cli, small, "--agreement-only")["segments"]
    assert agreed == {"freins": [1, 2, 3], HOT: [0, 2, 2], PUN: [0, 1, 1], EQU: [1, 0, 1],
                      "benefices": [0, 0, 0], SAN: [0, 0, 0]}


def test_terminal_table_shows_labels_and_shares(cli, small, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = cli("matrix", "--project", small.root, "--measure", "share", "--measure", "people")
    assert result.code == 0, result.err
    assert "Part des entretiens" in result.out and "Personnes" in result.out
    assert "1/2 (50 %)" in result.out and "3/4 (75 %)" in result.out
    assert "    Punaises de lit" in result.out  # indented by depth


def test_refusals(cli, small):
    for args in (["--measure", "words"], ["--cells", "excerpts"], ["--by", "transcript", "--agreement-only"],
                 ["--coder", "zed"], ["--agreement-only", "--coder", "a"], ["--by", "sexe"], ["--level", "deep"],
                 ["--code", "nope"], ["--out", "m.txt"]):
        result = cli("matrix", "--project", small.root, *args)
        assert result.code == 1 and result.err.startswith("qualcode: error:"), args


def test_xlsx_gets_every_measure_when_one_is_asked(cli, small, tmp_path):
    path = tmp_path / "out" / "matrice.xlsx"
    result = cli("matrix", "--project", small.root, "--measure", "share", "--out", path)
    assert result.code == 0 and "wrote" in result.out
    wb = load_workbook(path)
    assert wb.sheetnames == ["Part des entretiens", "Segments codés", "Entretiens", "Personnes"]
    ws = wb["Personnes"]
    # a title row, a row saying measure, coders, date (issue 14), then French labels with n per column
    assert ws["A1"].value.startswith("Matrice thématique par type d’acteur — tous les codeurs")
    assert "Mesures : part des entretiens, segments codés, entretiens, personnes" in ws["A2"].value
    assert [c.value for c in ws[3]] == ["Code", "Libellé", "Pilotage (n = 1)", "Partenaires (n = 1)",
                                       "Usagers (n = 2)", "Total (n = 4)"]
    assert [c.value for c in ws[7]] == [EQU, "Équipe débordée", 3, 0, 1, 4]
    assert [c.value for c in wb["Part des entretiens"][4]][2:] == [1, 0, 1, 0.75]
    path2 = tmp_path / "two.xlsx"
    assert cli("matrix", "-p", small.root, "-m", "people", "-m", "segments", "--out", path2).code == 0
    assert load_workbook(path2).sheetnames == ["Personnes", "Segments codés"]


def test_png_csv_md_json_files(cli, small, tmp_path):
    for suffix in ("png", "csv", "md", "json"):
        assert cli("matrix", "-p", small.root, "-m", "interviews", "--out", tmp_path / f"m.{suffix}").code == 0
    with Image.open(tmp_path / "m.png") as image:
        assert image.format == "PNG" and image.size[0] >= 600 and image.size[1] >= 300
    with open(tmp_path / "m.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["code", "label", "pilotage", "partenaires", "usagers", "Total"]
    assert rows[1] == ["freins", "Freins", "1", "0", "2", "3"]
    md = (tmp_path / "m.md").read_text(encoding="utf-8")
    assert "| freins | **Freins** | 1 | 0 | 2 | 3 |" in md  # parents in bold, children indented (issue 14)
    assert "| benefices/sante | \u2003Santé |" in md and "| Pilotage (n = 1) |" in md
    assert json.loads((tmp_path / "m.json").read_text())["interviews"]["rows"][0]["Total"] == 3


def test_framework_matrix_counts_and_excerpts(cli, small, tmp_path):
    columns, rows = run_json(cli, small, "--by", "transcript")["count"]
    assert columns == ["freins", "benefices"]  # level family by default
    assert rows == {"G1": [2, 2], "U1": [4, 1], "U2": [2, 0], "X1": [0, 0]}
    columns, quotes = run_json(cli, small, "--by", "transcript", "--cells", "excerpts", "--level", "leaf")["excerpts"]
    # the leaf level keeps the codings made directly on a parent in a column of their own (issue 14, R7)
    assert columns == [HOT, PUN, EQU, SAN]
    assert quotes["U2"][:2] == ["« Des punaises, encore des punaises. »"] * 2  # hotel (b) and punaises (a)
    assert quotes["G1"][2:] == ["« On manque de temps, vraiment. »", "« Oui, on court. »\n\n« Les soins ont repris. »"]
    result = cli("matrix", "-p", small.root, "--by", "transcript")
    assert result.code == 0 and "Bénéfices" in result.out and "U1" in result.out
    path = tmp_path / "cadre.xlsx"
    assert cli("matrix", "-p", small.root, "--by", "transcript", "--out", path).code == 0
    wb = load_workbook(path)
    assert wb.sheetnames == ["Codages", "Extraits"]
    assert [c.value for c in wb["Codages"][3]] == ["Entretien", "Type d'acteur", "Freins", "Bénéfices"]  # labels
    assert [c.value for c in wb["Codages"][5]] == ["U1", "usager", 4, 1]


def test_framework_matrix_to_word(cli, small, tmp_path, monkeypatch):
    import docx

    path = tmp_path / "cadre.docx"
    result = cli("matrix", "-p", small.root, "--by", "transcript", "--cells", "excerpts", "--out", path)
    assert result.code == 0 and "warning" not in result.err
    table = docx.Document(path).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Entretien", "Freins", "Bénéfices"]
    assert table.rows[1].cells[0].text.startswith("G1") and "pilotage" in table.rows[1].cells[0].text
    assert "« On manque de temps, vraiment. »" in table.rows[1].cells[1].text
    monkeypatch.setattr("qualcode.exports.report.MAX_WORD_COLUMNS", 2)
    result = cli("matrix", "-p", small.root, "--by", "transcript", "--level", "all", "--out", path)
    assert result.code == 0 and "6 codes as columns" in result.err


def test_cooccurrence(cli, small, tmp_path):
    def square(*args):
        result = cli("cooccurrence", "-p", small.root, "--json", *args)
        assert result.code == 0, result.err
        (mode, data), = json.loads(result.out).items()
        return mode, {r["code"]: [r[c] for c in data["columns"]] for r in data["rows"]}

    # overlap: U1's equipe coding lies inside its sante coding; diagonals count codings
    assert square() == ("overlap", {PUN: [3, 0, 0], EQU: [0, 3, 1], SAN: [0, 1, 3]})
    # same turn: U1 turn 4 holds equipe and sante; diagonals count turns
    assert square("--mode", "segment") == ("segment", {PUN: [2, 0, 0], EQU: [0, 2, 1], SAN: [0, 1, 4]})
    assert square("--coder", "b")[1][SAN] == [0, 0, 1]
    result = cli("cooccurrence", "-p", small.root)
    assert result.code == 0 and "Équipe débordée" in result.out and "Santé" in result.out
    assert cli("cooccurrence", "-p", small.root, "--level", "all", "--out", tmp_path / "co.xlsx").code == 0
    assert load_workbook(tmp_path / "co.xlsx").sheetnames == ["Chevauchements"]
    assert cli("cooccurrence", "-p", small.root, "--mode", "turn").code == 1


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv", "json", "md"])
def test_excerpts_in_every_format(cli, small, fmt):
    result = cli("excerpts", "--format", fmt, cwd=small.root)
    path = small.root / "exports" / f"excerpts.{fmt}"
    assert result.code == 0, result.err
    assert "wrote 11 excerpts (4 codes, 3 interviews)" in result.out and path.is_file()
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left
    if fmt == "json":
        rows = json.loads(path.read_text(encoding="utf-8"))
        assert len(rows) == 11 and rows[0]["code"] == HOT and rows[0]["speaker"] == "R"
        assert {"quote", "transcript", "segment", "actor_type", "hotel_type", "coder", "memo", "start", "end"} <= set(rows[0])
    elif fmt == "csv":
        with open(path, encoding="utf-8-sig") as handle:
            assert len(list(csv.DictReader(handle))) == 11
    elif fmt == "xlsx":
        ws = load_workbook(path)["Extraits"]  # the report: a row per code, then its passages (issue 14)
        assert [c.value for c in ws[3]][:4] == ["Code", "Type d'acteur", "Extrait", "Référence"]
        assert "« Il y a des punaises partout. »" in [c.value for c in ws["C"]]
    elif fmt == "md":
        assert "Il y a des punaises partout." in path.read_text(encoding="utf-8")


def test_excerpts_filters_and_paths(cli, small, tmp_path):
    out = tmp_path / "u.json"
    result = cli("excerpts", "-p", small.root, "--where", "actor_type=usagers", "--coder", "b", "--out", out)
    assert result.code == 0 and "wrote 2 excerpts" in result.out
    assert {r["transcript"] for r in json.loads(out.read_text())} == {"U1", "U2"}
    result = cli("excerpts", "-p", small.root, "--code", "benefices", "--outdir", tmp_path / "x", "-f", "csv")
    assert result.code == 0 and (tmp_path / "x" / "excerpts-benefices.csv").is_file() and "wrote 3 excerpts" in result.out
    assert cli("excerpts", "-p", small.root, "--format", "csv", "--out", tmp_path / "e.json").code == 1
    assert cli("excerpts", "-p", small.root, "--format", "pdf").code == 1
    assert cli("excerpts", "-p", small.root, "--where", "age=30").code == 1
