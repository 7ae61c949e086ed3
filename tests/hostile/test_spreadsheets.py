"""Every csv and xlsx writer on a project whose labels, attribute values, speakers,
coder names, memos and quotes start like formulas: no cell is a live formula (csv
cells get a leading apostrophe, xlsx cells are typed text), the visible text is
kept, and control characters never make an xlsx, docx or qdc export fail."""
from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from qualcode.exports.safe import FORMULA_START

from .conftest import FORMULA

WRITERS = {
    "excerpts": ["excerpts", "--out", "{out}"],
    "matrix": ["matrix", "--out", "{out}"],
    "matrix-structure": ["matrix", "--by", "structure", "-m", "interviews", "--out", "{out}"],
    "framework": ["matrix", "--by", "transcript", "--cells", "excerpts", "--out", "{out}"],
    "cooccurrence": ["cooccurrence", "--out", "{out}"],
    "agreement": ["agreement", "--coders", "=coder-a", "coder-b", "--out", "{out}"],
    "disagreements": ["disagreements", "--coders", "=coder-a", "coder-b", "--out", "{out}"],
}


def run_writer(cli, root: Path, name: str, suffix: str) -> Path:
    out = root.parent / f"{name}{suffix}"
    result = cli(*[a.format(out=out) for a in WRITERS[name]], "-p", root)
    assert result.code == 0, (name, suffix, result.err)
    assert out.is_file()
    return out


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def csv_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_csv_cells_never_start_a_formula(cli, hostile, name):
    cells = csv_cells(run_writer(cli, hostile, name, ".csv"))
    assert cells
    assert not [c for c in cells if c.startswith(FORMULA_START) and not is_number(c)]
    risky = [c for c in cells if c.startswith("'") and c[1:].startswith(FORMULA_START)]
    assert risky or name == "framework"  # the hostile values are there, neutralised (quotes there sit in « »)


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_xlsx_has_no_formula_cell(cli, hostile, name):
    out = run_writer(cli, hostile, name, ".xlsx")
    with zipfile.ZipFile(out) as package:
        sheets = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)
    values = []
    for ws in load_workbook(out).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                values.append(cell.value)
    texts = [v for v in values if isinstance(v, str)]
    assert any(v.startswith(FORMULA_START) for v in texts) or name == "framework"  # text kept as it was
    assert not any("\x07" in v or "\x1b" in v for v in texts)


def test_formula_labels_keep_their_text(cli, hostile):
    out = run_writer(cli, hostile, "matrix", ".xlsx")
    ws = load_workbook(out).worksheets[0]
    assert FORMULA in [c.value for row in ws.iter_rows() for c in row]
    assert f"'{FORMULA}" in csv_cells(run_writer(cli, hostile, "matrix", ".csv"))


@pytest.mark.parametrize("args", [["excerpts", "--out", "{out}.docx"],
                                  ["matrix", "--by", "transcript", "--cells", "excerpts", "--out", "{out}.docx"],
                                  ["disagreements", "--coders", "=coder-a", "coder-b", "--out", "{out}.docx"],
                                  ["codebook", "export", "--format", "docx", "--out", "{out}.docx"],
                                  ["codebook", "export", "--format", "qdc", "--out", "{out}.qdc"],
                                  ["codebook", "export", "--format", "md", "--out", "{out}.md"],
                                  ["excerpts", "--out", "{out}.json"], ["excerpts", "--out", "{out}.md"]])
def test_control_characters_never_break_an_export(cli, hostile, args):
    out = str(hostile.parent / "export")
    result = cli(*[a.format(out=out) for a in args], "-p", hostile)
    assert result.code == 0, result.err
    written = Path(args[-1].format(out=out))
    if written.suffix == ".docx":
        text = "\n".join(p.text for p in Document(written).paragraphs)
        text += "".join(c.text for t in Document(written).tables for r in t.rows for c in r.cells)
        assert "Leviers" in text and "\x07" not in text
    elif written.suffix == ".qdc":
        data = written.read_text(encoding="utf-8")
        assert "@Leviers [31mrouge" in data and "\x07" not in data
    else:
        assert written.stat().st_size > 0
