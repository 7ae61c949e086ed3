"""What a supervisor decides from (issue 14, S1–S6): bands, flags, positive agreement,
who codes more, coverage warnings, --finished-only, --min-chars, the xlsx views."""
from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from qualcode import coding
from qualcode.agreement import reading
from tests.exports.conftest import HOT, PUN, small  # noqa: F401  (the small project)


@pytest.mark.parametrize("value, band", [(None, "indéfini"), (-0.1, "désaccord"), (0.0, "faible"), (0.2, "faible"),
                                         (0.21, "passable"), (0.41, "modéré"), (0.6, "modéré"),
                                         (0.61, "substantiel"), (0.81, "quasi parfait"), (1.0, "quasi parfait")])
def test_landis_koch_bands(value, band):
    assert reading.kappa_band(value) == band


@pytest.mark.parametrize("value, band", [(0.9, "fiable"), (0.8, "fiable"), (0.7999, "conclusions provisoires"),
                                         (0.667, "conclusions provisoires"), (0.6669, "non fiable")])
def test_krippendorff_bands(value, band):
    assert reading.alpha_band(value) == band


def test_positive_agreement_and_direction():
    # counts by coder pattern: [neither, only A, only B, both]
    counts = [9_000, 0, 638, 362]
    assert reading.positive_agreement(counts, 2) == pytest.approx(2 * 362 / (2 * 362 + 638))
    assert reading.direction(counts, ["a", "b"]) == ("b", 0, 638)
    assert reading.who_codes_more(counts, ["a", "b"], "character") == "b +638 car."
    assert reading.positive_agreement([10, 0, 0, 0], 2) is None
    # three coders: units coded by all three agree fully, by one alone not at all
    hist_counts = [0] * 8
    hist_counts[7], hist_counts[1] = 10, 10
    assert reading.positive_agreement(hist_counts, 3) == pytest.approx(10 * 6 / (10 * 6 + 10 * 2))
    assert reading.flagged(0.59) and not reading.flagged(0.6) and not reading.flagged(None)


def agreement_json(cli, project, *args):
    result = cli("agreement", "--coders", "a", "b", "--json", *args, "-p", project.root)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_flags_bands_and_direction_in_json_and_screen(cli, small):
    data = agreement_json(cli, small, "--unit", "segment", "--threshold", "0.7")
    by_code = {c["code"]: c for c in data["codes"]}
    # punaises, segments: both 1, only a 1, only b 0, neither 7 -> kappa 0.621
    assert by_code[PUN]["kappa"]["value"] == pytest.approx(0.6206896551724138)
    assert by_code[PUN]["kappa_band"] == "substantiel" and by_code[PUN]["flagged"]
    assert by_code[PUN]["codes_more"] == "a" and by_code[PUN]["positive_agreement"] == pytest.approx(2 / 3)
    assert by_code["benefices/sante"]["kappa_band"] == "désaccord" and not by_code[HOT]["flagged"]
    screen = cli("agreement", "--coders", "a", "b", "--unit", "segment", "--threshold", "0.7", "-p", small.root).out
    flat = " ".join(screen.split())
    assert "positive" in flat and "substantial" in flat and "poor" in flat and "a +1 segs" in flat
    assert "To review (4 codes under kappa 0.7)" in flat and "4 under kappa 0.7 in red" in flat
    assert "agreement" not in flat.split("Per code")[1].split("\n")[0].split("(")[0]  # no raw % column first


def test_small_sample_and_partial_coverage_are_warned(cli, small):
    text = small.transcript("X1")["text"]
    coding.add(small, "X1", HOT, "a", 0, 5)  # X1 now coded by a only: excluded
    data = agreement_json(cli, small)
    assert data["transcripts"] == ["G1", "U1", "U2"]
    assert not any("too small" in w for w in data["warnings"])
    # G1: each coder coded 2 of its 6 turns: no partial coverage
    g1 = next(c for c in data["coverage"] if c["transcript"] == "G1")
    assert g1["turns"] == 6 and g1["coded"] == {"a": 2, "b": 2} and g1["partial"] == []
    start = text.index("Bonjour, rien")
    coding.add(small, "X1", HOT, "b", start, start + 7)
    data = agreement_json(cli, small, "--transcripts", "G1", "X1")
    assert any("only 2 transcripts compared" in w for w in data["warnings"])
    coverage = reading.Coverage("T", 49, {"a": 40, "you": 10}, {"a": True, "you": False})
    assert coverage.partial == ["you"] and "a 40/49, you 10/49" == coverage.describe()
    assert reading.Coverage("T", 49, {"a": 40, "you": 10}, {"you": True}).partial == []


def test_finished_only(cli, small):
    p = ["-p", small.root]
    refused = cli("agreement", "--coders", "a", "b", "--finished-only", *p)
    assert refused.code == 1 and "no transcript is marked finished by all of a, b" in refused.err
    for coder in ("a", "b"):
        assert cli("done", "U1", "G1", "--coder", coder, *p).code == 0
    assert cli("done", "U2", "--coder", "a", *p).code == 0
    data = agreement_json(cli, small, "--finished-only")
    assert data["transcripts"] == ["G1", "U1"]  # U2: finished by a only
    plain = agreement_json(cli, small)
    assert any("not marked finished by every coder: U2" in w for w in plain["warnings"])


def test_min_chars_hides_boundary_artefacts_and_says_so(cli, small):
    def passages(*args):
        result = cli("disagreements", "--coders", "a", "b", "--json", *args, "-p", small.root)
        assert result.code == 0, result.err
        return json.loads(result.out)

    every = passages("--min-chars", "0")
    default = passages()
    short = [p for p in every["passages"] if p["kind"] != "different codes" and len(p["text"].strip()) < 20]
    assert short and len(default["passages"]) == len(every["passages"]) - len(short)
    assert default["hidden_shorter_than"] == {"min_chars": 20, "passages": len(short)}
    screen = cli("disagreements", "--coders", "a", "b", "--min-chars", "5", "-p", small.root).out
    assert "shorter than 5 characters hidden" in " ".join(screen.split()) or \
        all(len(p["text"].strip()) >= 5 for p in every["passages"])


def test_agreement_views_in_xlsx_and_md(cli, small, tmp_path):
    p = ["-p", small.root]
    assert cli("agreement", "--coders", "a", "b", "--threshold", "0.9", "--out", tmp_path / "a.xlsx", *p).code == 0
    wb = load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == ["Ensemble", "Par code", "Par entretien", "Code × entretien", "Couverture", "Exclus"]
    ws = wb["Par code"]
    header = [c.value for c in ws[1]]
    flag, positive = header.index("À revoir") + 1, header.index("Accord positif") + 1
    flagged = [r for r in range(2, ws.max_row + 1) if ws.cell(r, flag).value == "à revoir"]
    assert flagged and ws.cell(flagged[0], 1).fill.fgColor.rgb.endswith("F8CBAD")
    assert ws.cell(2, positive).number_format == "0.0%" and ws.freeze_panes == "B2" and ws.auto_filter.ref
    band = header.index("Bande (Landis-Koch)") + 1
    assert {ws.cell(r, band).value for r in range(2, ws.max_row + 1)} <= set(dict(reading.KAPPA_BANDS[::-1]).values()) | {"indéfini"}
    assert wb["Ensemble"]["A2"].value == "Ensemble"
    assert cli("agreement", "--coders", "a", "b", "--out", tmp_path / "a.md", *p).code == 0
    md = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert "## Par code" in md and "| Code | Libellé | κ |" in md and "\u202f%" in md
