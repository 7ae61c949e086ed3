"""The spreadsheet writers every csv and xlsx export goes through.

`write_csv` writes a frame as UTF-8 csv (with a BOM, for Excel) and `xlsx_sheet`
streams a frame into a sheet of a write-only workbook (`workbook()`), so memory
stays flat however many rows there are; `append_row` is `ws.append` for a sheet
laid out by hand (normal openpyxl mode). All pass every text cell, headers
included, through `qualcode.exports.safe`: no cell is ever a live formula and no
character XML cannot hold reaches an xlsx file.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from qualcode.exports.safe import FORMULA_START, spreadsheet_text, xml_text

WRAP_CHARS = 60  # xlsx columns wider than this wrap their text


def _py(value: Any) -> Any:
    """Plain Python value for json/openpyxl; NaN and NA become None."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return value


def _neutralised(column: pd.Series) -> pd.Series:
    """Text cells starting like a formula get a leading apostrophe (vectorised)."""
    if pd.api.types.is_numeric_dtype(column):
        return column
    column = column.astype(object)
    try:
        risky = column.str.startswith(FORMULA_START, na=False)
    except AttributeError:  # no text in this column
        return column
    if not risky.any():
        return column
    return column.mask(risky, "'" + column.astype(str))


def write_csv(frame: pd.DataFrame, tmp) -> None:
    """`frame` (header and rows, no index) as csv, formula-like text neutralised."""
    safe = pd.DataFrame({i: _neutralised(frame.iloc[:, i]) for i in range(frame.shape[1])})
    safe.columns = [spreadsheet_text(str(c)) for c in frame.columns]
    safe.to_csv(tmp, index=False, encoding="utf-8-sig")


def workbook(title: str | None = None):
    """A write-only (streaming) openpyxl workbook."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    if title:
        wb.properties.title = xml_text(title)[:255]
    return wb


def _width(column: pd.Series) -> int:
    """The widest cell of a column, in characters (numbers as shown)."""
    values = column.dropna()
    if not len(values):
        return 0
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        ends = (values.min(), values.max())
        return max(len(f"{v:.2f}" if isinstance(_py(v), float) else str(_py(v))) for v in ends)
    values = values.astype(object)
    try:
        lengths = values.str.len()
    except AttributeError:
        lengths = pd.Series(np.nan, index=values.index)
    text = int(lengths.max()) if lengths.notna().any() else 0
    others = values[lengths.isna()]
    return max([text] + [len(f"{v:.2f}" if isinstance(v, float) else str(v)) for v in others.map(_py)])


def xlsx_sheet(wb, name: str, flat: pd.DataFrame, lead: int, *, header: list[str] | None = None,
               formats: Mapping[int, str] | None = None):
    """Stream `flat` into a new sheet: header in bold, panes frozen below it and after
    `lead` columns, widths set from content, long text wrapped, text typed as text.
    `formats` maps 0-based column numbers to number formats. Returns the sheet."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name)
    header = [str(c) for c in (header or flat.columns)]
    widths = [max(len(h), _width(flat.iloc[:, i])) for i, h in enumerate(header)]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(max(width, 6), WRAP_CHARS) + 2
    ws.freeze_panes = f"{get_column_letter(lead + 1)}2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cell(value, *, font=None, alignment=None, number_format=None):
        value = _py(value)
        if isinstance(value, str):
            value = xml_text(value)
        if font is None and alignment is None and number_format is None and \
                not (isinstance(value, str) and value.startswith("=")):
            return value  # a plain value: openpyxl types it (only "=" would make a formula)
        out = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            out.data_type = "s"  # text, never a formula
        if font is not None:
            out.font = font
        if alignment is not None:
            out.alignment = alignment
        if number_format is not None and value is not None:
            out.number_format = number_format
        return out

    ws.append([cell(h, font=bold) for h in header])
    wrapped = [wrap if w > WRAP_CHARS else None for w in widths]
    formats = [(formats or {}).get(i) for i in range(len(header))]
    for record in flat.itertuples(index=False):
        ws.append([cell(v, alignment=a, number_format=f) for v, a, f in zip(record, wrapped, formats)])
    return ws


def append_row(ws, values, styles=None) -> None:
    """`ws.append(values)` with text kept as text: characters XML cannot hold dropped,
    a value starting with "=" typed as a string, not a formula. `styles`: a dict of
    cell styles (font, fill, alignment, number_format) for every cell, or a list of
    such dicts (or None) per cell. Works on write-only (streamed) sheets too."""
    from openpyxl.cell import WriteOnlyCell

    values = [xml_text(v) if isinstance(v, str) else v for v in values]
    per_cell = styles if isinstance(styles, list) else [styles] * len(values)
    per_cell = per_cell + [None] * (len(values) - len(per_cell))
    cells = []
    for value, style in zip(values, per_cell):
        if style or (isinstance(value, str) and value.startswith("=")):
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            for key, setting in (style or {}).items():
                setattr(cell, key, setting)
            cells.append(cell)
        else:
            cells.append(value)
    ws.append(cells)


def text_cell(ws, row: int, column: int, text: str):
    """`ws.cell(row, column, text)` on a sheet laid out in place (normal openpyxl
    mode), typed as text and stripped of what XML cannot hold. Returns the cell."""
    cell = ws.cell(row=row, column=column, value=xml_text(text))
    cell.data_type = "s"
    return cell
