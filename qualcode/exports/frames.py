"""DataFrames of codings for matrices, excerpts and analysts.

`coding_units` (pure, vectorised) maps each coding to every segment (speaker
turn) its ``[start, end)`` span overlaps. The loaders read the store once per
table and return the frames `qualcode.exports.matrix` works on: ``units``,
``transcripts`` (indexed by id) and ``codes`` (codebook order).
"""
from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from qualcode.errors import QualcodeError

CODING_COLUMNS = ["id", "transcript", "code", "label", "coder", "start", "end", "quote", "memo",
                  "origin", "created_at"]
EXCERPT_LEAD = ["code", "label", "quote", "transcript", "speaker", "segment"]
EXCERPT_TAIL = ["coder", "memo", "start", "end", "id"]
OUTSIDE = 0  # segment number of a coding that overlaps no turn (e.g. a header); turns start at 1


def coding_units(codings: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """One row per (coding, segment it overlaps): the coding's columns (and index
    label, repeated) plus ``segment``, the segment's number, in text order.

    `codings`: ``transcript``, ``start``, ``end``, any other columns; `segments`:
    ``transcript``, ``segment``, ``start``, ``end``. Spans are half-open, so a
    coding ending where a turn starts does not reach it. A coding overlapping no
    segment keeps one row with segment 0. Two binary searches per coding over the
    segments sorted by (transcript, start): no loop over codings or segments."""
    keys = pd.Index(pd.unique(np.concatenate([segments["transcript"].to_numpy(dtype=object),
                                              codings["transcript"].to_numpy(dtype=object)])))
    s_t = keys.get_indexer(segments["transcript"]).astype(np.int64)
    s_start, s_end = (segments[c].to_numpy(dtype=np.int64) for c in ("start", "end"))
    c_t = keys.get_indexer(codings["transcript"]).astype(np.int64)
    c_start, c_end = (codings[c].to_numpy(dtype=np.int64) for c in ("start", "end"))
    order = np.lexsort((s_start, s_t))
    s_t, s_start, s_end = s_t[order], s_start[order], s_end[order]
    s_number = segments["segment"].to_numpy(dtype=np.int64)[order]
    width = int(max(s_end.max(initial=0), c_end.max(initial=0), s_start.max(initial=0))) + 1
    # Keys sort by transcript then offset; the running maximum of the end keys stays
    # sorted even if turns overlapped, and later transcripts' keys are always larger.
    start_keys = s_t * width + s_start
    end_keys = np.maximum.accumulate(s_t * width + s_end) if len(s_end) else s_end
    first = np.searchsorted(end_keys, c_t * width + c_start, side="right")
    stop = np.searchsorted(start_keys, c_t * width + c_end, side="left")
    counts = np.clip(stop - first, 0, None)
    rows = np.repeat(np.arange(len(codings)), counts)
    seg = np.repeat(first, counts) + (np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts))
    hit = (s_start[seg] < c_end[rows]) & (s_end[seg] > c_start[rows]) & (s_t[seg] == c_t[rows])
    rows, seg = rows[hit], seg[hit]
    missing = np.setdiff1d(np.arange(len(codings)), rows)
    numbers = np.concatenate([s_number[seg], np.full(len(missing), OUTSIDE, dtype=np.int64)])
    rows = np.concatenate([rows, missing])
    text_order = np.lexsort((numbers, rows))
    out = codings.iloc[rows[text_order]].copy()
    out["segment"] = numbers[text_order]
    return out


def segments_frame(store) -> pd.DataFrame:
    """All segments: transcript, segment (its number), speaker, start, end."""
    return pd.DataFrame.from_records(store.segment_spans(), columns=["transcript", "segment", "speaker", "start", "end"])


def transcripts_frame(store) -> pd.DataFrame:
    """Every transcript (index: id) with one column per attribute (None when unset)."""
    ids = store.transcript_ids()
    attributes = store.all_attributes()
    frame = pd.DataFrame.from_dict({t: attributes.get(t, {}) for t in ids}, orient="index", dtype=object)
    frame = frame.reindex(index=pd.Index(ids, dtype=object, name="transcript"))
    frame = frame.astype(object).where(frame.notna(), None)
    return frame[attribute_order(frame.columns)]


def attribute_order(columns: Iterable[str]) -> list[str]:
    """actor_type first, then the other attributes sorted."""
    columns = list(columns)
    return [c for c in ("actor_type",) if c in columns] + sorted(c for c in columns if c != "actor_type")


def codes_frame(store) -> pd.DataFrame:
    """The codebook in its order: id, label, family, description."""
    rows = store.codes()
    return pd.DataFrame([{k: r[k] for k in ("id", "label", "family", "description")} for r in rows],
                        columns=["id", "label", "family", "description"])


def as_names(value) -> list[str] | None:
    """None, a name or names -> a list without repeats, or None when empty."""
    names = [value] if isinstance(value, str) else list(value or [])
    return list(dict.fromkeys(names)) or None


def unknown_coders(store, coders: list[str] | None) -> None:
    """Refuse coder names without any coding (a typo would give an empty matrix)."""
    from qualcode.errors import require_known

    require_known("no codings by", coders, store.coders(), "coders")


def load_codings(store, *, coders=None, code=None) -> pd.DataFrame:
    """Codings (id, transcript, code, coder, start, end, memo, origin, created_at) of
    `coders` (names; None: all) and `code` (ids, each with its descendants; None: all)."""
    from qualcode.codebook.model import is_descendant_or_self
    from qualcode.codebook.operations import require_code

    coders, codes = as_names(coders), as_names(code)
    unknown_coders(store, coders)
    for one in codes or []:
        require_code(store, one)
    rows = store.codings(code=codes[0] if codes and len(codes) == 1 else None, coders=coders)
    frame = pd.DataFrame(rows, columns=["id", "transcript", "code", "coder", "start", "end", "memo",
                                        "origin", "created_at"])
    if codes and len(codes) > 1:
        frame = frame[[any(is_descendant_or_self(c, of) for of in codes) for c in frame["code"]]]
    return frame.reset_index(drop=True)


def matrix_units(store, *, coders=None) -> pd.DataFrame:
    """The ``units`` of the matrix functions: transcript, segment, code, coder."""
    codings = pd.DataFrame.from_records(store.coding_spans(coders), columns=["transcript", "code", "coder", "start", "end"])
    units = coding_units(codings, segments_frame(store))
    return units[["transcript", "segment", "code", "coder"]].reset_index(drop=True)


def matrix_inputs(store, *, coders=None, agreement=False):
    """(units, transcripts, coders) for theme matrices. Without `coders` every
    transcript counts; with `coders`, only those they coded (any of them; with
    `agreement`, every one of them, all coders when none is named), so shares are
    taken over the interviews the selected coders actually coded."""
    coders = as_names(coders)
    unknown_coders(store, coders)
    if agreement:
        coders = coders or store.coders()
        if len(coders) < 2:
            raise QualcodeError(f"agreement needs two coders or more (coders: {', '.join(coders) or 'none'})")
    units = matrix_units(store, coders=coders)
    transcripts = transcripts_frame(store)
    if coders:
        per = units.groupby("transcript")["coder"].nunique()
        keep = per[per >= (len(coders) if agreement else 1)].index
        transcripts = transcripts[transcripts.index.isin(keep)]
    return units, transcripts, coders


def codings_frame(store, *, coders=None, code=None) -> pd.DataFrame:
    """One row per coding: id, transcript, code, label, coder, start, end, quote, memo,
    origin, created_at, then one column per transcript attribute (renamed KEY_attribute
    if it clashes with those). `code`: an id or ids, each with its descendants;
    `coders`: a name or names."""
    codings = load_codings(store, coders=coders, code=code)
    labels = codes_frame(store).set_index("id")["label"]
    texts = {t: store.transcript(t)["text"] for t in codings["transcript"].unique()}
    codings["label"] = codings["code"].map(labels)
    codings["quote"] = [texts[t][s:e] for t, s, e in zip(codings["transcript"], codings["start"], codings["end"])]
    attributes = transcripts_frame(store)
    attributes = attributes.rename(columns={c: f"{c}_attribute" for c in attributes.columns if c in CODING_COLUMNS})
    frame = codings[CODING_COLUMNS].join(attributes, on="transcript")
    return frame.reset_index(drop=True)


def where_transcripts(transcripts: pd.DataFrame, where) -> pd.DataFrame:
    """The transcripts (`transcripts_frame`) whose attributes match `where`."""
    return _where(transcripts, where, transcripts.columns)


def _where(frame: pd.DataFrame, where: Mapping[str, str | Iterable[str]] | Iterable[str] | None,
           known: Iterable[str], values_of: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows whose attributes match: several values of one key are alternatives,
    different keys must all match. `where` is a mapping or "key=value" strings.
    A value no transcript has (in `values_of`, default `frame`) is refused."""
    if not where:
        return frame
    if not isinstance(where, Mapping):
        pairs: dict[str, list[str]] = {}
        for item in where:
            key, sep, value = str(item).partition("=")
            if not sep or not key.strip():
                raise QualcodeError(f"bad filter '{item}': expected attribute=value")
            pairs.setdefault(key.strip(), []).append(value.strip())
        where = pairs
    from qualcode.errors import require_known

    known = set(known)
    for key, values in where.items():
        if key not in known:
            raise QualcodeError(f"no transcript has attribute '{key}' (known: {', '.join(sorted(known)) or 'none'})")
        values = [values] if isinstance(values, str) else list(values)
        present = sorted({str(v) for v in (values_of if values_of is not None else frame)[key].dropna()})
        require_known(f"no transcript has {key} =", values, present, "values")
        frame = frame[frame[key].astype(str).isin(values)]
    return frame


def excerpts_frame(store, *, code=None, coders=None, coder=None, where=None) -> pd.DataFrame:
    """One row per coding, in codebook order then transcript and offset: code, label,
    quote, transcript, speaker and segment (where the coding starts), actor_type and
    the other attributes, coder, memo, start, end, id. `where` keeps transcripts by
    attribute (``{"actor_type": "usagers"}`` or ``["actor_type=usagers"]``)."""
    if coder is not None:
        coders = [coder, *([coders] if isinstance(coders, str) else coders or [])]
    frame = codings_frame(store, coders=coders, code=code)
    attributes = [c for c in frame.columns if c not in CODING_COLUMNS]
    frame = _where(frame, where, attributes, where and transcripts_frame(store).rename(
        columns={c: f"{c}_attribute" for c in CODING_COLUMNS}))
    segments = segments_frame(store)
    starts = coding_units(frame[["transcript", "start", "end"]], segments)
    starts = starts[~starts.index.duplicated()]  # the first segment each coding reaches
    speakers = segments.set_index(["transcript", "segment"])["speaker"]
    frame = frame.assign(segment=starts["segment"])
    keys = pd.MultiIndex.from_arrays([frame["transcript"], frame["segment"]])
    frame["speaker"] = speakers.reindex(keys).to_numpy()
    position = {c: i for i, c in enumerate(codes_frame(store)["id"])}
    frame = frame.assign(_order=frame["code"].map(position)).sort_values(
        ["_order", "transcript", "start", "end", "coder"], kind="stable")
    columns = EXCERPT_LEAD + attribute_order(attributes) + EXCERPT_TAIL
    return frame[columns].reset_index(drop=True)
