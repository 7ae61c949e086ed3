"""Theme matrix, framework matrix and co-occurrence: pure functions over DataFrames.

Inputs are built by the project layer (no database here):

- ``units``: one row per (coding, segment it overlaps): ``transcript``, ``segment``,
  ``code``, ``coder``; duplicates allowed.
- ``transcripts``: indexed by transcript id, one column per attribute, and ``people``
  (respondents; missing counts as 1). Codings of transcripts absent from it are
  ignored, so passing a filtered ``transcripts`` filters the matrix.
- ``codes``: ``id``, ``label``, ``family``, in codebook order (parents first).

Roll-up: a coding of ``a/b/c`` also counts for ``a/b`` and ``a``, once per unit.
Everything is vectorised (merge/groupby); the only Python loops run over codes.
"""
from __future__ import annotations

import unicodedata
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from qualcode.codebook.model import ancestors
from qualcode.errors import QualcodeError

MEASURES = ("segments", "interviews", "people", "share")
NO_VALUE = "(sans valeur)"
TOTAL = "Total"
UNIT_KEY = ["transcript", "segment", "code"]


def _expand(df: pd.DataFrame, keep: Iterable[str] | None = None) -> pd.DataFrame:
    """Each row repeated for its code and every ancestor, the code column replaced
    (as a categorical); with `keep`, only the target codes in it are kept."""
    keep = None if keep is None else set(keep)
    source = pd.Categorical(df["code"].astype(object))
    targets = [[t for t in (c, *ancestors(c)) if keep is None or t in keep] for c in source.categories]
    names = list(dict.fromkeys(t for group in targets for t in group))
    position = {name: i for i, name in enumerate(names)}
    flat = np.array([position[t] for group in targets for t in group], dtype=np.int64)
    sizes = np.array([len(group) for group in targets] + [0], dtype=np.int64)  # [-1]: NaN code
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    reps = sizes[source.codes]
    rows = np.repeat(np.arange(len(df)), reps)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(reps) - reps, reps)
    out = df.iloc[rows].reset_index(drop=True)
    target = flat[starts[source.codes[rows]] + within] if len(rows) else np.array([], dtype=np.int64)
    out["code"] = pd.Categorical.from_codes(target, categories=pd.Index(names, dtype=object))
    return out


def _plain(wide: pd.DataFrame) -> pd.DataFrame:
    """Categorical axes (from grouping categoricals) back to plain object axes."""
    wide.index, wide.columns = wide.index.astype(object), wide.columns.astype(object)
    return wide


def rollup(units: pd.DataFrame, codes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add a row for every ancestor of each row's code, then drop duplicates on
    (transcript, segment, code, coder): a parent counts a segment once even when
    two of its children coded it. With `codes`, rows of codes outside it are dropped.
    ``code`` comes back as a categorical (cheap to group; ``.astype(str)`` for text)."""
    keep = None if codes is None else codes["id"]
    out = _expand(units[["transcript", "segment", "code", "coder"]], keep)
    return out.drop_duplicates(["transcript", "segment", "code", "coder"], ignore_index=True)


def select_coders(units: pd.DataFrame, coders: Sequence[str] | None = None, mode: str = "union") -> pd.DataFrame:
    """Units (transcript, segment, code) of the selected coders (None: all coders).

    ``union``: a unit counts if any selected coder coded it; ``agreement``: only if
    every selected coder did (with coders None: every coder present in `units`).
    Call it after `rollup`: roll up first, then agree, so coders who used sibling
    codes on a segment agree on the parent."""
    if mode not in ("union", "agreement"):
        raise QualcodeError(f"unknown coder mode '{mode}' (union, agreement)")
    if coders is not None:
        coders = list(dict.fromkeys(coders))
        units = units[units["coder"].isin(coders)]
    if mode == "union":
        return units[UNIT_KEY].drop_duplicates(ignore_index=True)
    needed = len(coders) if coders is not None else units["coder"].nunique()
    per_unit = units.groupby(UNIT_KEY, sort=False, observed=True)["coder"].nunique()
    agreed = per_unit[per_unit == needed].index
    return agreed.to_frame(index=False)[UNIT_KEY]


def rows_for_level(codes: pd.DataFrame, level: str | int = "all") -> pd.DataFrame:
    """The codes shown at `level`, in codebook order: ``all``; ``leaf`` (no children);
    ``family`` (family=True, or the top-level codes when none is marked); or an
    int N (depth ≤ N, a top-level code having depth 1)."""
    ids = codes["id"].astype(str)
    if isinstance(level, str) and level.strip().isdigit():
        level = int(level)
    if isinstance(level, int) and not isinstance(level, bool):
        if level < 1:
            raise QualcodeError(f"bad level {level}: depths start at 1")
        mask = ids.str.count("/") + 1 <= level
    elif level == "all":
        mask = pd.Series(True, index=codes.index)
    elif level == "leaf":
        parents = {a for code in ids for a in ancestors(code)}
        mask = ~ids.isin(parents)
    elif level == "family":
        family = codes["family"].fillna(False).astype(bool) if "family" in codes else None
        mask = family if family is not None and family.any() else ~ids.str.contains("/")
    else:
        raise QualcodeError(f"unknown level '{level}' (family, leaf, all or a depth)")
    return codes[mask.to_numpy()].reset_index(drop=True)


def _sort_key(value: str) -> tuple[str, str]:
    text = unicodedata.normalize("NFKD", value)
    return ("".join(c for c in text if not unicodedata.combining(c)).casefold(), value)


def column_values(transcripts: pd.DataFrame, by: str) -> pd.Series:
    """Each transcript's value of attribute `by` as text; missing or blank values
    become "(sans valeur)"."""
    if by not in transcripts.columns:
        if len(transcripts):
            known = ", ".join(sorted(c for c in transcripts.columns if c != "people")) or "none"
            raise QualcodeError(f"no transcript has attribute '{by}' (known: {known})")
        return pd.Series([], index=transcripts.index, dtype=object)
    values = transcripts[by].astype(object).where(transcripts[by].notna(), None)
    text = values.map(lambda v: NO_VALUE if v is None or not str(v).strip() else str(v).strip())
    return text.astype(object)


def order_columns(values: Iterable[str], column_order: Sequence[str] | None = None) -> list[str]:
    """`column_order` first (values present only), then the rest sorted, accent-
    insensitively; "(sans valeur)" goes last unless `column_order` places it."""
    present = set(values)
    first = [v for v in dict.fromkeys(column_order or []) if v in present]
    rest = sorted((v for v in present - set(first) if v != NO_VALUE), key=_sort_key)
    tail = [NO_VALUE] if NO_VALUE in present and NO_VALUE not in first else []
    return first + rest + tail


def theme_matrices(units, transcripts, codes, *, by="actor_type", measures=MEASURES, level="all",
                   coders=None, mode="union", column_order=None) -> dict[str, pd.DataFrame]:
    """One theme matrix per measure (see `theme_matrix`); the roll-up and coder
    selection are done once."""
    measures = list(measures)
    for measure in measures:
        if measure not in MEASURES:
            raise QualcodeError(f"unknown measure '{measure}' ({', '.join(MEASURES)})")
    rows = rows_for_level(codes, level)
    row_ids = rows["id"].tolist()
    columns = column_values(transcripts, by)
    col_order = order_columns(columns.unique(), column_order)
    people = pd.to_numeric(transcripts.get("people", pd.Series(index=transcripts.index, dtype=float)),
                           errors="coerce").fillna(1).astype(int)

    units = units.astype({"transcript": "category", "coder": "category"})  # factorise once
    selected = select_coders(rollup(units, rows), coders, mode)
    selected = selected[selected["transcript"].isin(transcripts.index)]
    selected = selected.assign(_col=selected["transcript"].map(columns))
    interviews = selected.drop_duplicates(["transcript", "code"])
    n_transcripts = columns.value_counts().reindex(col_order, fill_value=0)

    def table(frame: pd.DataFrame, value: str | None = None) -> pd.DataFrame:
        grouped = frame.groupby(["code", "_col"], sort=False, observed=True)
        counts = grouped.size() if value is None else grouped[value].sum()
        wide = _plain(counts.unstack("_col", fill_value=0)) if len(counts) else pd.DataFrame()
        wide = wide.reindex(index=row_ids, columns=col_order, fill_value=0).fillna(0).astype(int)
        wide[TOTAL] = wide.sum(axis=1)
        return wide

    out: dict[str, pd.DataFrame] = {}
    for measure in measures:
        if measure == "segments":
            wide = table(selected)
        elif measure == "people":
            wide = table(interviews.assign(_people=interviews["transcript"].map(people).astype(int)), "_people")
        else:
            wide = table(interviews)
            if measure == "share":
                denominators = pd.Series(list(n_transcripts) + [int(n_transcripts.sum())], index=wide.columns)
                wide = wide.astype(float).div(denominators.where(denominators > 0), axis=1).fillna(0.0)
        wide.insert(0, "label", rows["label"].tolist())
        wide.index.name, wide.columns.name = "code", None
        out[measure] = wide
    return out


def theme_matrix(units, transcripts, codes, *, by="actor_type", measure="segments", level="all",
                 coders=None, mode="union", column_order=None) -> pd.DataFrame:
    """Codes of `level` × values of attribute `by` (all transcripts, "(sans valeur)"
    for those without it) plus "Total", with roll-up. Index: code id; first column
    ``label``. Measures: ``segments`` (distinct coded segments), ``interviews``
    (transcripts where the code appears), ``people`` (their respondents), ``share``
    (interviews / transcripts of the column, 0 for an empty column)."""
    return theme_matrices(units, transcripts, codes, by=by, measures=[measure], level=level,
                          coders=coders, mode=mode, column_order=column_order)[measure]


def direct_columns(used: Iterable[str], col_ids: Sequence[str]) -> list[str]:
    """Codes with codings of their own (`used`) that no column takes: parents of the
    columns (a leaf level drops them). Each gets a column of its own codings only."""
    shown = set(col_ids)
    parents = {a for c in col_ids for a in ancestors(c)}
    return [c for c in dict.fromkeys(used) if c in parents and c not in shown]


def with_direct(col_ids: Sequence[str], direct: Sequence[str]) -> list[str]:
    """The columns with each direct column placed before its first sub-code's column."""
    out = list(col_ids)
    for parent in sorted(direct, key=lambda c: -c.count("/")):
        at = next((i for i, c in enumerate(out) if c.startswith(parent + "/")), len(out))
        out.insert(at, parent)
    return out


def framework_matrix(excerpts: pd.DataFrame, transcripts: pd.DataFrame, codes: pd.DataFrame, *,
                     level="leaf", cells="count") -> pd.DataFrame:
    """Transcripts (sorted ids) × codes of `level`, with roll-up. ``count``: distinct
    codings (transcript, code, coder, start, end) after roll-up; ``excerpts``: the
    distinct passages, in text order, as « quote » joined by blank lines. A parent of
    the columns coded directly gets a column of those codings (`direct_columns`);
    `wide.attrs["direct"]` lists them."""
    if cells not in ("count", "excerpts"):
        raise QualcodeError(f"unknown cells '{cells}' (count, excerpts)")
    row_ids = sorted(transcripts.index.astype(str))
    col_ids = rows_for_level(codes, level)["id"].tolist()
    data = excerpts[excerpts["transcript"].isin(row_ids)]
    direct = direct_columns(data["code"], col_ids)
    own = data[data["code"].isin(direct)]
    data = pd.concat([_expand(data[["transcript", "code", "coder", "start", "end", "quote"]], col_ids),
                      own[["transcript", "code", "coder", "start", "end", "quote"]]], ignore_index=True)
    data["code"] = data["code"].astype(object)
    col_ids = with_direct(col_ids, direct)
    if cells == "count":
        data = data.drop_duplicates(["transcript", "code", "coder", "start", "end"])
        cell = data.groupby(["transcript", "code"], observed=True).size()
    else:
        data = data.drop_duplicates(["transcript", "code", "start", "end"]).sort_values(
            ["transcript", "code", "start", "end"], kind="stable")
        quoted = "« " + data["quote"].fillna("").astype(str).str.strip() + " »"
        cell = quoted.groupby([data["transcript"], data["code"]], observed=True).agg("\n\n".join)
    wide = _plain(cell.unstack("code")) if len(cell) else pd.DataFrame()
    wide = wide.reindex(index=row_ids, columns=col_ids)
    wide = wide.fillna(0).astype(int) if cells == "count" else wide.astype(object).fillna("")
    wide.index.name, wide.columns.name = "transcript", None
    wide.attrs["direct"] = direct
    return wide


def _square(pairs: pd.DataFrame, diagonal: pd.Series, ids: list[str]) -> pd.DataFrame:
    """Symmetric ids × ids counts from unordered pairs (columns lo, hi: code names)."""
    counts = pairs.groupby(["lo", "hi"]).size()
    wide = counts.unstack("hi", fill_value=0) if len(counts) else pd.DataFrame()
    wide = wide.reindex(index=ids, columns=ids, fill_value=0).fillna(0).astype(int)
    wide = wide + wide.T
    for code, n in diagonal.items():
        wide.loc[code, code] = int(n)
    wide.index.name, wide.columns.name = "code", None
    return wide


def cooccurrence(codings: pd.DataFrame, codes: pd.DataFrame, *, mode="overlap", units=None,
                 level="leaf") -> pd.DataFrame:
    """Codes × codes of `level` (roll-up: a coding counts for each of its ancestors-
    or-self shown at the level), symmetric.

    ``overlap``: pairs of codings by the same coder (same transcript, [start, end)
    spans intersecting; two coders' codes on one passage are a disagreement, not a
    co-occurrence) whose rows differ, each unordered pair of codings counted once per
    pair of rows; diagonal: codings of the row. ``segment``: distinct (transcript,
    segment) units of `units` where one coder applied both rows; diagonal: units of
    the row (any coder)."""
    ids = rows_for_level(codes, level)["id"].tolist()
    if mode == "overlap":
        data = codings[["transcript", "code", "coder", "start", "end"]].reset_index(drop=True)
        data = _expand(data.assign(_id=np.arange(len(data))), ids)
        key = ["_id_a", "_id_b", "lo", "hi"]
    elif mode == "segment":
        if units is None:
            raise QualcodeError("segment co-occurrence needs the coded segments (units)")
        data = _expand(units[UNIT_KEY + ["coder"]], ids).drop_duplicates(ignore_index=True)
        key = ["transcript", "segment", "lo", "hi"]
    else:
        raise QualcodeError(f"unknown co-occurrence mode '{mode}' (overlap, segment)")
    names = data["code"].cat.categories
    data["code"] = data["code"].cat.codes  # compare small ints, not strings
    if mode == "overlap":
        diagonal = data.groupby("code").size()
    else:
        diagonal = data.drop_duplicates(["transcript", "segment", "code"]).groupby("code").size()
    if mode == "overlap":
        both = data.merge(data, on=["transcript", "coder"], suffixes=("_a", "_b"))
        both = both[(both["_id_a"] < both["_id_b"]) & (both["code_a"] != both["code_b"])
                    & (both["start_a"] < both["end_b"]) & (both["start_b"] < both["end_a"])]
    else:
        both = data.merge(data, on=["transcript", "segment", "coder"], suffixes=("_a", "_b"))
        both = both[both["code_a"] < both["code_b"]]
    a, b = both["code_a"].to_numpy(), both["code_b"].to_numpy()
    pairs = both.assign(lo=np.minimum(a, b), hi=np.maximum(a, b)).drop_duplicates(key)
    pairs = pd.DataFrame({"lo": names[pairs["lo"]], "hi": names[pairs["hi"]]})
    diagonal.index = names[diagonal.index]
    return _square(pairs, diagonal, ids)
