"""Export files: each format opens with its own reader; writes are atomic."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.formatting.rule import ColorScale
from PIL import Image

from qualcode.errors import QualcodeError
from qualcode.exports.files import atomic_write, write_matrix, write_rows
from qualcode.exports.matrix import framework_matrix, theme_matrices
from .test_matrix import EXCERPTS, TRANSCRIPTS, UNITS, make_codes

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def frames():
    return theme_matrices(UNITS, TRANSCRIPTS, make_codes())


def test_xlsx_sheets_header_values_and_formatting(tmp_path, frames):
    path = write_matrix(frames, tmp_path / "out" / "matrice.xlsx", title="Thèmes par type d'acteur")
    assert path.exists() and [p.name for p in path.parent.iterdir()] == ["matrice.xlsx"]
    wb = load_workbook(path)
    assert wb.sheetnames == ["Segments codés", "Entretiens", "Personnes", "Part des entretiens"]
    ws = wb["Segments codés"]
    assert ws["A1"].value == "Thèmes par type d'acteur — Segments codés" and ws["A1"].font.bold  # title row
    header = [c.value for c in ws[3]]
    assert header == ["Code", "Libellé", "hotelier", "professionnel", "usager", "(sans valeur)", "Total"]
    assert all(c.font.bold for c in ws[3])
    assert ws.freeze_panes == "C4"
    assert [c.value for c in ws[6]] == ["freins/usagers/conditions-hotelieres", "Conditions hôtelières",
                                        0, 1, 2, 0, 3]
    assert ws["B4"].font.bold and not ws["B6"].font.bold and ws["B6"].alignment.indent == 2  # hierarchy
    assert ws.column_dimensions["A"].width > len("freins/usagers/conditions-hotelieres")
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert len(rules) == 4 and all(isinstance(r.colorScale, ColorScale) for r in rules)
    assert len(rules[0].colorScale.color) == 3
    ranges = sorted(str(cf.sqref) for cf in ws.conditional_formatting)
    assert ranges == ["C4:C10", "D4:D10", "E4:E10", "F4:F10"]  # each attribute column on its own scale, not Total
    share = wb["Part des entretiens"]
    assert share["E7"].value == pytest.approx(2 / 3) and share["E7"].number_format == "0%"  # usager, punaises
    assert share["G7"].number_format == "0%"
    assert wb["Personnes"]["E6"].value == 4


def test_xlsx_framework_excerpts_are_text_and_wrapped(tmp_path):
    excerpts = EXCERPTS.copy()
    excerpts.loc[0, "quote"] = "=SUM(A1) " + "long " * 30 + "\x0b"
    cells = framework_matrix(excerpts, TRANSCRIPTS, make_codes(), cells="excerpts")
    path = write_matrix({"excerpts": cells}, tmp_path / "cadre.xlsx", title="Cadre")
    ws = load_workbook(path)["Extraits"]
    assert [c.value for c in ws[3]][:2] == ["Entretien", "freins/usagers/conditions-hotelieres"]
    assert ws.freeze_panes == "B4"
    u1 = next(row for row in ws.iter_rows(min_row=4) if row[0].value == "U1")
    assert u1[1].value.startswith("« =SUM(A1) long") and u1[1].data_type == "s"
    assert u1[1].alignment.wrap_text
    assert not list(ws.conditional_formatting)


def test_csv_reads_back(tmp_path, frames):
    path = write_matrix(frames, tmp_path / "m.csv", title="t")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig", index_col="code")
    assert list(back.columns) == ["label", "hotelier", "professionnel", "usager", "(sans valeur)", "Total"]
    assert back.loc["freins/usagers/punaises", "usager"] == 3  # the first measure: segments
    assert back.loc["freins/usagers/conditions-hotelieres", "label"] == "Conditions hôtelières"


def test_markdown_table(tmp_path, frames):
    text = write_matrix(frames, tmp_path / "m.md", title="Thèmes").read_text(encoding="utf-8")
    assert text.startswith("# Thèmes\n")
    assert "## Segments codés" in text and "## Part des entretiens" in text
    assert "| Code | Libellé | hotelier | professionnel | usager | (sans valeur) | Total |" in text
    assert "|---|---|---:|---:|---:|---:|---:|" in text
    # children indented under their parent (bold); shares in French ("67 %") (issue 14)
    assert "| freins/usagers/punaises | \u2003\u2003Punaises de lit | 0 | 1 | 3 | 0 | 4 |" in text
    assert ("| freins/usagers/punaises | \u2003\u2003Punaises de lit | 0\u202f% | 100\u202f% | 67\u202f% | 0\u202f% "
            "| 43\u202f% |") in text
    assert "| freins | **Freins** |" in text


def test_json_round_trip(tmp_path, frames):
    data = json.loads(write_matrix(frames, tmp_path / "m.json", title="t").read_text(encoding="utf-8"))
    assert list(data) == ["segments", "interviews", "people", "share"]
    seg = data["segments"]
    assert seg["columns"] == ["hotelier", "professionnel", "usager", "(sans valeur)", "Total"]
    back = pd.DataFrame(seg["rows"]).set_index("code")
    assert back.equals(frames["segments"])
    assert data["share"]["rows"][3]["usager"] == pytest.approx(2 / 3)


def png_size(path):
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    with Image.open(path) as image:
        return image.size


def test_png_heatmap(tmp_path, frames):
    small = png_size(write_matrix({"segments": frames["segments"].iloc[:2]}, tmp_path / "s.png", title="t"))
    big = png_size(write_matrix(frames, tmp_path / "b.png", title="Thèmes par type d'acteur"))
    assert big[0] >= 600 and big[1] > small[1]
    labels = {"freins/usagers/conditions-hotelieres": "Conditions " * 10}
    counts = framework_matrix(EXCERPTS, TRANSCRIPTS, make_codes())
    wide = png_size(write_matrix({"count": counts}, tmp_path / "f.png", title="Cadre", labels=labels))
    assert wide[1] > 300
    with pytest.raises(QualcodeError, match="needs numbers"):
        write_matrix({"excerpts": framework_matrix(EXCERPTS, TRANSCRIPTS, make_codes(), cells="excerpts")},
                     tmp_path / "x.png", title="t")
    assert not (tmp_path / "x.png").exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "b.png", "f.png", "s.png"]


def test_atomic_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "deep" / "er" / "m.csv"
    atomic_write(target, lambda tmp: tmp.write_text("old"))
    assert target.read_text() == "old"

    def broken(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in target.parent.iterdir()] == ["m.csv"]
    atomic_write(target, lambda tmp: tmp.write_text("new"))
    assert target.read_text() == "new" and len(list(target.parent.iterdir())) == 1


def test_unknown_suffix(tmp_path, frames):
    with pytest.raises(QualcodeError, match=r"unknown export format '\.x' \(csv, xlsx, md, json, png\)"):
        write_matrix(frames, tmp_path / "m.x", title="t")
    with pytest.raises(QualcodeError, match="unknown export format"):
        write_rows([], tmp_path / "r.png", columns=["a"])
    assert list(tmp_path.iterdir()) == []


ROWS = [{"code": "freins/usagers/punaises", "quote": "des punaises | partout\nvraiment", "transcript": "U1",
         "start": 5, "memo": None},
        {"code": "leviers", "quote": "long " * 40, "transcript": "P1", "start": 0, "extra": "ignored"}]
COLS = ["transcript", "code", "quote", "start", "memo"]


def test_write_rows(tmp_path):
    back = pd.read_csv(write_rows(ROWS, tmp_path / "r.csv", columns=COLS), encoding="utf-8-sig")
    assert list(back.columns) == COLS and back["start"].tolist() == [5, 0]
    data = json.loads(write_rows(ROWS, tmp_path / "r.json", columns=COLS).read_text(encoding="utf-8"))
    assert data[0] == {"transcript": "U1", "code": "freins/usagers/punaises",
                       "quote": "des punaises | partout\nvraiment", "start": 5, "memo": None}
    md = write_rows(ROWS, tmp_path / "r.md", columns=COLS, title="Extraits").read_text(encoding="utf-8")
    assert "| transcript | code | quote | start | memo |" in md
    assert "des punaises \\| partout<br>vraiment" in md
    ws = load_workbook(write_rows(ROWS, tmp_path / "r.xlsx", columns=COLS)).active
    assert ws.title == "Extraits" and [c.value for c in ws[1]] == COLS and ws[1][0].font.bold
    assert ws.freeze_panes == "A2" and ws["C3"].alignment.wrap_text and ws["D2"].value == 5
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width
