"""Matrix maths on small hand-made cases; expected numbers are worked out in comments."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualcode.errors import QualcodeError
from qualcode.exports.matrix import (
    cooccurrence, framework_matrix, rollup, rows_for_level, select_coders, theme_matrices, theme_matrix,
)

COND, PUN, FU = "freins/usagers/conditions-hotelieres", "freins/usagers/punaises", "freins/usagers"
ACT, ACC = "freins/acteurs", "leviers/accompagnement"
SV = "(sans valeur)"


def make_codes(family=("freins", "leviers")) -> pd.DataFrame:
    rows = [("freins", "Freins"), (FU, "Usagers"), (COND, "Conditions hôtelières"), (PUN, "Punaises de lit"),
            (ACT, "Acteurs"), ("leviers", "Leviers"), (ACC, "Accompagnement")]
    return pd.DataFrame({"id": [r[0] for r in rows], "label": [r[1] for r in rows],
                         "family": [r[0] in family for r in rows]})


# Columns of actor_type, sorted with "(sans valeur)" last, and their transcripts:
#   hotelier: H1 (no coding) | professionnel: P1 | usager: U1, U2, U3 (U3: group of 3) | (sans valeur): D1, E1
TRANSCRIPTS = pd.DataFrame(
    {"actor_type": ["usager", "usager", "usager", "professionnel", None, "  ", "hotelier"],
     "hotel_type": ["bas seuil", None, None, None, None, None, None],
     "people": [1, np.nan, 3, 1, 1, 1, 1]},
    index=pd.Index(["U1", "U2", "U3", "P1", "D1", "E1", "H1"], name="transcript"))

UNITS = pd.DataFrame([
    ("U1", 0, COND, "a"), ("U1", 0, PUN, "a"),   # two children on one segment: FU and freins count it once
    ("U1", 1, PUN, "a"), ("U1", 1, PUN, "a"),    # duplicate row
    ("U2", 0, PUN, "a"), ("U2", 0, PUN, "b"),    # both coders agree
    ("U3", 2, COND, "b"),
    ("U3", 3, ACC, "a"),
    ("P1", 0, ACT, "a"), ("P1", 0, ACT, "b"),
    ("P1", 1, COND, "a"), ("P1", 1, PUN, "b"),   # coders disagree on the leaf, agree on FU after roll-up
    ("D1", 0, ACC, "b"),
], columns=["transcript", "segment", "code", "coder"])

COLUMNS = ["label", "hotelier", "professionnel", "usager", SV, "Total"]


def matrix(measure, **kw):
    return theme_matrix(UNITS, TRANSCRIPTS, make_codes(), measure=measure, **kw)


def row(frame, code):
    return frame.loc[code].drop("label").tolist()


def test_rollup_counts_a_parent_once_per_segment():
    out = rollup(UNITS[UNITS["transcript"] == "U1"])
    # U1 s0: COND, PUN, FU, freins; U1 s1: PUN, FU, freins (the duplicate row dropped)
    counts = out.astype({"code": object}).groupby("code").size().to_dict()
    assert counts == {COND: 1, PUN: 2, FU: 2, "freins": 2}


def test_select_coders_modes():
    rolled = rollup(UNITS)
    union = select_coders(rolled)
    assert list(union.columns) == ["transcript", "segment", "code"] and not union.duplicated().any()
    agreed = select_coders(rolled, mode="agreement").astype(object)
    # both coders: U2 s0 (PUN, FU, freins), P1 s0 (ACT, freins), P1 s1 (FU, freins)
    assert sorted(map(tuple, agreed.values.tolist())) == sorted([
        ("P1", 0, ACT), ("P1", 0, "freins"), ("P1", 1, FU), ("P1", 1, "freins"),
        ("U2", 0, PUN), ("U2", 0, FU), ("U2", 0, "freins")])
    with pytest.raises(QualcodeError):
        select_coders(rolled, mode="vote")


def test_segments():
    m = matrix("segments")
    assert list(m.columns) == COLUMNS and m.index.tolist() == make_codes()["id"].tolist()
    assert m.loc[COND, "label"] == "Conditions hôtelières"
    # hotelier, professionnel, usager, sans valeur, Total
    assert row(m, COND) == [0, 1, 2, 0, 3]      # P1s1 | U1s0, U3s2
    assert row(m, PUN) == [0, 1, 3, 0, 4]       # P1s1 | U1s0, U1s1, U2s0
    assert row(m, FU) == [0, 1, 4, 0, 5]        # P1s1 | U1s0 (counted once), U1s1, U2s0, U3s2
    assert row(m, "freins") == [0, 2, 4, 0, 6]  # P1s0, P1s1 | as FU
    assert row(m, "leviers") == [0, 0, 1, 1, 2]  # U3s3 | D1s0
    assert all(m[c].dtype.kind == "i" for c in COLUMNS[1:])


def test_interviews_and_people():
    m = matrix("interviews")
    assert row(m, COND) == [0, 1, 2, 0, 3]      # P1 | U1, U3
    assert row(m, FU) == [0, 1, 3, 0, 4]        # P1 | U1, U2, U3
    assert row(m, ACC) == [0, 0, 1, 1, 2]       # U3 | D1
    p = matrix("people")
    assert row(p, COND) == [0, 1, 4, 0, 5]      # U1 (1) + U3 (group of 3) = 4
    assert row(p, PUN) == [0, 1, 2, 0, 3]       # U1 (1) + U2 (people missing: 1) = 2
    assert row(p, ACC) == [0, 0, 3, 1, 4]       # U3 counts 3 people


def test_share():
    m = matrix("share")
    # transcripts per column: hotelier 1, professionnel 1, usager 3, sans valeur 2; all 7
    assert row(m, PUN) == pytest.approx([0, 1, 2 / 3, 0, 3 / 7])  # 2 of 3 users' interviews: 0.667
    assert round(m.loc[PUN, "usager"], 3) == 0.667
    assert row(m, ACC) == pytest.approx([0, 0, 1 / 3, 1 / 2, 2 / 7])
    assert row(m, FU) == pytest.approx([0, 1, 1, 0, 4 / 7])
    empty = theme_matrix(UNITS, TRANSCRIPTS.iloc[:0], make_codes(), measure="share")
    assert list(empty.columns) == ["label", "Total"] and (empty["Total"] == 0).all()


def test_coders_union_single_and_agreement():
    assert row(matrix("segments", coders=["a"]), FU) == [0, 1, 3, 0, 4]  # P1s1 | U1s0, U1s1, U2s0
    assert row(matrix("segments", coders=["b"]), FU) == [0, 1, 2, 0, 3]  # P1s1 | U2s0, U3s2
    agreed = matrix("segments", coders=["a", "b"], mode="agreement")
    assert row(agreed, PUN) == [0, 0, 1, 0, 1]       # U2s0 only (P1s1 PUN is b's alone)
    assert row(agreed, COND) == [0, 0, 0, 0, 0]
    assert row(agreed, FU) == [0, 1, 1, 0, 2]        # rolled up first: P1s1 agrees on FU
    assert row(agreed, "freins") == [0, 2, 1, 0, 3]  # P1s0, P1s1 | U2s0
    assert row(agreed, "leviers") == [0, 0, 0, 0, 0]
    assert matrix("segments", mode="agreement").equals(agreed)  # None = every coder present
    assert matrix("segments", coders=["a"], mode="agreement").equals(matrix("segments", coders=["a"]))
    # a coder who coded nothing: nothing is agreed
    assert matrix("segments", coders=["a", "zed"], mode="agreement")["Total"].sum() == 0


def test_transcripts_without_the_attribute_and_filtering():
    m = theme_matrix(UNITS, TRANSCRIPTS, make_codes(), by="hotel_type", measure="segments")
    assert list(m.columns) == ["label", "bas seuil", SV, "Total"]
    assert row(m, PUN) == [2, 2, 4]  # U1s0, U1s1 | U2s0, P1s1
    extra = pd.concat([UNITS, pd.DataFrame([("X9", 0, PUN, "a")], columns=UNITS.columns)])
    assert matrix("segments").equals(theme_matrix(extra, TRANSCRIPTS, make_codes()))  # X9 unknown: ignored
    users = theme_matrix(UNITS, TRANSCRIPTS.loc[["U1", "U2", "U3"]], make_codes())
    assert list(users.columns) == ["label", "usager", "Total"] and row(users, PUN) == [3, 3]
    with pytest.raises(QualcodeError, match="actor_typo"):
        theme_matrix(UNITS, TRANSCRIPTS, make_codes(), by="actor_typo")


def test_column_order():
    m = matrix("segments", column_order=["usager", "professionnel", "élu"])
    assert list(m.columns) == ["label", "usager", "professionnel", "hotelier", SV, "Total"]
    m = matrix("segments", column_order=[SV, "usager"])
    assert list(m.columns) == ["label", SV, "usager", "hotelier", "professionnel", "Total"]


def test_levels():
    codes = make_codes()
    ids = lambda level: rows_for_level(codes, level)["id"].tolist()  # noqa: E731
    assert ids("all") == codes["id"].tolist()
    assert ids("leaf") == [COND, PUN, ACT, ACC]
    assert ids("family") == ["freins", "leviers"]
    assert rows_for_level(make_codes(family=(FU,)), "family")["id"].tolist() == [FU]
    assert rows_for_level(make_codes(family=()), "family")["id"].tolist() == ["freins", "leviers"]
    assert ids(1) == ["freins", "leviers"]
    assert ids(2) == ids("2") == ["freins", FU, ACT, "leviers", ACC]
    for bad in (0, "bogus"):
        with pytest.raises(QualcodeError):
            rows_for_level(codes, bad)
    m = matrix("segments", level="family")
    assert m.index.tolist() == ["freins", "leviers"] and row(m, "freins") == [0, 2, 4, 0, 6]
    assert matrix("interviews", level="leaf").index.tolist() == [COND, PUN, ACT, ACC]


def test_theme_matrices_one_per_measure():
    frames = theme_matrices(UNITS, TRANSCRIPTS, make_codes(), measures=["segments", "share"])
    assert list(frames) == ["segments", "share"] and frames["segments"].equals(matrix("segments"))
    with pytest.raises(QualcodeError, match="unknown measure"):
        matrix("words")


EXCERPTS = pd.DataFrame([
    ("U1", COND, "a", 0, 10, "chambre sale"),
    ("U1", PUN, "a", 5, 20, "des punaises partout "),
    ("U1", PUN, "b", 5, 20, "des punaises partout "),  # same passage, second coder
    ("U2", COND, "a", 0, 10, "x"), ("U2", PUN, "a", 0, 10, "x"),  # two children, one span
    ("U3", COND, "b", 30, 40, "pas de cuisine"),
    ("U3", COND, "b", 0, 10, "trop loin"),
    ("P1", ACT, "a", 0, 8, "le 115"),
], columns=["transcript", "code", "coder", "start", "end", "quote"])


def test_framework_matrix_counts():
    m = framework_matrix(EXCERPTS, TRANSCRIPTS, make_codes())
    assert m.index.tolist() == ["D1", "E1", "H1", "P1", "U1", "U2", "U3"]
    assert m.columns.tolist() == [COND, PUN, ACT, ACC]
    assert m.loc["U1"].tolist() == [1, 2, 0, 0]  # PUN: two coders, two codings
    assert m.loc["U3"].tolist() == [2, 0, 0, 0] and m.loc["H1"].sum() == 0
    rolled = framework_matrix(EXCERPTS, TRANSCRIPTS, make_codes(), level="all")
    # U1 FU: COND(a) + PUN(a) + PUN(b) = 3; U2 FU: COND and PUN on one span by a = 1
    assert rolled.loc["U1", FU] == 3 and rolled.loc["U2", FU] == 1 and rolled.loc["P1", "freins"] == 1


def test_framework_matrix_excerpts():
    m = framework_matrix(EXCERPTS, TRANSCRIPTS, make_codes(), level="all", cells="excerpts")
    assert m.loc["U1", PUN] == "« des punaises partout »"  # one passage for both coders
    assert m.loc["U1", FU] == "« chambre sale »\n\n« des punaises partout »"
    assert m.loc["U3", COND] == "« trop loin »\n\n« pas de cuisine »"  # text order
    assert m.loc["H1", COND] == "" and m.loc["U1", "leviers"] == ""


CODINGS = pd.DataFrame([
    ("U1", COND, "a", 0, 10),     # c1
    ("U1", PUN, "a", 5, 20),      # c2
    ("U1", PUN, "b", 5, 20),      # c3
    ("U1", ACT, "a", 50, 60),     # c4
    ("U1", COND, "b", 10, 15),    # c5: touches c1 at 10 without overlapping it
    ("P1", ACT, "a", 0, 10),      # c6
    ("P1", COND, "a", 100, 110),  # c7
    ("P1", ACC, "b", 5, 8),       # c8
], columns=["transcript", "code", "coder", "start", "end"])


def test_cooccurrence_overlap():
    m = cooccurrence(CODINGS, make_codes())
    assert m.index.tolist() == m.columns.tolist() == [COND, PUN, ACT, ACC]
    assert (m.values == m.values.T).all()
    # same coder only: (c1,c2) by a, (c5,c3) by b; c1-c3 and c5-c2 cross coders (a disagreement)
    assert m.loc[COND, PUN] == 2
    assert m.loc[ACT, ACC] == 0   # c6 (a) and c8 (b) overlap, but across coders
    assert m.loc[COND, ACT] == 0 and m.loc[PUN, ACC] == 0
    assert np.diag(m).tolist() == [3, 2, 2, 1]  # codings per code
    fam = cooccurrence(CODINGS, make_codes(), level="family")
    assert fam.values.tolist() == [[7, 0], [0, 1]]  # c1-c7 roll up to freins, c8 (b) to leviers
    full = cooccurrence(CODINGS, make_codes(), level="all")
    assert full.loc[COND, PUN] == 2 and (full.values == full.values.T).all()


def test_cooccurrence_segment():
    m = cooccurrence(CODINGS, make_codes(), mode="segment", units=UNITS)
    assert m.loc[COND, PUN] == m.loc[PUN, COND] == 1  # U1s0 by a; P1s1 is a (COND) vs b (PUN): not counted
    assert np.diag(m).tolist() == [3, 4, 1, 2]  # COND: U1s0 U3s2 P1s1; PUN: U1s0 U1s1 U2s0 P1s1
    assert m.loc[ACT].sum() == 1
    fam = cooccurrence(CODINGS, make_codes(), mode="segment", units=UNITS, level="family")
    assert fam.values.tolist() == [[6, 0], [0, 2]]
    with pytest.raises(QualcodeError):
        cooccurrence(CODINGS, make_codes(), mode="segment")


def test_synthetic_3300_transcripts():
    rng = np.random.default_rng(7)
    ids = [f"f{f}" + s for f in range(5) for s in ["", *(f"/s{i}" + t for i in range(3) for t in
                                                      ["", *(f"/l{j}" for j in range(4))])]]
    codes = pd.DataFrame({"id": ids, "label": [i.upper() for i in ids], "family": ["/" not in i for i in ids]})
    leaves = [i for i in ids if i.count("/") == 2]
    n, per = 3300, 30
    actors = ["usager", "professionnel", "hotelier", "decideur"]
    transcripts = pd.DataFrame({"actor_type": rng.choice(actors, n), "people": rng.integers(1, 4, n)},
                               index=[f"T{i:04d}" for i in range(n)])
    units = pd.DataFrame({"transcript": np.repeat(transcripts.index.to_numpy(), per),
                          "segment": rng.integers(0, 40, n * per), "code": rng.choice(leaves, n * per),
                          "coder": rng.choice(["a", "b"], n * per)})
    units = pd.concat([units, units.sample(frac=0.1, random_state=1)], ignore_index=True)  # duplicates
    assert len(codes) == 80 and len(units) > 100_000
    frames = theme_matrices(units, transcripts, codes)
    seg = frames["segments"]
    assert seg.shape == (80, 1 + len(actors) + 1)
    assert (seg[sorted(actors)].sum(axis=1) == seg["Total"]).all()
    leaf_units = units.drop_duplicates(["transcript", "segment", "code"])
    assert seg.loc[leaves, "Total"].sum() == len(leaf_units)
    family = leaf_units.assign(f=leaf_units["code"].str.split("/").str[0])
    expected = family.drop_duplicates(["transcript", "segment", "f"]).groupby("f").size()
    assert seg.loc[expected.index, "Total"].tolist() == expected.tolist()
    interviews = frames["interviews"]["Total"]
    assert (interviews <= n).all() and interviews.loc["f0"] == family[family["f"] == "f0"]["transcript"].nunique()
    share = frames["share"]
    assert share["Total"].tolist() == pytest.approx((interviews / n).tolist())
    assert frames["people"]["Total"].loc["f0"] >= interviews.loc["f0"]
