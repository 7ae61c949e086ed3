"""Agreement coefficients for coded units: percent agreement, Cohen's kappa,
Fleiss' kappa, Brennan-Prediger kappa and Krippendorff's alpha.

Pure functions over plain Python data. Every coefficient returns an `Agreement`;
degenerate but valid input gives ``value=None`` with a plain-English ``reason``
(never NaN, never an exception). Only malformed input raises `ValueError`.
"""
from __future__ import annotations

import math
import numbers
import operator
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Hashable, Sequence

NO_UNITS = "no units to compare"
NO_VARIATION = "no variation: every unit has the same value, chance agreement is 1"


@dataclass(frozen=True)
class Agreement:
    """One coefficient. `observed`/`expected` are agreements (Po, Pe) for the
    kappas and disagreements (Do, De) for the alphas; `value` is None when the
    coefficient is undefined, and `reason` then says why."""

    value: float | None
    observed: float | None
    expected: float | None
    n_units: int
    reason: str | None = None

    @property
    def defined(self) -> bool:
        return self.value is not None


def _same_length(a: Sequence, b: Sequence) -> int:
    if len(a) != len(b):
        raise ValueError(f"the two coders rated different numbers of units ({len(a)} and {len(b)})")
    return len(a)


def _count(x, name: str) -> int:
    try:
        n = operator.index(x)
    except TypeError:
        raise ValueError(f"{name} must be an integer count, got {x!r}") from None
    if n < 0:
        raise ValueError(f"{name} must not be negative, got {n}")
    return n


def _kappa(po: Fraction, pe: Fraction, n: int) -> Agreement:
    """(Po - Pe) / (1 - Pe), undefined when Pe = 1."""
    if pe == 1:
        return Agreement(None, float(po), 1.0, n, NO_VARIATION)
    return Agreement(float((po - pe) / (1 - pe)), float(po), float(pe), n)


def percent_agreement(a: Sequence[Hashable], b: Sequence[Hashable]) -> Agreement:
    """Share of units on which two coders give the same label: Po = #{u: a_u = b_u} / N.

    No chance correction (``expected`` is None). Reference: e.g. Neuendorf,
    *The Content Analysis Guidebook* (2017), ch. 6 ("percent agreement").
    """
    n = _same_length(a, b)
    if n == 0:
        return Agreement(None, None, None, 0, NO_UNITS)
    po = Fraction(sum(x == y for x, y in zip(a, b)), n)
    return Agreement(float(po), float(po), None, n)


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> Agreement:
    """Cohen's kappa for two coders' labels (any hashables) on the same units.

    κ = (Po - Pe) / (1 - Pe), with Po = share of units labelled alike and
    Pe = Σ_k p_a(k)·p_b(k), the SUM over categories k of the PRODUCT of the two
    coders' marginal proportions. Undefined when Pe = 1 (both coders give one
    and the same category to every unit). Reference: Cohen, J. (1960), "A
    coefficient of agreement for nominal scales", *Educ. Psychol. Meas.* 20:37-46.
    """
    n = _same_length(a, b)
    if n == 0:
        return Agreement(None, None, None, 0, NO_UNITS)
    agree = sum(x == y for x, y in zip(a, b))
    ca, cb = Counter(a), Counter(b)
    pe_num = sum(count * cb[k] for k, count in ca.items())
    return _kappa(Fraction(agree, n), Fraction(pe_num, n * n), n)


def cohen_kappa_from_counts(both: int, only_a: int, only_b: int, neither: int) -> Agreement:
    """Cohen's kappa for a binary 2×2 table (e.g. units = characters of a text,
    "coded"/"not coded" by coders A and B).

    N = both + only_a + only_b + neither; Po = (both + neither) / N;
    p_a = (both + only_a) / N, p_b = (both + only_b) / N;
    Pe = p_a·p_b + (1 - p_a)(1 - p_b); κ = (Po - Pe) / (1 - Pe). Reference: Cohen (1960).
    """
    both, only_a, only_b, neither = (
        _count(x, name) for x, name in
        ((both, "both"), (only_a, "only_a"), (only_b, "only_b"), (neither, "neither")))
    n = both + only_a + only_b + neither
    if n == 0:
        return Agreement(None, None, None, 0, NO_UNITS)
    ya, yb = both + only_a, both + only_b
    pe_num = ya * yb + (n - ya) * (n - yb)
    return _kappa(Fraction(both + neither, n), Fraction(pe_num, n * n), n)


def fleiss_kappa(counts: Sequence[Sequence[int]]) -> Agreement:
    """Fleiss' kappa for a units × categories table; n_ij = raters putting unit i
    in category j. Every row must sum to the same number of raters n.

    P_i = (Σ_j n_ij² - n) / (n(n - 1)); P̄ = mean_i P_i;
    p_j = Σ_i n_ij / (N·n); P̄e = Σ_j p_j²; κ = (P̄ - P̄e) / (1 - P̄e).
    Reference: Fleiss, J. L. (1971), "Measuring nominal scale agreement among
    many raters", *Psychological Bulletin* 76(5):378-382.
    """
    rows = [[_count(x, "a count") for x in row] for row in counts]
    if not rows:
        return Agreement(None, None, None, 0, NO_UNITS)
    k = len(rows[0])
    if any(len(r) != k for r in rows):
        raise ValueError("every row of a Fleiss table must have the same number of categories")
    n = sum(rows[0])
    if any(sum(r) != n for r in rows):
        raise ValueError("every unit of a Fleiss table must be rated by the same number of raters")
    n_units = len(rows)
    if n < 2:
        return Agreement(None, None, None, n_units, "fewer than two raters per unit")
    p_bar = Fraction(sum(sum(x * x for x in r) - n for r in rows), n_units * n * (n - 1))
    totals = [sum(r[j] for r in rows) for j in range(k)]
    pe = Fraction(sum(t * t for t in totals), (n_units * n) ** 2)
    return _kappa(p_bar, pe, n_units)


def _brennan_prediger(po: Fraction, k: int, n: int) -> Agreement:
    pc = Fraction(1, k)
    return Agreement(float((po - pc) / (1 - pc)), float(po), float(pc), n)


def brennan_prediger(
    a: Sequence[Hashable], b: Sequence[Hashable], k: int | None = None
) -> Agreement:
    """Brennan-Prediger kappa (the "free-marginal" kappa MAXQDA reports).

    κ_BP = (Po - 1/k) / (1 - 1/k): chance agreement is Pc = 1/k for k
    categories; k defaults to the number of categories observed in either
    coder's labels, at least 2. Reference: Brennan, R. L. & Prediger, D. J.
    (1981), "Coefficient kappa: some uses, misuses, and alternatives",
    *Educ. Psychol. Meas.* 41:687-699.
    """
    n = _same_length(a, b)
    observed = len(set(a) | set(b))
    if k is None:
        k = max(2, observed)
    else:
        k = _count(k, "k")
        if k < max(2, observed):
            raise ValueError(f"k={k} is smaller than 2 or than the {observed} categories observed")
    if n == 0:
        return Agreement(None, None, float(Fraction(1, k)), 0, NO_UNITS)
    return _brennan_prediger(Fraction(sum(x == y for x, y in zip(a, b)), n), k, n)


def brennan_prediger_from_counts(
    both: int, only_a: int, only_b: int, neither: int, k: int = 2
) -> Agreement:
    """Brennan-Prediger kappa for a binary 2×2 table: Po = (both + neither) / N,
    κ_BP = (Po - 1/k) / (1 - 1/k), k = 2 by default. Reference: Brennan & Prediger (1981)."""
    cells = [_count(x, "a count") for x in (both, only_a, only_b, neither)]
    k = _count(k, "k")
    if k < 2:
        raise ValueError("k must be at least 2")
    n = sum(cells)
    if n == 0:
        return Agreement(None, None, float(Fraction(1, k)), 0, NO_UNITS)
    return _brennan_prediger(Fraction(cells[0] + cells[3], n), k, n)


LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _is_missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def krippendorff_alpha(data: Sequence[Sequence], level: str = "nominal") -> Agreement:
    """Krippendorff's alpha for a coders × units matrix (None or NaN = missing).

    Units with fewer than 2 values are not pairable and are dropped. For each
    remaining unit u with m_u values, every ordered pair of values (c, k) from
    two different coders adds 1/(m_u - 1) to the coincidence o_ck; n_c = Σ_k o_ck
    and n = Σ_c n_c. Then
        Do = (1/n) Σ_c Σ_k o_ck δ²_ck,   De = 1/(n(n-1)) Σ_c Σ_k n_c n_k δ²_ck,
        α = 1 - Do/De,
    with the difference functions
        nominal  δ² = 0 if c = k else 1
        ordinal  δ² = (Σ_{g=c..k} n_g - (n_c + n_k)/2)², g running over the
                 sorted distinct values between c and k
        interval δ² = (c - k)²
        ratio    δ² = ((c - k)/(c + k))²   (values must be >= 0).
    Undefined with fewer than two coders, no pairable unit, or a single value
    overall (De = 0). Reference: Krippendorff, K. (2011), "Computing
    Krippendorff's Alpha-Reliability", Annenberg School for Communication,
    University of Pennsylvania, https://repository.upenn.edu/asc_papers/43.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    rows = [[None if _is_missing(v) else _checked(v, level) for v in r] for r in data]
    n_units = len(rows[0]) if rows else 0
    if any(len(r) != n_units for r in rows):
        raise ValueError("every coder must have one value (or None) per unit")
    if len(rows) < 2:
        return Agreement(None, None, None, 0, "fewer than two coders")

    coincidences: Counter = Counter()
    pairable = 0
    for u in range(n_units):
        values = Counter(r[u] for r in rows if r[u] is not None)
        m_u = sum(values.values())
        if m_u < 2:
            continue
        pairable += 1
        for c, nc in values.items():
            for k, nk in values.items():
                coincidences[c, k] += nc * (nk - (c == k)) / (m_u - 1)
    if pairable == 0:
        return Agreement(None, None, None, 0, "no unit has values from two or more coders")

    marginals: Counter = Counter()
    for (c, _), o in coincidences.items():
        marginals[c] += o
    n = sum(marginals.values())
    if len(marginals) < 2:
        return Agreement(None, 0.0, 0.0, pairable, NO_VARIATION)

    delta = _difference(level, marginals)
    d_o = sum(o * delta(c, k) for (c, k), o in coincidences.items()) / n
    d_e = sum(marginals[c] * marginals[k] * delta(c, k)
              for c in marginals for k in marginals) / (n * (n - 1))
    return Agreement(float(1 - d_o / d_e), float(d_o), float(d_e), pairable)


def _checked(v, level: str):
    """`v` as a plain int/float for the numeric levels; ValueError if it is not a number."""
    if level == "nominal":
        return v
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise ValueError(f"{level} alpha needs numeric values, got {v!r}")
    v = int(v) if isinstance(v, numbers.Integral) else float(v)
    if level == "ratio" and v < 0:
        raise ValueError(f"ratio alpha needs non-negative values, got {v!r}")
    return v


def _difference(level: str, marginals: Counter):
    """The squared difference function δ²(c, k) of Krippendorff (2011) for `level`."""
    if level == "nominal":
        return lambda c, k: 0 if c == k else 1
    if level == "interval":
        return lambda c, k: float(c - k) ** 2
    if level == "ratio":
        return lambda c, k: 0.0 if c == k else ((c - k) / (c + k)) ** 2
    ranked = sorted(marginals)
    cumulative = [0.0]  # cumulative[i] = Σ n_g over the first i ranked values
    for value in ranked:
        cumulative.append(cumulative[-1] + marginals[value])
    rank = {value: i for i, value in enumerate(ranked)}

    def ordinal(c, k):
        lo, hi = sorted((rank[c], rank[k]))
        return (cumulative[hi + 1] - cumulative[lo] - (marginals[c] + marginals[k]) / 2) ** 2

    return ordinal
