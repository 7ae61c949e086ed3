"""Atomic writing of export files: matrices (csv, xlsx, md, json, png) and rows.

Every file is written to a hidden temporary file beside its target and renamed
over it, so a failed export never leaves a half-written or damaged file; a
failure (read-only folder, disk full, file-size limit, a folder or a file in the
way) is one `QualcodeError` naming the target and what to do.

Spreadsheet cells are written by `qualcode.exports.sheets` (`write_csv`,
`xlsx_sheet`, `append_row`, `text_cell`), which neutralise formula-like text and
drop what XML cannot hold (`qualcode.exports.safe`): new csv/xlsx writers go
through `write_rows`, `write_matrix` or those functions, never `DataFrame.to_csv`
or raw openpyxl cells.
"""
from __future__ import annotations

import gc
import json
import math
import os
import tempfile
import textwrap
import warnings
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.exports.safe import xml_text
from qualcode.exports.sheets import WRAP_CHARS, _py, text_cell, workbook, write_csv, xlsx_sheet

SHEET_NAMES = {"segments": "Segments codés", "interviews": "Entretiens", "people": "Personnes",
               "share": "Part des entretiens", "count": "Codages", "excerpts": "Extraits",
               "overlap": "Chevauchements", "segment": "Même segment"}
HEADERS = {"code": "Code", "label": "Libellé", "transcript": "Entretien"}  # xlsx and md headers
LABEL_CHARS = 45  # heatmap tick labels are cut to this many characters


def atomic_write(path: str | Path, write_fn: Callable[[Path], Any]) -> Path:
    """Call write_fn(tmp) on a hidden temporary file beside `path` (same suffix), then
    rename it onto `path`. On any error the temporary file is removed and an existing
    `path` is left untouched; OS failures become one `QualcodeError` naming `path`.
    Parent folders are created."""
    return atomic_write_many([(path, write_fn)])[0]


def atomic_write_many(items: Sequence[tuple[str | Path, Callable[[Path], Any]]]) -> list[Path]:
    """`atomic_write` for several files, all or nothing: every file is written to its
    temporary file first, and only when all are complete are they renamed into
    place. On failure no target changes and the folders created are removed."""
    from qualcode import faults

    targets = [Path(p) for p, _ in items]
    for path in targets:
        faults.check_target(path)
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []
    path = targets[0] if targets else Path(".")
    with faults.quiet_unraisable():  # half-run writers (zip, lxml) fail again as they are freed
        try:
            for path, (_, write_fn) in zip(targets, items):
                created += [d for d in reversed(path.parents) if not d.exists()]
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
                os.close(fd)
                staged.append((Path(name), path))
                write_fn(Path(name))
                fsync_file(Path(name))
                os.chmod(name, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
            for tmp, path in staged:
                os.replace(tmp, path)
            return targets
        except BaseException as exc:
            for tmp, _ in staged:
                faults.remove_quietly(tmp)
            for folder in reversed(created):
                faults.remove_quietly(folder, folder=True)
            message = faults.describe(exc, path) if isinstance(exc, Exception) else None
            if message is None:
                raise
        gc.collect()
    raise QualcodeError(message)


def fsync_file(path: Path) -> None:
    """Flush a written file to the disk (before it is renamed over its target)."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _suffix(path: Path, formats: Sequence[str]) -> str:
    suffix = path.suffix.lower()
    if suffix.lstrip(".") not in formats:
        raise QualcodeError(f"{path}: unknown export format '{suffix}' ({', '.join(formats)})")
    return suffix


def _display_columns(flat: pd.DataFrame, labels: Mapping[str, str] | None) -> pd.DataFrame:
    """Column headers as people read them (Excel, Markdown): 'premiere_ligne' ->
    'Professionnels de première ligne'. CSV and JSON keep the raw values."""
    return flat.rename(columns=lambda c: (labels or {}).get(str(c), c))


def _flat(frame: pd.DataFrame, labels: Mapping[str, str] | None) -> tuple[pd.DataFrame, int]:
    """The frame as columns [key, (label), values...] and the number of lead columns."""
    flat = frame.copy()
    if "label" not in flat.columns and labels and any(str(i) in labels for i in flat.index):
        flat.insert(0, "label", [labels.get(str(i), str(i)) for i in flat.index])
    elif "label" in flat.columns:
        flat = flat[["label", *[c for c in flat.columns if c != "label"]]]
    lead = 2 if "label" in flat.columns else 1
    flat = flat.reset_index(names=frame.index.name or "code")
    return flat, lead


def sheet_name(measure: str, used: set[str] | None = None) -> str:
    """A valid, unique (within `used`) Excel sheet name for a measure key."""
    base = SHEET_NAMES.get(measure, measure)
    base = "".join("_" if c in "[]:*?/\\" else c for c in base)[:31] or "Feuille"
    name, n = base, 1
    while used is not None and name in used:
        n += 1
        name = f"{base[:31 - len(str(n)) - 1]} {n}"
    if used is not None:
        used.add(name)
    return name


def write_matrix(frames: Mapping[str, pd.DataFrame], path: str | Path, *, title: str,
                 labels: Mapping[str, str] | None = None, note: str | None = None,
                 sizes: Mapping[str, float] | None = None) -> Path:
    """Write matrices (measure key -> DataFrame) by the suffix of `path`: ``.csv`` (the
    first one), ``.xlsx`` (a sheet each, under a title row and a `note` row: measure,
    coders, date, filters), ``.md``, ``.json``, ``.png`` (heatmap of the first one,
    coloured within columns of `sizes` interviews). `labels` maps ids (index or
    columns) to display labels ("Usagers (n = 13)"). Rows whose code has sub-codes
    among the rows are parents: bold (xlsx, md, png), children indented."""
    path = Path(path)
    suffix = _suffix(path, ("csv", "xlsx", "md", "json", "png"))
    if not frames:
        raise QualcodeError(f"{path}: nothing to export")
    if suffix == ".png":
        from qualcode.exports.heatmap import draw

        measure, frame = next(iter(frames.items()))
        return atomic_write(path, lambda tmp: draw(frame, tmp, measure=measure, title=title, labels=labels or {},
                                                   path=path, sizes=sizes, note=note))
    if suffix in (".xlsx", ".md"):
        writer = _matrix_xlsx if suffix == ".xlsx" else _matrix_md
        return atomic_write(path, lambda tmp: writer(frames, tmp, title, labels or {}, path, note))
    writer = {".csv": _matrix_csv, ".json": _matrix_json}[suffix]
    return atomic_write(path, lambda tmp: writer(frames, tmp, title, labels or {}, path))


def _matrix_csv(frames, tmp, title, labels, path):
    flat, _ = _flat(next(iter(frames.values())), labels)
    write_csv(flat, tmp)


def matrix_records(frames: Mapping[str, pd.DataFrame], labels: Mapping[str, str] | None = None) -> dict:
    """The JSON form of matrices: {measure: {"columns": value columns, "rows": [{code,
    label, column: value...}]}}, plain Python values."""
    out = {}
    for measure, frame in frames.items():
        flat, lead = _flat(frame, labels)
        records = [{str(k): _py(v) for k, v in zip(flat.columns, rec)} for rec in flat.itertuples(index=False)]
        out[measure] = {"columns": [str(c) for c in flat.columns[lead:]], "rows": records}
    return out


def _matrix_json(frames, tmp, title, labels, path):
    out = matrix_records(frames, labels)
    tmp.write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")


def _md_cell(value: Any, percent: bool = False) -> str:
    value = _py(value)
    if value is None:
        return ""
    if percent and isinstance(value, (int, float)):
        from qualcode.exports.french import percent as french_percent

        return french_percent(value)
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value).replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def _md_table(flat: pd.DataFrame, lead: int, percent: bool = False) -> list[str]:
    header = [HEADERS.get(str(c), str(c)) if i < lead else str(c) for i, c in enumerate(flat.columns)]
    numeric = [i >= lead and pd.api.types.is_numeric_dtype(flat[c]) for i, c in enumerate(flat.columns)]
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    for rec in flat.itertuples(index=False):
        cells = [_md_cell(v, percent and numeric[i]) for i, v in enumerate(rec)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _hierarchy(frame: pd.DataFrame) -> tuple[list[int], set[str]]:
    """Each row's depth below the shallowest row, and the rows that are parents of others."""
    ids = [str(i) for i in frame.index]
    top = min((i.count("/") for i in ids), default=0)
    prefixes = {i.rsplit("/", 1)[0] for i in ids if "/" in i}
    return [i.count("/") - top for i in ids], {i for i in ids if i in prefixes}


def _matrix_md(frames, tmp, title, labels, path, note=None):
    lines = [f"# {title}", ""] + ([note, ""] if note else [])
    for measure, frame in frames.items():
        flat, lead = _flat(frame, labels)
        flat = _display_columns(flat, labels)
        if lead == 2:  # labels indented by depth, parents in bold
            depths, parents = _hierarchy(frame)
            flat.iloc[:, 1] = [("\u2003" * d) + (f"**{v}**" if str(i) in parents else str(v))
                               for d, i, v in zip(depths, frame.index, flat.iloc[:, 1])]
        lines += [f"## {sheet_name(measure)}", "", *_md_table(flat, lead, measure == "share"), ""]
    tmp.write_text("\n".join(lines), encoding="utf-8")


def _fill_sheet(ws, flat: pd.DataFrame, lead: int, top: int = 1) -> None:
    """Header in bold (on row `top`), frozen panes, values, widths set from content,
    long text wrapped."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    header = [HEADERS.get(str(c), str(c)) if i < lead else str(c) for i, c in enumerate(flat.columns)]
    widths = [len(h) for h in header]
    for col, text in enumerate(header, start=1):
        text_cell(ws, top, col, text).font = Font(bold=True)
    for r, rec in enumerate(flat.itertuples(index=False), start=top + 1):
        for col, value in enumerate(rec, start=1):
            value = _py(value)
            if isinstance(value, str):
                value = text_cell(ws, r, col, value).value  # a quote starting with "=" is text, not a formula
                widths[col - 1] = max(widths[col - 1], max(map(len, value.splitlines() or [""])))
                continue
            ws.cell(row=r, column=col, value=value)
            if value is not None:
                widths[col - 1] = max(widths[col - 1], len(f"{value:.2f}" if isinstance(value, float) else str(value)))
    for col, width in enumerate(widths, start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = min(max(width, 6), WRAP_CHARS) + 2
        if width > WRAP_CHARS:
            for (cell,) in ws.iter_rows(min_row=top + 1, min_col=col, max_col=col):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=top + 1, column=lead + 1).coordinate


def _matrix_xlsx(frames, tmp, title, labels, path, note=None):
    from openpyxl import Workbook
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()  # matrices are small: laid out in place, every text cell through text_cell
    wb.remove(wb.active)
    wb.properties.title = xml_text(title)
    used: set[str] = set()
    for measure, frame in frames.items():
        ws = wb.create_sheet(sheet_name(measure, used))
        flat, lead = _flat(frame, labels)
        flat = _display_columns(flat, labels)
        text_cell(ws, 1, 1, f"{title} — {sheet_name(measure)}").font = Font(bold=True, size=13)
        text_cell(ws, 2, 1, note or "")
        _fill_sheet(ws, flat, lead, top=3)
        if lead == 2:
            depths, parents = _hierarchy(frame)
            for r, (depth, code) in enumerate(zip(depths, frame.index), start=4):
                for col in (1, 2):
                    ws.cell(row=r, column=col).font = Font(bold=str(code) in parents)
                ws.cell(row=r, column=2).alignment = Alignment(indent=depth)
        numeric = [i + 1 for i, c in enumerate(flat.columns)
                   if i >= lead and pd.api.types.is_numeric_dtype(flat[c])]
        last = len(flat) + 3
        if measure == "share":
            for col in numeric:
                for (cell,) in ws.iter_rows(min_row=4, max_row=last, min_col=col, max_col=col):
                    cell.number_format = "0%"
        scaled = [c for c in numeric if not str(flat.columns[c - 1]).startswith("Total")]
        for col in scaled if len(flat) else []:  # each column on its own scale: groups differ in size
            letter = get_column_letter(col)
            ws.conditional_formatting.add(f"{letter}4:{letter}{last}", ColorScaleRule(
                start_type="num", start_value=0, start_color="FFFFFF", mid_type="percentile", mid_value=50,
                mid_color="FFE699", end_type="max", end_color="F4B183"))
    wb.save(tmp)


def write_rows(rows: Sequence[Mapping[str, Any]], path: str | Path, *, columns: Sequence[str],
               title: str | None = None, sheet: str = "Extraits", headers: Mapping[str, str] | None = None) -> Path:
    """Write records (e.g. coded excerpts) with these `columns`, in this order, to
    ``.csv``, ``.xlsx`` (bold header, frozen, autofilter, widths, long text wrapped;
    streamed), ``.json`` (a list of objects) or ``.md`` (a table, under `title` when
    given). `rows` may also be a DataFrame. `headers` renames columns for people
    (xlsx, md); csv and json keep the keys."""
    path = Path(path)
    suffix = _suffix(path, ("csv", "xlsx", "json", "md"))
    columns = list(columns)
    if isinstance(rows, pd.DataFrame):
        frame = rows.reindex(columns=columns).astype(object)
    else:
        frame = pd.DataFrame([[_py(row.get(c)) for c in columns] for row in rows], columns=columns, dtype=object)
    shown = frame.rename(columns=lambda c: (headers or {}).get(c, c))

    def write(tmp: Path) -> None:
        if suffix == ".csv":
            write_csv(frame, tmp)
        elif suffix == ".json":
            data = [{c: _py(v) for c, v in zip(columns, rec)} for rec in frame.itertuples(index=False)]
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
        elif suffix == ".md":
            lines = [f"# {title}", ""] if title else []
            tmp.write_text("\n".join([*lines, *_md_table(shown, 0), ""]), encoding="utf-8")
        else:
            wb = workbook(title)
            ws = xlsx_sheet(wb, sheet_name(sheet), shown, 0)  # frozen below the header only
            from openpyxl.utils import get_column_letter

            ws.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{len(frame) + 1}"
            wb.save(tmp)

    return atomic_write(path, write)
