"""Krippendorff's unitizing alpha (uα) for one code over a text continuum.

Owns the agreement of *where* coders put a code: each coder's sections of the
code split the text (a continuum of `length` characters) into coded and uncoded
segments, and uα compares those segmentations. Pure functions, no I/O.
"""
from __future__ import annotations

import bisect
import operator
from dataclasses import dataclass
from fractions import Fraction
from typing import Hashable, Iterable, Mapping

from qualcode.agreement.stats import Agreement


@dataclass(frozen=True)
class Segment:
    """A stretch [begin, begin + length) of one coder's continuum; `coded` is
    Krippendorff's w (1 for a section of the code, 0 for a gap)."""

    begin: int
    length: int
    coded: bool

    @property
    def end(self) -> int:
        return self.begin + self.length


def merge_sections(sections: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort half-open [start, end) sections and merge those that overlap or touch."""
    merged: list[list[int]] = []
    for start, end in sorted(sections):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def segments(length: int, sections: Iterable[tuple[int, int]]) -> list[Segment]:
    """Partition [0, length) into alternating gaps and coded segments (sections merged first)."""
    out: list[Segment] = []
    pos = 0
    for start, end in merge_sections(sections):
        if start > pos:
            out.append(Segment(pos, start - pos, False))
        out.append(Segment(start, end - start, True))
        pos = end
    if pos < length:
        out.append(Segment(pos, length - pos, False))
    return out


def segment_difference(g: Segment, h: Segment) -> int:
    """Krippendorff's (2004: 252) squared difference δ²_ighj between segment g of
    coder i and segment h of coder j (b = begin, l = length, w = coded):

        (b_g - b_h)² + (b_g + l_g - b_h - l_h)²  if w_g = w_h = 1 and -l_g < b_g - b_h < l_h
        l_g²                                    if w_g = 1, w_h = 0 and l_h - l_g >= b_g - b_h >= 0
        l_h²                                    if w_g = 0, w_h = 1 and l_g - l_h >= b_h - b_g >= 0
        0                                       otherwise

    i.e. two overlapping sections differ by their squared begin and end
    offsets, a section lying wholly inside the other coder's gap counts its
    squared length, and gaps never differ from gaps.
    """
    d = g.begin - h.begin
    if g.coded and h.coded and -g.length < d < h.length:
        return d * d + (g.end - h.end) ** 2
    if g.coded and not h.coded and h.length - g.length >= d >= 0:
        return g.length ** 2
    if h.coded and not g.coded and g.length - h.length >= -d >= 0:
        return h.length ** 2
    return 0


def _pair_disagreement(a: list[Segment], b: list[Segment]) -> int:
    """Σ_g Σ_h δ²(g, h) for two partitions of the same continuum. Only
    overlapping pairs can differ, so both partitions are swept in one pass."""
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        total += segment_difference(a[i], b[j])
        ea, eb = a[i].end, b[j].end
        i += ea <= eb
        j += eb <= ea
    return total


def _validated(length, sections) -> dict[Hashable, list[tuple[int, int]]]:
    try:
        length = operator.index(length)
    except TypeError:
        raise ValueError(f"length must be an integer, got {length!r}") from None
    if length < 0:
        raise ValueError(f"length must not be negative, got {length}")
    out = {}
    for coder, secs in sections.items():
        checked = []
        for sec in secs:
            start, end = (operator.index(x) for x in sec)
            if not 0 <= start < end <= length:
                raise ValueError(
                    f"section [{start}, {end}) of coder {coder!r} is empty "
                    f"or outside [0, {length})")
            checked.append((start, end))
        out[coder] = checked
    return out


def _expected_sum(coded: list[int], gaps: list[int]) -> int:
    """Σ_g [(N_c - 1)/3 · (2l_g³ - 3l_g² + l_g) + l_g² Σ_{h: l_h >= l_g} (l_h - l_g + 1)]
    over the coded lengths l_g, the inner sum over all gap lengths l_h. With the gaps
    sorted and their suffix sums, the c gaps ≥ l_g summing to S give l_g²(S - c(l_g - 1)):
    O((sections + gaps) log gaps) instead of O(sections × gaps), in exact integers."""
    n_c = len(coded)
    ordered = sorted(gaps)
    suffix = [0] * (len(ordered) + 1)
    for i in range(len(ordered) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + ordered[i]
    total = 0
    for lg in coded:
        # (2l³ - 3l² + l) = l(l-1)(2l-1) = 6 Σ_{k<l} k², so the division by 3 is exact
        total += (n_c - 1) * lg * (lg - 1) * (2 * lg - 1) // 3
        first = bisect.bisect_left(ordered, lg)
        total += lg * lg * (suffix[first] - (len(ordered) - first) * (lg - 1))
    return total


def unitizing_alpha(
    length: int, sections: Mapping[Hashable, Iterable[tuple[int, int]]]
) -> Agreement:
    """Krippendorff's uα for one code: Content Analysis, 2nd ed. (2004), §12.4,
    pp. 251-256 (the measure was introduced in Krippendorff 1995, "On the
    reliability of unitizing continuous data", *Sociological Methodology* 25:47-76).

    Input: the continuum length L (characters) and, per coder, half-open
    [start, end) sections of the code. With m coders, each coder i's continuum
    is partitioned into segments g (begin b_ig, length l_ig, w_ig = 1 when coded,
    0 for a gap), δ² as in `segment_difference`, and N_c = Σ_i Σ_g w_ig the
    number of coded segments of all coders:

        uDo = Σ_i Σ_{j≠i} Σ_g Σ_h δ²_ighj / (m(m-1) L²)

        uDe = (2/L) Σ_i Σ_g w_ig [ (N_c - 1)/3 · (2l_ig³ - 3l_ig² + l_ig)
                                   + l_ig² Σ_j Σ_{h: l_jh >= l_ig} (1 - w_jh)(l_jh - l_ig + 1) ]
              / [ mL(mL - 1) - Σ_i Σ_g w_ig l_ig(l_ig - 1) ]

        uα = 1 - uDo/uDe

    (in the uDe inner sum, j ranges over all coders including i, and only gaps
    at least as long as the section count). Computed exactly with fractions.

    Interpretations: a coder's overlapping or touching sections are merged
    first, so segments alternate between coded and gap (a coder either coded a
    character with the code or not); a coder with no section has one gap
    [0, L); `n_units` is L (the continuum length). Undefined (value None) with
    fewer than two coders, L = 0, or when uDe = 0 (nobody coded anything).
    Malformed sections (empty, or outside [0, L)) raise ValueError.
    """
    by_coder = _validated(length, sections)
    m, big_l = len(by_coder), operator.index(length)
    if m < 2:
        return Agreement(None, None, None, big_l, "fewer than two coders")
    if big_l == 0:
        return Agreement(None, None, None, 0, "the text is empty")
    parts = [segments(big_l, secs) for secs in by_coder.values()]

    pairs = sum(_pair_disagreement(parts[i], parts[j]) for i in range(m) for j in range(i + 1, m))
    # δ² is symmetric, so the sum over ordered pairs of coders is twice `pairs`
    d_o = Fraction(2 * pairs, m * (m - 1) * big_l * big_l)

    coded = [s.length for p in parts for s in p if s.coded]
    gaps = [s.length for p in parts for s in p if not s.coded]
    n_c = len(coded)
    numerator = _expected_sum(coded, gaps)
    denominator = m * big_l * (m * big_l - 1) - sum(lg * (lg - 1) for lg in coded)
    d_e = Fraction(2 * numerator, big_l * denominator)
    if d_e == 0:
        reason = ("nothing was coded by any coder: expected disagreement is 0" if n_c == 0
                  else "no variation: expected disagreement is 0")
        return Agreement(None, float(d_o), 0.0, big_l, reason)
    return Agreement(float(1 - d_o / d_e), float(d_o), float(d_e), big_l)
