"""Inter-coder agreement on a project: units, counts and figures.

Owns turning codings into units and counts, and counts into figures: which
transcripts are compared (only those coded by every compared coder), the scope
(every character or segment, or only those inside respondents' turns), the unit
(each character of the text, NVivo's definition; or each segment, coded by a
coder when one of their codings overlaps it), per code with roll-up (a parent
counts its sub-codes' codings), per transcript and pooled by summing counts;
Cohen's kappa for two coders, Fleiss' kappa for more, Krippendorff's alpha and
the unitizing alpha for any number; per family, nominal alpha over segments.
`load` reads the database; everything after it is pure (a `Corpus` in).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from qualcode.agreement.stats import (NO_UNITS, NO_VARIATION, Agreement, _kappa, cohen_kappa_from_counts,
                                      krippendorff_alpha)
from qualcode.agreement.unitizing import unitizing_alpha
from qualcode.codebook.model import ancestors, is_descendant_or_self
from qualcode.errors import QualcodeError, require_known

UNITS = ("character", "segment")
SCOPES = ("all", "respondents")


@dataclass
class Corpus:
    """What the agreement needs from a project: the compared coders, the codes
    (codebook order), the included transcripts' texts and segments (idx,
    speaker, role, start, end), their codings (transcript, code, coder, start,
    end), and the excluded transcripts with the coders who did not code them."""

    coders: list[str]
    codes: list
    texts: dict[str, str]
    segments: dict[str, list[dict]]
    codings: list[dict]
    excluded: dict[str, list[str]]


def load(project, coders, transcripts=None) -> Corpus:
    """Read the codings of `coders`; keep the transcripts (of `transcripts`, or
    all) that every one of them coded; the others go to `excluded`. A coder named
    after a suggestion method (`model`, `rules`) that no person uses stands for
    that method's pending and accepted suggestions, compared like a person's."""
    coders = list(dict.fromkeys(coders or []))
    if len(coders) < 2:
        raise QualcodeError("agreement needs at least two different coders (--coders A B)")
    store = project.store
    humans = store.coders()
    machines = [c for c in coders if c not in humans and c in store.suggestion_methods()]  # `model`, `rules`
    require_known("no codings by", coders, humans + machines, "coders")
    candidates = list(dict.fromkeys(transcripts or [])) or store.transcript_ids()
    for tid in transcripts or []:
        project.transcript(tid)  # refuses unknown ids
    people = [c for c in coders if c not in machines]
    rows = store.codings(coders=people, transcripts=transcripts or None) if people else []
    rows += [r for m in machines for r in store.suggestion_codings(m, transcripts)]
    seen: dict[str, set] = {}
    for r in rows:
        seen.setdefault(r["transcript"], set()).add(r["coder"])
    included = sorted(t for t in candidates if seen.get(t, set()) >= set(coders))
    if not included:
        raise QualcodeError(f"no transcript is coded by all of {', '.join(coders)}")
    texts = {t: store.transcript(t)["text"] for t in included}
    keys = ("transcript", "code", "coder", "start", "end")
    return Corpus(coders, project.codes(), texts, {t: store.segments(t) for t in included},
                  [{k: r[k] for k in keys} for r in rows if r["transcript"] in texts],
                  {t: [c for c in coders if c not in seen.get(t, ())] for t in candidates if t not in texts})


def select_codes(codes, level="all", within=()) -> list:
    """Codes reported at `level` (all, leaf, family, or a depth N: depth <= N),
    restricted to the sub-trees of `within` when given."""
    parents, level = {a for c in codes for a in ancestors(c.id)}, str(level)
    if level.isdigit() and int(level) >= 1:
        keep = [c for c in codes if c.depth <= int(level)]
    elif level in ("all", "leaf", "family"):
        keep = {"all": list(codes), "leaf": [c for c in codes if c.id not in parents], "family": families(codes)}[level]
    else:
        raise QualcodeError(f"unknown level '{level}' (leaf, family, all or a depth from 1)")
    return [c for c in keep if not within or any(is_descendant_or_self(c.id, w) for w in within)]


def families(codes) -> list:
    """Codes marked as families, or the top-level codes when none is marked."""
    return [c for c in codes if c.family] or [c for c in codes if c.parent is None]


def scope_segments(segments: list[dict], scope: str) -> list[dict]:
    if scope not in SCOPES:
        raise QualcodeError(f"unknown scope '{scope}' ({', '.join(SCOPES)})")
    return segments if scope == "all" else [s for s in segments if s["role"] == "respondent"]


def spans_of(segments: list[dict]) -> np.ndarray:
    """The segments' [start, end) as an (n, 2) array."""
    return np.array([[s["start"], s["end"]] for s in segments], dtype=np.int64).reshape(-1, 2)


def scope_spans(length: int, segments: list[dict], scope: str) -> np.ndarray:
    """The [start, end) character spans that count: the whole text, or respondents' turns."""
    return spans_of([{"start": 0, "end": length}] if scope == "all" else scope_segments(segments, scope))


def overlapping(starts, ends, lo, hi):
    """For each [lo, hi): the range [j0, j1) of the sorted disjoint spans [starts, ends) it overlaps."""
    return np.searchsorted(ends, lo, side="right"), np.searchsorted(starts, hi, side="left")


def pairs(j0, j1):
    """(k, j) for every k and every j in [j0[k], j1[k])."""
    sizes = np.maximum(j1 - j0, 0)
    k = np.repeat(np.arange(len(j0)), sizes)
    return k, np.arange(len(k)) - np.repeat(np.cumsum(sizes) - sizes, sizes) + np.repeat(j0, sizes)


def clip(spans: np.ndarray, lo, hi):
    """Intervals [lo, hi) cut to the spans: (index of the interval, start, end) per piece."""
    k, j = pairs(*overlapping(spans[:, 0], spans[:, 1], lo, hi))
    return k, np.maximum(lo[k], spans[j, 0]), np.minimum(hi[k], spans[j, 1])


def stretches(group, coder, lo, hi, m: int):
    """Maximal stretches of positions covered by a constant, non-empty set of coders:
    (group, begin, end, pattern) with bit i of pattern set when coder i covers it.
    A sweep over the sorted interval ends of all groups at once."""
    g, p, c = np.concatenate([group, group]), np.concatenate([lo, hi]), np.concatenate([coder, coder])
    d = np.concatenate([np.ones(len(lo), np.int64), -np.ones(len(hi), np.int64)])
    order = np.lexsort((p, g))
    g, p, c, d = g[order], p[order], c[order], d[order]
    pattern = np.zeros(len(g), dtype=np.int64)
    for i in range(m):
        pattern |= (np.cumsum(np.where(c == i, d, 0)) > 0).astype(np.int64) << i
    same = g[:-1] == g[1:]
    keep = same & (p[1:] > p[:-1]) & (pattern[:-1] != 0)
    return g[:-1][keep], p[:-1][keep], p[1:][keep], pattern[:-1][keep]


@dataclass
class Figure:
    """The figures of one code (None: pooled over codes) in one transcript (None:
    pooled over transcripts). counts[p] = units whose set of coders who coded
    them is the bit pattern p (bit i = coders[i]); codings per coder behind it."""

    code: str | None
    label: str
    transcript: str | None
    counts: list[int]
    codings: dict[str, int]
    agreement: Agreement
    kappa: Agreement
    alpha: Agreement
    u_alpha: Agreement | None = None

    @property
    def units(self) -> int:
        return sum(self.counts)


@dataclass
class FamilyFigure:
    """Nominal alpha for a family over segments: each coder's value is the code(s)
    they applied within the family there (several joined by " + "); a segment a
    coder left uncoded in the family is a missing value."""

    family: str
    label: str
    alpha: Agreement
    coded: dict[str, int]
    combined: int


@dataclass
class Report:
    coders: list[str]
    unit: str
    scope: str
    level: str
    transcripts: list[str]
    excluded: dict[str, list[str]]
    codes: list[Figure]
    cells: list[Figure]
    per_transcript: list[Figure]
    overall: Figure
    families: list[FamilyFigure]

    @property
    def kappa_name(self) -> str:
        return "Cohen's kappa" if len(self.coders) == 2 else "Fleiss' kappa"

    @property
    def pooling(self) -> str:
        roll = "" if self.level == "leaf" else " (a parent counts its sub-codes' codings)"
        return (f"{self.unit} units summed over the {len(self.codes)} codes listed{roll} and the "
                f"{len(self.transcripts)} transcripts compared")


def histogram(counts, m: int) -> list[int]:
    """Units coded by exactly k of the m coders, k = 0..m, from the units per pattern."""
    hist = [0] * (m + 1)
    for pattern, n in enumerate(counts):
        hist[pattern.bit_count()] += int(n)
    return hist


def binary_figures(counts, m: int) -> tuple[Agreement, Agreement, Agreement]:
    """(agreement, kappa, alpha) from the units per coder pattern. Agreement is the
    mean pairwise agreement (for two coders, the share of units coded alike); kappa
    is Cohen's (two coders) or Fleiss' (more), on the coded / not coded values."""
    counts, hist = [int(x) for x in counts], histogram(counts, m)
    n = sum(hist)
    if n == 0:
        none = Agreement(None, None, None, 0, NO_UNITS)
        return none, none, none
    pairs_alike = sum(h * (k * (k - 1) + (m - k) * (m - k - 1)) for k, h in enumerate(hist))
    po = Fraction(pairs_alike, m * (m - 1) * n)
    if m == 2:
        kappa = cohen_kappa_from_counts(counts[3], counts[1], counts[2], counts[0])
    else:  # Fleiss (1971): P̄ = po; p1 = share of coded ratings; P̄e = p1² + (1 - p1)²
        p1 = Fraction(sum(k * h for k, h in enumerate(hist)), m * n)
        kappa = _kappa(po, p1 * p1 + (1 - p1) ** 2, n)
    return Agreement(float(po), float(po), None, n), kappa, _binary_alpha(hist, m)


def _binary_alpha(hist: list[int], m: int) -> Agreement:
    """Krippendorff's nominal alpha, values coded / not coded, every coder on every
    unit: α = 1 - (n - 1) o_01 / (n_0 n_1) with o_01 = Σ_k h_k k (m - k) / (m - 1)."""
    units, n1 = sum(hist), sum(k * h for k, h in enumerate(hist))
    n, n0 = m * units, m * units - n1
    if n0 == 0 or n1 == 0:
        return Agreement(None, 0.0, 0.0, units, NO_VARIATION)
    o01 = Fraction(sum(h * k * (m - k) for k, h in enumerate(hist)), m - 1)
    d_o, d_e = 2 * o01 / n, Fraction(2 * n0 * n1, n * (n - 1))
    return Agreement(float(1 - d_o / d_e), float(d_o), float(d_e), units)


def _figure(code, label, transcript, counts, codings, coders, u_alpha=None) -> Figure:
    return Figure(code, label, transcript, [int(x) for x in counts],
                  {c: int(n) for c, n in zip(coders, codings)}, *binary_figures(counts, len(coders)), u_alpha)


def worst_first(figures: list[Figure]) -> list[Figure]:
    """Lowest kappa first, then lowest agreement; undefined kappas last."""
    def key(f):
        return (f.kappa.value is None, f.kappa.value or 0.0, f.agreement.value or 0.0, f.code or "")
    return sorted(figures, key=key)


def compute(corpus: Corpus, *, unit="character", scope="all", level="all", codes=()) -> Report:
    """Every figure of the agreement between the corpus' coders (see the module doc)."""
    if unit not in UNITS:
        raise QualcodeError(f"unknown unit '{unit}' ({', '.join(UNITS)})")
    rows = select_codes(corpus.codes, level, codes)
    if not rows:
        raise QualcodeError("no code to compare at this level and selection")
    coders, m, tids = corpus.coders, len(corpus.coders), list(corpus.texts)
    R, T = len(rows), len(tids)
    row_of = {c.id: r for r, c in enumerate(rows)}
    # each coding counts for its code and its ancestors, when reported
    targets = {code: [row_of[t] for t in (code, *ancestors(code)) if t in row_of]
               for code in {c["code"] for c in corpus.codings}}
    chars = intervals(corpus, targets, R, "character", scope)
    units = chars if unit == "character" else intervals(corpus, targets, R, "segment", scope)
    group, coder, lo, hi, ids, n_units = units
    size = 1 << m
    g, b, e, pat = stretches(group, coder, lo, hi, m)
    counts = np.bincount(g * size + pat, weights=e - b, minlength=T * R * size).astype(np.int64).reshape(T, R, size)
    counts[:, :, 0] = n_units[:, None] - counts.sum(axis=2)
    codings = _distinct(group * m + coder, ids, T * R * m).reshape(T, R, m)
    per_t = _distinct(group // R * m + coder, ids, T * m).reshape(T, m)
    u_alphas = _unitizing(corpus, rows, chars, scope)
    cells = [_figure(c.id, c.label, tid, counts[t, r], codings[t, r], coders, u_alphas.get((t, r)))
             for r, c in enumerate(rows) for t, tid in enumerate(tids)]
    pooled = [_figure(c.id, c.label, None, counts[:, r].sum(axis=0), codings[:, r].sum(axis=0), coders,
                      u_alphas.get((None, r))) for r, c in enumerate(rows)]
    per_transcript = [_figure(None, "", tid, counts[t].sum(axis=0), per_t[t], coders) for t, tid in enumerate(tids)]
    overall = _figure(None, "", None, counts.sum(axis=(0, 1)), per_t.sum(axis=0), coders)
    fams = family_alpha(corpus, scope, codes) if unit == "segment" else []
    return Report(coders, unit, scope, str(level), tids, corpus.excluded, worst_first(pooled), cells,
                  per_transcript, overall, fams)


def intervals(corpus: Corpus, targets: dict[str, list[int]], n_rows: int, unit: str = "character",
              scope: str = "all"):
    """Each coding, once per row it counts for (`targets`: code -> rows), as an interval
    [lo, hi) of unit positions in scope: characters (cut to the scope's spans), or
    indices of the segments in scope it overlaps. Returns arrays (group = transcript
    index * n_rows + row, coder index, lo, hi, coding index) and the units per transcript."""
    t_index = {t: i for i, t in enumerate(corpus.texts)}
    entries = np.array([(t_index[c["transcript"]], r, corpus.coders.index(c["coder"]), c["start"], c["end"], k)
                        for k, c in enumerate(corpus.codings) for r in targets.get(c["code"], ())],
                       dtype=np.int64).reshape(-1, 6)
    entries = entries[np.argsort(entries[:, 0], kind="stable")]  # by transcript: sliced, not masked
    bounds = np.searchsorted(entries[:, 0], np.arange(len(corpus.texts) + 1))
    parts, n_units = [], []
    for t, tid in enumerate(corpus.texts):
        e = entries[bounds[t]:bounds[t + 1]]
        segs = corpus.segments[tid]
        if unit == "character":
            spans = scope_spans(len(corpus.texts[tid]), segs, scope)
            k, lo, hi = clip(spans, e[:, 3], e[:, 4])
            n_units.append(int((spans[:, 1] - spans[:, 0]).sum()))
        else:
            kept = spans_of(scope_segments(segs, scope))
            lo, hi = overlapping(kept[:, 0], kept[:, 1], e[:, 3], e[:, 4])
            k = np.flatnonzero(hi > lo)
            lo, hi = lo[k], hi[k]
            n_units.append(len(kept))
        parts.append(np.column_stack([t * n_rows + e[k, 1], e[k, 2], lo, hi, e[k, 5]]))
    stacked = np.concatenate(parts).astype(np.int64) if parts else np.zeros((0, 5), np.int64)
    return (*stacked.T, np.array(n_units, dtype=np.int64))


def _distinct(major, ids, size: int) -> np.ndarray:
    """Number of distinct ids per major key in range(size)."""
    n = int(ids.max()) + 1 if len(ids) else 1
    return np.bincount(np.unique(major * n + ids) // n, minlength=size)


def _unitizing(corpus: Corpus, rows: list, chars, scope: str) -> dict:
    """uα per (transcript index, row) and pooled per (None, row): the continuum is
    the scope's characters of a transcript, or of all transcripts end to end."""
    group, coder, lo, hi, _, n_units = chars
    n_rows, m, n_texts = len(rows), len(corpus.coders), len(n_units)
    base = np.concatenate([[0], np.cumsum(n_units)]).tolist()
    sections = {(t, r): [[] for _ in range(m)] for t in (None, *range(n_texts)) for r in range(n_rows)}
    order = np.argsort(group // n_rows, kind="stable")  # rows of each transcript: one slice each
    bounds = np.searchsorted((group // n_rows)[order], np.arange(n_texts + 1))
    for t, tid in enumerate(corpus.texts):
        spans = scope_spans(len(corpus.texts[tid]), corpus.segments[tid], scope)
        before = np.concatenate([[0], np.cumsum(spans[:, 1] - spans[:, 0])])
        sel = order[bounds[t]:bounds[t + 1]]
        a, b = (before[j] + p - spans[j, 0] for p in (lo[sel], hi[sel])
                for j in [np.searchsorted(spans[:, 0], p, side="right") - 1])
        for g, c, start, end in zip(group[sel].tolist(), coder[sel].tolist(), a.tolist(), b.tolist()):
            sections[t, g - t * n_rows][c].append((start, end))
            sections[None, g - t * n_rows][c].append((start + base[t], end + base[t]))
    return {(t, r): unitizing_alpha(base[-1] if t is None else int(n_units[t]), dict(zip(corpus.coders, secs)))
            for (t, r), secs in sections.items()}


def family_value(codes: set[str]) -> str | None:
    """A coder's value for a segment in a family: the most specific codes applied."""
    kept = sorted(c for c in codes if not any(o != c and is_descendant_or_self(o, c) for o in codes))
    return " + ".join(kept) or None


def family_alpha(corpus: Corpus, scope: str = "all", within=()) -> list[FamilyFigure]:
    """Nominal alpha per family over the segments in scope (see `FamilyFigure`)."""
    fams = [f for f in families(corpus.codes) if not within or any(
        is_descendant_or_self(f.id, w) or is_descendant_or_self(w, f.id) for w in within)]
    if not fams:
        return []
    targets = {c["code"]: [i for i, f in enumerate(fams) if is_descendant_or_self(c["code"], f.id)]
               for c in corpus.codings}
    group, coder, lo, hi, ids, _ = intervals(corpus, targets, len(fams), "segment", scope)
    values = [[{} for _ in corpus.coders] for _ in fams]  # family, coder -> {(transcript, segment): codes}
    for g, c, a, b, k in zip(*(x.tolist() for x in (group, coder, lo, hi, ids))):
        t, f = divmod(g, len(fams))
        for u in range(a, b):
            values[f][c].setdefault((t, u), set()).add(corpus.codings[k]["code"])
    out = []
    for f, sets in zip(fams, values):
        per_coder = [{u: family_value(v) for u, v in coded.items()} for coded in sets]
        units = sorted(set().union(*per_coder))
        alpha = krippendorff_alpha([[vals.get(u) for u in units] for vals in per_coder])
        combined = sum(" + " in v for vals in per_coder for v in vals.values())
        out.append(FamilyFigure(f.id, f.label, alpha, {c: len(v) for c, v in zip(corpus.coders, per_coder)}, combined))
    return out
