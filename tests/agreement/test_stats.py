"""Agreement coefficients against published examples and hand computations."""
import math

import pytest

from qualcode.agreement.stats import (
    Agreement,
    brennan_prediger,
    brennan_prediger_from_counts,
    cohen_kappa,
    cohen_kappa_from_counts,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)

N = None
# Krippendorff, K. (2011), "Computing Krippendorff's Alpha-Reliability", section
# "C. Multiple coders, multiple values, missing data": 4 coders x 12 units.
RELIABILITY_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],  # coder A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],  # coder B
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],  # coder C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],  # coder D
]


@pytest.mark.parametrize("level, published", [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_multiple_coders_missing_values(level, published):
    # Krippendorff (2011): published alphas for the 4 x 12 reliability data above.
    result = krippendorff_alpha(RELIABILITY_DATA, level)
    assert result.value == pytest.approx(published, abs=5e-4)
    assert result.n_units == 11  # unit 12 has a single value and is not pairable


def test_krippendorff_2011_nominal_detail():
    # Krippendorff (2011): n = 40 pairable values; alpha = 1 - (n-1) Σ o_ck≠ / Σ n_c n_k≠
    # = 1 - 39 * 8 / 1216 = 0.743421...; Do = 8/40 = 0.2.
    result = krippendorff_alpha(RELIABILITY_DATA)
    assert result.value == pytest.approx(1 - 39 * 8 / 1216, abs=1e-12)
    assert result.observed == pytest.approx(0.2)


def test_krippendorff_2011_binary_two_coders():
    # Krippendorff (2011), "A. Binary or dichotomous data, two observers, no missing data":
    # published alpha = 0.095. By hand: n = 20 values, n_0 = 14, n_1 = 6, o_01 = 4,
    # alpha = 1 - (n-1) o_01 / (n_0 n_1) = 1 - 19*4 / (14*6) = 8/84 = 0.0952.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    result = krippendorff_alpha([a, b], "nominal")
    assert result.value == pytest.approx(0.095, abs=5e-4)
    assert result.value == pytest.approx(8 / 84)


def test_krippendorff_nan_is_missing_and_accepts_any_hashable():
    data = [["x", "y", float("nan")], ["x", "y", "z"]]
    assert krippendorff_alpha(data).value == pytest.approx(1.0)
    assert krippendorff_alpha(data).n_units == 2


def test_cohen_grant_proposals():
    # Classic textbook example (Cohen 1960 style; Wikipedia "Cohen's kappa", simple
    # example): 50 grant proposals, two readers, 20 yes/yes, 5 yes(A)/no(B),
    # 10 no(A)/yes(B), 15 no/no. Po = 35/50 = 0.70; p_A(yes) = 0.5, p_B(yes) = 0.6;
    # Pe = 0.5*0.6 + 0.5*0.4 = 0.50; kappa = (0.70 - 0.50) / 0.50 = 0.40.
    a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    for result in (cohen_kappa(a, b), cohen_kappa_from_counts(20, 5, 10, 15)):
        assert result.observed == pytest.approx(0.70)
        assert result.expected == pytest.approx(0.50)
        assert result.value == pytest.approx(0.40)
        assert result.n_units == 50


def test_cohen_pe_is_sum_of_products_over_three_categories():
    # Pe = Σ_k p_a(k) p_b(k), not (Σ p_a)(Σ p_b) (= 1). a: x,x,y,z ; b: x,y,y,y
    # p_a = (.5,.25,.25), p_b = (.25,.75,0) -> Pe = .125 + .1875 = .3125; Po = 2/4 = .5
    # kappa = (.5 - .3125) / .6875 = 0.272727...
    result = cohen_kappa(["x", "x", "y", "z"], ["x", "y", "y", "y"])
    assert result.expected == pytest.approx(0.3125)
    assert result.value == pytest.approx(0.1875 / 0.6875)


def test_fleiss_1971_textbook_table():
    # Fleiss (1971); Wikipedia "Fleiss' kappa" worked example: 10 subjects, 5
    # categories, 14 raters. P̄ = 0.378, P̄e = 0.213, kappa = 0.210.
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
             [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
             [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    result = fleiss_kappa(table)
    assert result.observed == pytest.approx(0.378, abs=5e-4)
    assert result.expected == pytest.approx(0.213, abs=5e-4)
    assert result.value == pytest.approx(0.210, abs=5e-4)
    assert result.n_units == 10


def test_nvivo_character_level_example():
    # NVivo help, "Run a coding comparison query": 1,000 characters, 50 coded by
    # both users, 150 by only one of them, 800 by neither -> agreement 85 %.
    # Split the 150 as 100 only-A / 50 only-B. By hand: Po = 850/1000 = 0.85;
    # p_A = 150/1000 = 0.15, p_B = 100/1000 = 0.10;
    # Pe = 0.15*0.10 + 0.85*0.90 = 0.015 + 0.765 = 0.78;
    # kappa = (0.85 - 0.78) / (1 - 0.78) = 0.07 / 0.22 = 0.318181...
    result = cohen_kappa_from_counts(both=50, only_a=100, only_b=50, neither=800)
    assert result.observed == pytest.approx(0.85)
    assert result.expected == pytest.approx(0.78)
    assert result.value == pytest.approx(0.07 / 0.22)
    a = [1] * 50 + [1] * 100 + [0] * 50 + [0] * 800
    b = [1] * 50 + [0] * 100 + [1] * 50 + [0] * 800
    assert percent_agreement(a, b).value == pytest.approx(0.85)
    assert cohen_kappa(a, b).value == pytest.approx(result.value)


def test_brennan_prediger_hand_computed():
    # Brennan & Prediger (1981): kappa_BP = (Po - 1/k) / (1 - 1/k).
    # a: x,x,y,z,y ; b: x,y,y,z,x -> Po = 3/5 = 0.6; k = 3 observed categories:
    # (0.6 - 1/3) / (2/3) = 0.4 ; with k = 4: (0.6 - 0.25) / 0.75 = 0.46666...
    a, b = ["x", "x", "y", "z", "y"], ["x", "y", "y", "z", "x"]
    result = brennan_prediger(a, b)
    assert result.observed == pytest.approx(0.6)
    assert result.expected == pytest.approx(1 / 3)
    assert result.value == pytest.approx(0.4)
    assert brennan_prediger(a, b, k=4).value == pytest.approx(0.35 / 0.75)
    # Counts: 40 both, 10 + 10 disagreements, 40 neither -> Po = 0.8, k = 2: (0.8 - 0.5) / 0.5 = 0.6
    assert brennan_prediger_from_counts(40, 10, 10, 40).value == pytest.approx(0.6)
    with pytest.raises(ValueError):
        brennan_prediger(a, b, k=2)  # fewer categories than observed


def test_perfect_agreement_is_one():
    labels = ["a", "b", "c", "a", "b"]
    assert percent_agreement(labels, labels).value == 1.0
    assert cohen_kappa(labels, labels).value == pytest.approx(1.0)
    assert brennan_prediger(labels, labels).value == pytest.approx(1.0)
    assert fleiss_kappa([[3, 0], [0, 3], [3, 0]]).value == pytest.approx(1.0)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]], level).value == pytest.approx(1.0)


def test_one_coder_coded_nothing():
    # 10 units; A marks all "absent", B marks 3 "present".
    # Cohen: Po = 0.7; p_A(absent) = 1, p_B(absent) = 0.7 -> Pe = 0.7 -> kappa = 0 / 0.3 = 0.
    # Brennan-Prediger (k=2): (0.7 - 0.5) / 0.5 = 0.4.
    # Krippendorff nominal: n = 20 values, n_absent = 17, n_present = 3; o(absent,present)
    # = o(present,absent) = 3 -> Do = 6/20 = 0.3; De = 2*17*3 / (20*19) = 102/380;
    # alpha = 1 - 0.3 * 380 / 102 = -12/102 = -0.1176...
    a = ["absent"] * 10
    b = ["present"] * 3 + ["absent"] * 7
    assert cohen_kappa(a, b).value == pytest.approx(0.0)
    assert cohen_kappa_from_counts(0, 0, 3, 7).value == pytest.approx(0.0)
    assert brennan_prediger(a, b).value == pytest.approx(0.4)
    assert krippendorff_alpha([a, b]).value == pytest.approx(-12 / 102)


def test_no_variation_is_undefined_with_reason():
    a = b = ["x"] * 6
    assert percent_agreement(a, b).value == 1.0
    result = cohen_kappa(a, b)
    assert result.value is None and not result.defined
    assert "no variation" in result.reason
    assert cohen_kappa_from_counts(0, 0, 0, 9).value is None
    assert fleiss_kappa([[4, 0], [4, 0]]).value is None
    alpha = krippendorff_alpha([a, b])
    assert alpha.value is None and "no variation" in alpha.reason


def test_empty_input_is_undefined():
    for result in (percent_agreement([], []), cohen_kappa([], []), brennan_prediger([], []),
                   cohen_kappa_from_counts(0, 0, 0, 0), fleiss_kappa([]),
                   krippendorff_alpha([[], []])):
        assert isinstance(result, Agreement)
        assert result.value is None and result.reason
        assert result.n_units == 0


def test_never_nan():
    results = [cohen_kappa(["x"], ["y"]), fleiss_kappa([[1, 0], [1, 0]]),
               krippendorff_alpha([[1, N], [N, 2]])]
    for r in results:
        assert r.value is None or not math.isnan(r.value)
    assert results[0].value == pytest.approx(0.0)  # Pe = 0, Po = 0
    assert results[1].reason == "fewer than two raters per unit"
    assert results[2].value is None and results[2].reason


def test_malformed_input_raises():
    with pytest.raises(ValueError):
        percent_agreement([1, 2], [1])
    with pytest.raises(ValueError):
        cohen_kappa([1, 2], [1])
    with pytest.raises(ValueError):
        cohen_kappa_from_counts(1, -1, 0, 0)
    with pytest.raises(ValueError):
        fleiss_kappa([[1, 2], [2, 2]])  # 3 raters, then 4
    with pytest.raises(ValueError):
        fleiss_kappa([[1, 2], [3]])
    with pytest.raises(ValueError):
        krippendorff_alpha([[1, 2], [1]])
    with pytest.raises(ValueError):
        krippendorff_alpha([[1, 2], [1, 2]], level="cardinal")
    with pytest.raises(ValueError):
        krippendorff_alpha([["a", "b"], ["a", "b"]], level="interval")
    with pytest.raises(ValueError):
        krippendorff_alpha([[1, -2], [1, 2]], level="ratio")


def test_krippendorff_single_coder_is_undefined():
    result = krippendorff_alpha([[1, 2, 3]])
    assert result.value is None
    assert result.reason == "fewer than two coders"
