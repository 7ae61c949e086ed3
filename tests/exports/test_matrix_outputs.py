"""Matrices for a report page (issue 14, R5–R7, R9): n per column, title row, heatmap
coloured within columns at 300 dpi, framework matrix keeping parent codings."""
from __future__ import annotations

import numpy as np
import pandas as pd
from PIL import Image

from qualcode.exports.heatmap import column_shares


def test_heatmap_colours_each_column_by_its_own_size():
    values = pd.DataFrame({"usagers": [13, 6], "partenaires": [2, 4]}, index=["x", "y"])
    shares = column_shares(values, "interviews", {"usagers": 13, "partenaires": 4})
    assert np.allclose(shares, [[1.0, 0.5], [6 / 13, 1.0]])  # 2 of 4 partners is as dark as 6.5 of 13 users
    square = pd.DataFrame([[9, 1], [1, 5]], index=["a", "b"], columns=["a", "b"])
    assert np.isnan(column_shares(square, "overlap", None)).sum() == 2  # the diagonal does not set the scale


def test_png_is_300_dpi_and_fits_a4(cli, small, tmp_path):
    out = tmp_path / "m.png"
    result = cli("matrix", "-m", "interviews", "--out", out, "-p", small.root)
    assert result.code == 0, result.err
    with Image.open(out) as image:
        dpi = image.info.get("dpi")
        assert dpi and round(dpi[0]) == 300
        assert image.size[0] / 300 <= 8.3  # inches: the width of an A4 page


def test_terminal_headers_have_n(cli, small):
    out = " ".join(cli("matrix", "-m", "interviews", "-p", small.root).out.split())
    assert "Usagers (n=2)" in out and "Total (n=4)" in out


def test_empty_cooccurrence_is_one_sentence(cli, small):
    result = cli("cooccurrence", "--coder", "b", "--code", "benefices", "-p", small.root)
    assert result.code == 0 and result.out.strip().startswith("Aucune co-occurrence") and "┏" not in result.out


def test_framework_with_code_filter_keeps_parent_codings(cli, small, tmp_path):
    out = tmp_path / "c.md"
    assert cli("matrix", "--by", "transcript", "--code", "freins/hotel", "--out", out, "-p", small.root).code == 0
    text = out.read_text(encoding="utf-8")
    assert "| Entretien | Type d'acteur | Conditions hôtelières (codé directement) | Punaises de lit |" in text
    assert "| U2 | usager | 1 | 1 |" in text
