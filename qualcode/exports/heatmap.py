"""The theme matrix as a PNG heatmap for a report page.

Colour is each cell's share within its column (interviews or people of the
column for those measures, the share itself for ``share``, the column's largest
value for segments), so that columns of unequal size (13 users, 4 partners) are
compared fairly; cells show the raw value ("83 %" for shares). 300 dpi, sized
for an A4 page (17 cm wide at most when it fits), parent codes in bold, labels
wrapped rather than cut, French number formats.
"""
from __future__ import annotations

import math
import textwrap
import warnings
from typing import Mapping

import numpy as np
import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.exports.french import percent

DPI = 300
LABEL_WRAP = 48  # characters per line of a row label
A4_WIDTH_IN = 6.7  # 17 cm: the text width of an A4 page with 2 cm margins


def column_shares(values: pd.DataFrame, measure: str, sizes: Mapping[str, float] | None) -> np.ndarray:
    """What the colour shows: each value as a share of its column (see the module doc)."""
    data = values.to_numpy(dtype=float)
    if list(values.index) == list(values.columns):  # co-occurrence: the diagonal (a code with itself) left out
        data = data.copy()
        np.fill_diagonal(data, np.nan)
    if measure == "share":
        return data
    if measure in ("interviews", "people") and sizes:
        n = np.array([float(sizes.get(str(c), 0) or 0) for c in values.columns])
        if (n > 0).all():
            return data / n
    top = np.nanmax(np.nan_to_num(data, nan=0.0), axis=0, initial=0.0)
    return data / np.where(top > 0, top, 1.0)


def _column_label(text: str) -> str:
    """Wrapped at 16 characters, "(n = 13)" kept whole on its own line."""
    name, sep, n = text.partition(" (n = ")
    return "\n".join(textwrap.wrap(name, 16) + ([f"(n = {n}"] if sep else []))


def draw(frame: pd.DataFrame, tmp, *, measure: str, title: str, labels: Mapping[str, str], path,
         sizes: Mapping[str, float] | None = None, note: str | None = None) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    values = frame.drop(columns=[c for c in ("label", "Total") if c in frame.columns])
    if not all(pd.api.types.is_numeric_dtype(values[c]) for c in values.columns):
        raise QualcodeError(f"{path}: a heatmap needs numbers (export the counts, not the excerpts)")
    ids = [str(i) for i in frame.index]
    names = list(frame["label"]) if "label" in frame.columns else [labels.get(i, i) for i in ids]
    parents = {i for i in ids if any(o.startswith(i + "/") for o in ids)}
    top = min((i.count("/") for i in ids), default=0)
    row_labels = ["\n".join(textwrap.wrap("   " * (i.count("/") - top) + " ".join(str(n).split()), LABEL_WRAP,
                                          drop_whitespace=False)) or i for i, n in zip(ids, names)]
    col_labels = [_column_label(labels.get(str(c), str(c))) for c in values.columns]
    rows, cols = values.shape
    lines = sum(label.count("\n") + 1 for label in row_labels)
    width = max(A4_WIDTH_IN, 3.4 + 0.62 * cols)
    height = max(2.5, 1.6 + 0.15 * lines + 0.1 * max((c.count("\n") for c in col_labels), default=0))
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    heading = "\n".join(textwrap.wrap(title, 90) + (textwrap.wrap(note, 100) if note else []))
    ax.set_title(heading or None, fontsize=7, loc="left")
    if rows and cols:
        shares = column_shares(values, measure, sizes)
        image = ax.imshow(shares, cmap="YlOrRd", vmin=0, vmax=1, aspect="auto")
        bar = fig.colorbar(image, ax=ax, fraction=0.035, pad=0.02,
                           format=FuncFormatter(lambda v, _: percent(v)))
        bar.ax.tick_params(labelsize=6)
        bar.set_label({"share": "part des entretiens de la colonne",
                       "segments": "part du maximum de la colonne"}.get(measure, "part de la colonne (n)"), fontsize=6)
        ax.set_xticks(range(cols), col_labels, fontsize=6.5)
        ax.xaxis.tick_top()
        ax.set_yticks(range(rows), row_labels, fontsize=6)
        for tick, code in zip(ax.get_yticklabels(), ids):
            if code in parents:
                tick.set_fontweight("bold")
        if rows * cols <= 4000:
            data = values.to_numpy(dtype=float)
            for (r, c), v in np.ndenumerate(data):
                text = "" if math.isnan(v) else percent(v) if measure == "share" else f"{v:g}"
                ax.text(c, r, text, ha="center", va="center", fontsize=5.5,
                        color="white" if shares[r, c] > 0.6 else "black")
    else:
        ax.text(0.5, 0.5, "Aucune donnée", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.tight_layout()
    fig.savefig(tmp, format="png", dpi=DPI)
