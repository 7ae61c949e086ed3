"""The expected-disagreement sum of unitizing alpha in O(n log n) (sorted gaps,
suffix sums, bisect) gives exactly the figures of the direct O(sections × gaps)
formula of Krippendorff (2004, §12.4): checked on random continua, integers kept."""
from __future__ import annotations

import random
from fractions import Fraction

from qualcode.agreement.unitizing import _expected_sum, segments, unitizing_alpha


def direct_sum(coded: list[int], gaps: list[int]) -> int:
    """Σ_g [(N_c - 1)/3 · (2l³ - 3l² + l) + l² Σ_{h: l_h >= l} (l_h - l + 1)], as written."""
    n_c = len(coded)
    total = 0
    for lg in coded:
        total += (n_c - 1) * lg * (lg - 1) * (2 * lg - 1) // 3
        total += lg * lg * sum(lh - lg + 1 for lh in gaps if lh >= lg)
    return total


def direct_alpha(length: int, sections: dict):
    """uα with the direct expected sum (the observed part is shared)."""
    parts = [segments(length, secs) for secs in sections.values()]
    m = len(parts)
    coded = [s.length for p in parts for s in p if s.coded]
    gaps = [s.length for p in parts for s in p if not s.coded]
    denominator = m * length * (m * length - 1) - sum(lg * (lg - 1) for lg in coded)
    return Fraction(2 * direct_sum(coded, gaps), length * denominator)


def random_sections(rng: random.Random, length: int, coders: int) -> dict:
    out = {}
    for c in range(coders):
        secs = []
        for _ in range(rng.randrange(0, 12)):
            start = rng.randrange(0, length - 1)
            secs.append((start, rng.randrange(start + 1, min(length, start + rng.choice((2, 5, 40, length))) + 1)))
        out[f"c{c}"] = secs
    return out


def test_sum_equals_the_direct_formula_on_random_lengths():
    rng = random.Random(2004)
    for _ in range(2000):
        coded = [rng.randrange(1, 60) for _ in range(rng.randrange(0, 15))]
        gaps = [rng.randrange(1, 80) for _ in range(rng.randrange(0, 15))]
        assert _expected_sum(coded, gaps) == direct_sum(coded, gaps)


def test_alpha_equals_the_direct_formula_on_random_continua():
    rng = random.Random(1995)
    for _ in range(600):
        length = rng.randrange(2, 400)
        sections = random_sections(rng, length, rng.randrange(2, 5))
        result = unitizing_alpha(length, sections)
        expected = direct_alpha(length, sections)
        if expected == 0:
            assert result.value is None
            continue
        assert result.expected == float(expected)


def test_a_long_pooled_continuum_is_fast():
    rng = random.Random(7)
    length = 5_000_000
    sections = {c: sorted({(s, s + rng.randrange(5, 400)) for s in rng.sample(range(0, length - 500), 20_000)})
                for c in ("a", "b")}
    import time

    started = time.process_time()
    result = unitizing_alpha(length, sections)
    assert result.value is not None and -1 <= result.value <= 1
    assert time.process_time() - started < 5  # the direct formula takes minutes here
