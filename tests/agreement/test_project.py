"""Agreement on a small project whose codings sit at known offsets: every figure
is checked against a value computed by hand (arithmetic in the comments).

Kappa from a 2x2 table (both, only ana, only bob, neither), N units:
agree = both + neither, ya = both + only ana, yb = both + only bob,
pe = ya*yb + (N-ya)*(N-yb), kappa = (agree*N - pe) / (N² - pe), Po = agree / N.
"""
from __future__ import annotations

import json

import pytest

from qualcode.agreement import project as ag
from qualcode.agreement.stats import NO_VARIATION, fleiss_kappa, krippendorff_alpha
from qualcode.agreement.unitizing import unitizing_alpha

# Every body has 20 characters; "E : " / "R : " prefixes; the final newline is not stored.
T1 = ["Et la chambre, bien?", "Des punaises, sale !", "Et les éducs, alors?",
      "Ils viennent. Rare !", "Et vos repas, alors?", "On mange mal. Froid."]
T2 = ["Et la santé, ça va ?", "Mieux, je dors bien.", "Et le moral, alors ?", "Ça va. Je souris là."]
T3 = ["Et la ville, le bus?", "Trop loin, un enfer.", "Et le métro ?", "Non, trop cher."]
CODEBOOK = """name: Test
version: 1
codes:
  - {id: freins, label: Freins, family: true}
  - {id: freins/hotel, label: Hôtel}
  - {id: freins/equipe, label: Équipe}
  - {id: benefices, label: Bénéfices, family: true}
  - {id: benefices/sante, label: Santé}
  - {id: benefices/repit, label: Répit}
"""
# T1 segments: s1 E [4,24) s2 R [29,49) s3 E [54,74) s4 R [79,99) s5 E [104,124) s6 R [129,149); L = 149
# T2: s1 E [4,24) s2 R [29,49) s3 E [54,74) s4 R [79,99); L = 99.  T3 is coded by ana only.
CODINGS = [
    ("T1", "freins/hotel", "ana", 29, 49), ("T1", "freins/hotel", "bob", 29, 39),
    ("T1", "freins/equipe", "ana", 79, 99), ("T1", "freins/hotel", "bob", 79, 99),
    ("T1", "freins/equipe", "bob", 54, 64),  # inside an interviewer turn
    ("T1", "benefices/repit", "ana", 29, 39),  # bob never applies benefices/repit
    ("T1", "freins/equipe", "ana", 129, 149), ("T1", "freins/equipe", "bob", 129, 149),
    ("T2", "benefices/sante", "ana", 29, 49), ("T2", "benefices/sante", "bob", 29, 49),
    ("T3", "freins/hotel", "ana", 29, 49),
    ("T1", "freins/hotel", "cleo", 29, 49), ("T1", "freins/equipe", "cleo", 79, 99),
    ("T1", "freins/equipe", "cleo", 129, 149),
]


@pytest.fixture
def proj(tmp_path, backend, request):
    from qualcode import coding
    from tests.conftest import new_project

    for name, bodies in (("T1", T1), ("T2", T2), ("T3", T3)):
        lines = [f"{'ER'[i % 2]} : {body}" for i, body in enumerate(bodies)]
        (tmp_path / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "cb.yaml").write_text(CODEBOOK, encoding="utf-8")
    project = new_project(backend, tmp_path / "proj", request)
    project.import_files(sorted(tmp_path.glob("T*.txt")))
    project.load_codebook(tmp_path / "cb.yaml")
    for tid, code, coder, start, end in CODINGS:
        coding.add(project, tid, code, coder, start, end)
    yield project
    project.close()


def test_the_layout_the_arithmetic_relies_on(proj):
    assert all(len(body) == 20 for body in T1 + T2)
    assert len(proj.transcript("T1")["text"]) == 149 and len(proj.transcript("T2")["text"]) == 99
    for tid, n in (("T1", 6), ("T2", 4)):
        segs = proj.segments(tid)
        assert [(s["start"], s["end"]) for s in segs] == [(4 + 25 * i, 24 + 25 * i) for i in range(n)]
        assert [s["role"] for s in segs] == ["interviewer", "respondent"] * (n // 2)


def by(figures, code=None, transcript=None):
    return next(f for f in figures if f.code == code and f.transcript == transcript)


def check(fig, both, only_a, only_b, neither, po, kappa):
    assert (fig.counts[3], fig.counts[1], fig.counts[2], fig.counts[0]) == (both, only_a, only_b, neither)
    assert fig.agreement.value == pytest.approx(po)
    assert fig.kappa.value == pytest.approx(kappa)


def test_only_transcripts_coded_by_every_coder(proj):
    corpus = ag.load(proj, ["ana", "bob"])
    assert list(corpus.texts) == ["T1", "T2"] and corpus.excluded == {"T3": ["bob"]}
    corpus = ag.load(proj, ["ana", "bob", "cleo"])
    assert list(corpus.texts) == ["T1"] and corpus.excluded == {"T2": ["cleo"], "T3": ["bob", "cleo"]}


def test_character_unit_per_code_per_transcript_and_pooled(proj):
    r = ag.compute(ag.load(proj, ["ana", "bob"]))
    assert r.transcripts == ["T1", "T2"] and r.excluded == {"T3": ["bob"]}
    # freins/hotel T1: ana [29,49) = 20, bob [29,39)+[79,99) = 30 -> both 10, ana 10, bob 20, neither 149-40 = 109
    # agree 119, pe = 20*30 + 129*119 = 15951, kappa = (119*149 - 15951) / (22201 - 15951) = 1780/6250
    check(by(r.cells, "freins/hotel", "T1"), 10, 10, 20, 109, 119 / 149, 1780 / 6250)
    # pooled over T1 + T2 (T2: 99 neither): N = 248, neither 208, agree 218, pe = 600 + 228*218 = 50304,
    # kappa = (218*248 - 50304) / (61504 - 50304) = 3760/11200
    check(by(r.codes, "freins/hotel"), 10, 10, 20, 208, 218 / 248, 3760 / 11200)
    assert by(r.codes, "freins/hotel").codings == {"ana": 1, "bob": 2}
    # freins/equipe T1: ana [79,99)+[129,149) = 40, bob [54,64)+[129,149) = 30: both 20, 20, 10, neither 99
    # pe = 40*30 + 109*119 = 14171, kappa = (17731 - 14171) / (22201 - 14171) = 3560/8030
    check(by(r.cells, "freins/equipe", "T1"), 20, 20, 10, 99, 119 / 149, 3560 / 8030)
    # pooled: neither 198, pe = 1200 + 208*218 = 46544, kappa = (54064 - 46544) / (61504 - 46544) = 7520/14960
    check(by(r.codes, "freins/equipe"), 20, 20, 10, 198, 218 / 248, 7520 / 14960)
    # parent freins rolls up hotel + equipe. T1: ana 60, bob 60 characters; both [29,39)+[79,99)+[129,149) = 50,
    # ana only [39,49) = 10, bob only [54,64) = 10, neither 79; pe = 60*60 + 89*89 = 11521,
    # kappa = (129*149 - 11521) / (22201 - 11521) = 7700/10680
    check(by(r.cells, "freins", "T1"), 50, 10, 10, 79, 129 / 149, 7700 / 10680)
    # pooled: neither 178, pe = 3600 + 188² = 38944, kappa = (228*248 - 38944) / (61504 - 38944) = 17600/22560
    check(by(r.codes, "freins"), 50, 10, 10, 178, 228 / 248, 17600 / 22560)
    assert by(r.codes, "freins").codings == {"ana": 3, "bob": 4}
    # benefices pooled = repit (ana only, 10) + sante (both 20 in T2): both 20, ana 10, neither 218;
    # pe = 30*20 + 218*228 = 50304, kappa = (238*248 - 50304) / (61504 - 50304) = 8720/11200
    check(by(r.codes, "benefices"), 20, 10, 0, 218, 238 / 248, 8720 / 11200)
    check(by(r.codes, "benefices/sante"), 20, 0, 0, 228, 1.0, 1.0)  # same 20 characters: kappa 1


def test_per_transcript_and_overall_sum_the_counts(proj):
    r = ag.compute(ag.load(proj, ["ana", "bob"]))
    # T1 over the 6 codes: both 50+10+20 = 80; ana only 10+10+20+10+10 = 60 (freins, hotel, equipe,
    # benefices, repit); bob only 10+20+10 = 40; neither 79+109+99+139+149+139 = 714; N = 6*149 = 894
    # pe = 140*120 + 754*774 = 600396, kappa = (794*894 - 600396) / (799236 - 600396) = 109440/198840
    check(by(r.per_transcript, None, "T1"), 80, 60, 40, 714, 794 / 894, 109440 / 198840)
    assert by(r.per_transcript, None, "T1").codings == {"ana": 4, "bob": 4}
    # T2: both 20 for benefices and sante, neither 4*99 + 2*79 = 554: the coders agree everywhere
    check(by(r.per_transcript, None, "T2"), 40, 0, 0, 554, 1.0, 1.0)
    # overall: both 120, ana 60, bob 40, neither 1268, N = 1488; pe = 180*160 + 1308*1328 = 1765824,
    # kappa = (1388*1488 - 1765824) / (2214144 - 1765824) = 299520/448320
    check(r.overall, 120, 60, 40, 1268, 1388 / 1488, 299520 / 448320)
    assert r.overall.codings == {"ana": 5, "bob": 5}
    assert "6 codes" in r.pooling and "2 transcripts" in r.pooling


def test_undefined_and_one_coder_coded_nothing(proj):
    r = ag.compute(ag.load(proj, ["ana", "bob"]))
    hotel_t2 = by(r.cells, "freins/hotel", "T2")  # nobody coded it in T2: Pe = 1
    assert hotel_t2.counts == [99, 0, 0, 0] and hotel_t2.agreement.value == 1.0
    assert hotel_t2.kappa.value is None and hotel_t2.kappa.reason == NO_VARIATION
    assert hotel_t2.alpha.value is None and hotel_t2.u_alpha.reason.startswith("nothing was coded")
    # benefices/repit: ana 10 characters, bob none. T1: Po = 139/149; pe = 10*0 + 139*149 -> Pe = 139/149 = Po,
    # kappa = 0 (not undefined); pooled: Po = Pe = 238/248, kappa = 0
    check(by(r.cells, "benefices/repit", "T1"), 0, 10, 0, 139, 139 / 149, 0.0)
    check(by(r.codes, "benefices/repit"), 0, 10, 0, 238, 238 / 248, 0.0)
    # worst first: repit 0 < hotel .3357 < equipe .5027 < benefices .7786 < freins .7801 < sante 1
    assert [f.code for f in r.codes] == ["benefices/repit", "freins/hotel", "freins/equipe", "benefices",
                                         "freins", "benefices/sante"]


def test_levels_and_code_selection(proj):
    corpus = ag.load(proj, ["ana", "bob"])
    leaf = ag.compute(corpus, level="leaf")
    assert {f.code for f in leaf.codes} == {"freins/hotel", "freins/equipe", "benefices/sante", "benefices/repit"}
    assert by(leaf.codes, "freins/hotel").kappa.value == pytest.approx(3760 / 11200)  # a leaf: no roll-up
    assert [f.code for f in ag.compute(corpus, level="family").codes] == ["benefices", "freins"]  # .7786 < .7801
    assert {f.code for f in ag.compute(corpus, level="1").codes} == {"freins", "benefices"}
    assert {f.code for f in ag.compute(corpus, codes=["freins"]).codes} == {"freins", "freins/hotel", "freins/equipe"}
    with pytest.raises(Exception, match="unknown level"):
        ag.compute(corpus, level="bogus")


def test_scope_respondents_leaves_out_interviewer_turns(proj):
    r = ag.compute(ag.load(proj, ["ana", "bob"]), scope="respondents")
    # units: T1 s2+s4+s6 = 60 characters, T2 s2+s4 = 40. bob's equipe [54,64) is in an interviewer turn.
    # freins/equipe T1: ana 40, bob [129,149) = 20: both 20, ana 20, neither 20; pe = 40*20 + 20*40 = 1600,
    # kappa = (40*60 - 1600) / (3600 - 1600) = 0.4
    check(by(r.cells, "freins/equipe", "T1"), 20, 20, 0, 20, 40 / 60, 0.4)
    # pooled N = 100: neither 60, pe = 40*20 + 60*80 = 5600, kappa = (80*100 - 5600) / (10000 - 5600) = 2400/4400
    check(by(r.codes, "freins/equipe"), 20, 20, 0, 60, 80 / 100, 2400 / 4400)
    assert by(r.codes, "freins/equipe").codings == {"ana": 2, "bob": 1}
    assert r.overall.units == 6 * 100


def test_segment_unit(proj):
    r = ag.compute(ag.load(proj, ["ana", "bob"]), unit="segment")
    # freins/hotel T1 (6 segments): ana {s2}, bob {s2, s4}: both 1, bob 1, neither 4;
    # pe = 1*2 + 5*4 = 22, kappa = (5*6 - 22) / (36 - 22) = 8/14
    check(by(r.cells, "freins/hotel", "T1"), 1, 0, 1, 4, 5 / 6, 8 / 14)
    # pooled with T2's 4 segments: neither 8, pe = 2 + 9*8 = 74, kappa = (9*10 - 74) / (100 - 74) = 16/26
    check(by(r.codes, "freins/hotel"), 1, 0, 1, 8, 9 / 10, 16 / 26)
    # freins/equipe T1: ana {s4, s6}, bob {s3, s6}: 1, 1, 1, 3; pe = 2*2 + 4*4 = 20, kappa = (24-20)/(36-20)
    check(by(r.cells, "freins/equipe", "T1"), 1, 1, 1, 3, 4 / 6, 4 / 16)
    # freins pooled: ana {s2,s4,s6}, bob {s2,s3,s4,s6}, + 4 T2 segments: 3, 0, 1, 6;
    # pe = 3*4 + 7*6 = 54, kappa = (9*10 - 54) / (100 - 54) = 36/46
    check(by(r.codes, "freins"), 3, 0, 1, 6, 9 / 10, 36 / 46)


def test_family_alpha_with_missing_values(proj):
    fams = {f.family: f for f in ag.compute(ag.load(proj, ["ana", "bob"]), unit="segment").families}
    # freins: s2 (hotel, hotel), s3 (bob: equipe; ana: missing -> not pairable), s4 (equipe, hotel),
    # s6 (equipe, equipe). Coincidences o_hh = 2, o_ee = 2, o_he = o_eh = 1; n_h = n_e = 3, n = 6.
    # Do = 2/6, De = 2*3*3 / (6*5) = 18/30, alpha = 1 - (1/3) / (3/5) = 4/9
    freins = fams["freins"]
    assert freins.alpha.value == pytest.approx(4 / 9) and freins.alpha.n_units == 3
    assert freins.coded == {"ana": 3, "bob": 4} and freins.combined == 0
    # benefices: the only pairable segment is T2 s2 (sante, sante): a single value -> undefined
    assert fams["benefices"].alpha.value is None and fams["benefices"].alpha.reason == NO_VARIATION
    assert ag.family_value({"freins/hotel", "freins/equipe"}) == "freins/equipe + freins/hotel"
    assert ag.family_value({"freins", "freins/hotel"}) == "freins/hotel"  # the most specific code


def test_three_coders_fleiss_and_alpha(proj):
    corpus = ag.load(proj, ["ana", "bob", "cleo"])
    seg = ag.compute(corpus, unit="segment")
    # freins/hotel, T1's 6 segments coded by k of 3 coders: s2 k=3, s4 k=1 (bob), others k=0 -> h = [4, 1, 0, 1]
    # P_k = (k² + (3-k)² - 3) / 6: 1, 1/3, 1/3, 1. P̄ = (4 + 1/3 + 1) / 6 = 16/18; p1 = 4/18,
    # P̄e = (2/9)² + (7/9)² = 53/81, kappa = (72/81 - 53/81) / (28/81) = 19/28
    # alpha: n = 18 values, n1 = 4, n0 = 14, o01 = 1*1*2/2 = 1; alpha = 1 - 17*1 / (14*4) = 39/56
    hotel = by(seg.codes, "freins/hotel")
    assert hotel.agreement.value == pytest.approx(16 / 18) and hotel.kappa.value == pytest.approx(19 / 28)
    assert hotel.alpha.value == pytest.approx(39 / 56)
    # freins/equipe: s3 k=1, s4 k=2, s6 k=3 -> h = [3, 1, 1, 1]; P̄ = (3 + 1/3 + 1/3 + 1) / 6 = 7/9;
    # p1 = 6/18, P̄e = 1/9 + 4/9 = 5/9, kappa = (2/9) / (4/9) = 0.5; o01 = (2 + 2) / 2 = 2,
    # alpha = 1 - 17*2 / (12*6) = 19/36
    equipe = by(seg.codes, "freins/equipe")
    assert equipe.kappa.value == pytest.approx(0.5) and equipe.alpha.value == pytest.approx(19 / 36)
    # the same with the stats functions on the full units x categories table / coders x units matrix
    assert fleiss_kappa([[3, 0], [3, 0], [2, 1], [1, 2], [3, 0], [0, 3]]).value == pytest.approx(0.5)
    assert krippendorff_alpha([[0, 0, 0, 1, 0, 1], [0, 0, 1, 0, 0, 1], [0, 0, 0, 1, 0, 1]]).value == pytest.approx(19 / 36)
    # characters, freins/hotel T1 (149): [29,39) 3 coders, [39,49) 2 (ana, cleo), [79,99) 1 (bob), 109 none.
    # P̄ = (109 + 20/3 + 10/3 + 10) / 149 = 129/149; p1 = 70/447, P̄e = (4900 + 377²) / 447² = 147029/199809;
    # kappa = (172989 - 147029) / (199809 - 147029) = 25960/52780; alpha = 1 - 446*30 / (377*70) = 13010/26390
    char = by(ag.compute(corpus).codes, "freins/hotel")
    assert char.counts[7] == 10 and char.units == 149
    assert char.agreement.value == pytest.approx(129 / 149)
    assert char.kappa.value == pytest.approx(25960 / 52780) and char.alpha.value == pytest.approx(13010 / 26390)
    # freins family, 3 coders: s2 (h,h,h), s4 (e,h,e), s6 (e,e,e); o_hh = 3, o_ee = 1 + 3, o_eh = o_he = 1;
    # n_h = 4, n_e = 5, n = 9: alpha = 1 - (2/9) / (2*4*5 / 72) = 1 - 2/5
    fam = next(f for f in seg.families if f.family == "freins")
    assert fam.alpha.value == pytest.approx(0.6)


def test_unitizing_alpha_column(proj):
    r = ag.compute(ag.load(proj, ["ana", "bob"]))
    # the pooled continuum is T1 (149 characters) then T2 (99): 248
    expected = unitizing_alpha(248, {"ana": [(29, 49)], "bob": [(29, 39), (79, 99)]})
    assert by(r.codes, "freins/hotel").u_alpha == expected
    assert by(r.codes, "benefices/sante").u_alpha.value == 1.0  # both [149+29, 149+49): no disagreement
    # respondents only: T1's turns s2, s4, s6 become [0,20) [20,40) [40,60), T2's s2, s4 [60,80) [80,100)
    resp = ag.compute(ag.load(proj, ["ana", "bob"]), scope="respondents")
    assert by(resp.codes, "freins/equipe").u_alpha == unitizing_alpha(100, {"ana": [(20, 60)], "bob": [(40, 60)]})


def test_binary_figures_agree_with_the_stats_functions():
    counts = [5, 2, 3, 1, 4, 0, 2, 6]  # 3 coders: units per pattern of coders
    agreement, kappa, alpha = ag.binary_figures(counts, 3)
    table = [[3 - p.bit_count(), p.bit_count()] for p, n in enumerate(counts) for _ in range(n)]
    matrix = [[(p >> i) & 1 for p, n in enumerate(counts) for _ in range(n)] for i in range(3)]
    assert kappa.value == pytest.approx(fleiss_kappa(table).value)
    assert agreement.value == pytest.approx(fleiss_kappa(table).observed)
    assert alpha.value == pytest.approx(krippendorff_alpha(matrix).value)


def test_cli_agreement_json_table_and_files(proj, cli, tmp_path):
    from openpyxl import load_workbook

    root = proj.root
    result = cli("agreement", "--coders", "ana", "bob", "--json", "--project", root)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["transcripts"] == ["T1", "T2"] and data["excluded"] == [{"transcript": "T3", "not_coded_by": ["bob"]}]
    assert data["coefficient"] == "Cohen's kappa" and data["overall"]["kappa"]["value"] == pytest.approx(299520 / 448320)
    assert data["overall"]["both"] == 120 and data["overall"]["only"] == {"ana": 60, "bob": 40}
    hotel = next(c for c in data["codes"] if c["code"] == "freins/hotel")
    assert hotel["units"] == 248 and hotel["codings"] == {"ana": 1, "bob": 2}
    assert hotel["kappa"]["value"] == pytest.approx(3760 / 11200)
    undefined = next(c for c in data["cells"] if c["code"] == "freins/hotel" and c["transcript"] == "T2")
    assert undefined["kappa"] == {"value": None, "reason": NO_VARIATION, "observed": 1.0, "expected": 1.0}
    shown = cli("agreement", "--coders", "ana", "bob", "--unit", "segment", "--project", root, "--out", tmp_path / "a.xlsx")
    assert shown.code == 0 and "nan" not in shown.out.lower()
    assert "Excluded (1, not coded by bob): T3" in shown.out and "0.615" in shown.out  # hotel, segments
    assert "freins" in shown.out and "0.444" in shown.out  # family alpha 4/9
    wb = load_workbook(tmp_path / "a.xlsx")  # one sheet per view, French headers (issue 14, S4)
    assert wb.sheetnames == ["Ensemble", "Par code", "Par entretien", "Code × entretien", "Par famille",
                             "Couverture", "Exclus"]

    def rows(sheet):
        return [[c.value for c in row] for row in wb[sheet].iter_rows()]

    header, *codes = rows("Par code")
    assert header[:3] == ["Code", "Libellé", "κ"] and "Accord positif" in header and "À revoir" in header
    kappa = header.index("κ")
    assert codes[0][0] == "benefices/repit" and codes[0][kappa] == 0.0
    assert wb["Par code"].cell(2, kappa + 1).number_format == "0.000"
    header, *cells = rows("Code × entretien")
    hotel_t2 = next(r for r in cells if r[0] == "freins/hotel" and r[2] == "T2")
    assert hotel_t2[header.index("κ")] is None and NO_VARIATION in hotel_t2[header.index("Note")]
    header, *families = rows("Par famille")
    assert next(r for r in families if r[0] == "freins")[header.index("α")] == pytest.approx(4 / 9)
    assert rows("Exclus") == [["Entretien", "Non codé par"], ["T3", "bob"]]


def test_cli_three_coders_and_errors(proj, cli):
    result = cli("agreement", "--coders", "ana", "bob", "cleo", "--unit", "segment", "--json", "-p", proj.root)
    data = json.loads(result.out)
    assert data["coefficient"] == "Fleiss' kappa" and data["transcripts"] == ["T1"]
    hotel = next(c for c in data["codes"] if c["code"] == "freins/hotel")
    assert hotel["coded_by"] == [4, 1, 0, 1] and hotel["kappa"]["value"] == pytest.approx(19 / 28)
    for args, needle in ((["--coders", "ana"], "at least two"), (["--coders", "ana", "zoe"], "no codings by zoe"),
                         (["--coders", "ana", "bob", "--unit", "word"], "unknown unit"),
                         (["--coders", "ana", "bob", "--code", "nope"], "nope")):
        bad = cli("agreement", *args, "-p", proj.root)
        assert bad.code != 0 and needle in bad.err and "Traceback" not in bad.err
