"""Krippendorff's unitizing alpha (2004, §12.4): hand computations and the book's example."""
import pytest

from qualcode.agreement.unitizing import (
    Segment,
    merge_sections,
    segment_difference,
    segments,
    unitizing_alpha,
)


def test_identical_sections_give_one():
    result = unitizing_alpha(50, {"ana": [(3, 9), (20, 31)], "bob": [(3, 9), (20, 31)],
                                  "cy": [(20, 31), (3, 9)]})
    assert result.value == pytest.approx(1.0)
    assert result.observed == 0.0
    assert result.n_units == 50


def test_small_hand_computed_case():
    # L = 10, m = 2, A codes [2,6), B codes [3,7).
    # Segments as (begin, length): A: gap(0,2) coded(2,4) gap(6,4);
    #                             B: gap(0,3) coded(3,4) gap(7,3).
    # Observed: only the coded/coded pair differs: (2-3)² + (6-7)² = 2 (no section lies
    # wholly inside a gap of the other coder). Ordered pairs: 2*2 = 4.
    #   uDo = 4 / (m(m-1) L²) = 4 / 200 = 0.02
    # Expected: N_c = 2 coded sections, both l = 4; gaps of all coders: 2, 4, 3, 3.
    #   per section: (N_c-1)/3 (2*64 - 3*16 + 4) = 84/3 = 28, plus l² Σ_{gaps >= 4}(l_h - l + 1)
    #   = 16 * 1 = 16  ->  44; both sections: 88.
    #   numerator = (2/L) * 88 = 17.6; denominator = mL(mL-1) - Σ l(l-1) = 20*19 - 2*12 = 356
    #   uDe = 17.6 / 356 = 0.0494382...
    # uα = 1 - 0.02 * 356 / 17.6 = 1 - 89/220 = 131/220 = 0.595454...
    result = unitizing_alpha(10, {"A": [(2, 6)], "B": [(3, 7)]})
    assert result.observed == pytest.approx(0.02)
    assert result.expected == pytest.approx(17.6 / 356)
    assert result.value == pytest.approx(131 / 220)


def test_one_coder_codes_nothing():
    # L = 10, A codes nothing (one gap of 10), B codes [2,6).
    # Observed: B's section (length 4) lies wholly inside A's gap: δ² = 16; ordered: 32.
    #   uDo = 32 / 200 = 0.16
    # Expected: N_c = 1 (so the first term vanishes), l = 4; gaps 10 (A), 2 and 4 (B);
    #   l² Σ_{gaps >= 4}(l_h - l + 1) = 16 * ((10-4+1) + (4-4+1)) = 16 * 8 = 128;
    #   numerator = (2/10) * 128 = 25.6; denominator = 20*19 - 4*3 = 368; uDe = 25.6/368
    # uα = 1 - 0.16 * 368 / 25.6 = 1 - 2.3 = -1.3
    result = unitizing_alpha(10, {"A": [], "B": [(2, 6)]})
    assert result.observed == pytest.approx(0.16)
    assert result.expected == pytest.approx(25.6 / 368)
    assert result.value == pytest.approx(-1.3)


def test_nothing_coded_is_undefined():
    result = unitizing_alpha(100, {"A": [], "B": [], "C": []})
    assert result.value is None
    assert "nothing was coded" in result.reason


def test_krippendorff_2004_book_example():
    # Krippendorff (2004), Content Analysis 2nd ed., p. 254: continuum [150, 450), two
    # observers; category c: i = [225,295), [370,400); j = [220,300), [355,375), [400,420);
    # category k identical for both: [180,240), [300,350). Values uDo_c = 0.0144,
    # uDe_c = 0.0532, uα_c = 0.7286, uDe_k = 0.0490, uα_k = 1 (as reproduced in the
    # DKPro Statistics test suite, Krippendorff2004Test). Shifted here by -150.
    # Hand check of uDo_c: (5² + 5²) + (15² + 25²) + 20² (j's [400,420) inside i's last gap)
    # = 50 + 850 + 400 = 1300; uDo = 2 * 1300 / (2 * 300²) = 0.014444...
    c = unitizing_alpha(300, {"i": [(75, 145), (220, 250)],
                              "j": [(70, 150), (205, 225), (250, 270)]})
    assert c.observed == pytest.approx(1300 / 90000)
    assert c.observed == pytest.approx(0.0144, abs=1e-4)
    assert c.expected == pytest.approx(0.0532, abs=1e-4)
    assert c.value == pytest.approx(0.7286, abs=1e-4)
    k = unitizing_alpha(300, {"i": [(30, 90), (150, 200)], "j": [(30, 90), (150, 200)]})
    assert k.expected == pytest.approx(0.0490, abs=1e-4)
    assert k.value == pytest.approx(1.0)


def test_krippendorff_2004_distance_examples():
    # Krippendorff (2004: 252-254) δ² values, as reproduced in DKPro's Krippendorff2004Test
    # (Segment(begin, length, coded)).
    assert segment_difference(Segment(225, 70, True), Segment(220, 80, True)) == 50
    assert segment_difference(Segment(370, 30, True), Segment(355, 20, True)) == 850
    assert segment_difference(Segment(400, 50, False), Segment(400, 20, True)) == 400
    assert segment_difference(Segment(5, 6, True), Segment(4, 2, True)) == 26
    assert segment_difference(Segment(5, 6, True), Segment(6, 4, True)) == 2
    assert segment_difference(Segment(5, 6, True), Segment(4, 7, False)) == 36
    assert segment_difference(Segment(5, 6, True), Segment(6, 7, False)) == 0  # not inside
    assert segment_difference(Segment(0, 5, False), Segment(0, 9, False)) == 0


def test_krippendorff_1995_observed_disagreement():
    # Krippendorff (1995: 57), pair A (Bertha/Bill) on a 24-unit continuum:
    # Bertha [2,10), [14,20); Bill [4,8), [15,17).
    # (2-4)² + (10-8)² + (14-15)² + (20-17)² = 8 + 10 = 18; uDo = 2*18 / (2 * 24²) = 0.03125.
    result = unitizing_alpha(24, {"Bertha": [(2, 10), (14, 20)], "Bill": [(4, 8), (15, 17)]})
    assert result.observed == pytest.approx(0.03125)


def test_overlapping_sections_are_merged():
    assert merge_sections([(5, 8), (0, 3), (2, 4), (8, 9)]) == [(0, 4), (5, 9)]
    assert segments(10, [(2, 4), (3, 6)]) == [Segment(0, 2, False), Segment(2, 4, True),
                                              Segment(6, 4, False)]
    merged = unitizing_alpha(10, {"A": [(2, 4), (3, 6)], "B": [(3, 7)]})
    assert merged.value == pytest.approx(131 / 220)


def test_degenerate_and_malformed():
    assert unitizing_alpha(10, {"A": [(1, 3)]}).reason == "fewer than two coders"
    assert unitizing_alpha(0, {"A": [], "B": []}).value is None
    with pytest.raises(ValueError):
        unitizing_alpha(10, {"A": [(5, 11)], "B": []})
    with pytest.raises(ValueError):
        unitizing_alpha(10, {"A": [(5, 5)], "B": []})
    with pytest.raises(ValueError):
        unitizing_alpha(-1, {"A": [], "B": []})
