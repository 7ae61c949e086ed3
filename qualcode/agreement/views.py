"""The agreement report as tables people read: one view each (overall, per code,
per transcript, per code in transcript, per family, coverage, excluded), with
French headers, bands, review flags, positive agreement and who codes more;
written to xlsx (a sheet per view, number formats, flagged rows in colour),
md (a table per view) or csv (one table, a column naming the view)."""
from __future__ import annotations

from pathlib import Path

from qualcode.agreement.reading import (POSITIVE_NOTE, alpha_band, flagged, kappa_band, positive_agreement,
                                        who_codes_more)

FLAG = "à revoir"
FLAG_FILL = "F8CBAD"  # rows under the threshold
BAND_FILLS = {"quasi parfait": "C6EFCE", "substantiel": "E2EFDA", "modéré": "FFEB9C", "passable": "F8CBAD",
              "faible": "F4B084", "désaccord": "F4B084"}
SHARES = ("Accord positif", "Accord brut")  # formatted as percentages
FIGURES = ("κ", "α", "α unitisation")  # formatted 0.000


def value(a):
    return None if a is None else a.value


def figure_row(f, report, threshold: float) -> dict:
    """The columns of one figure (a code, a transcript, a code in a transcript, or all)."""
    coders, m = report.coders, len(report.coders)
    kappa = value(f.kappa)
    row = {"κ": kappa, "Bande (Landis-Koch)": kappa_band(kappa) if f.kappa.value is not None or f.units else "",
           "Accord positif": positive_agreement(f.counts, m), "α": value(f.alpha),
           "Bande α (Krippendorff)": alpha_band(value(f.alpha)), "α unitisation": value(f.u_alpha),
           "Accord brut": value(f.agreement), "À revoir": FLAG if flagged(kappa, threshold) else "",
           "Qui code plus": who_codes_more(f.counts, coders, report.unit), "Unités": f.units}
    if m == 2:
        row |= {"Les deux": f.counts[3], f"Seulement {coders[0]}": f.counts[1],
                f"Seulement {coders[1]}": f.counts[2], "Aucun": f.counts[0]}
    row |= {f"Codages {c}": f.codings[c] for c in coders}
    if f.kappa.value is None and f.kappa.reason:
        row["Note"] = f"κ indéfini : {f.kappa.reason}"
    return row


def views(report, threshold: float, cover=(), warnings=()) -> dict[str, list[dict]]:
    """{sheet name: rows (dicts, French headers)} in reading order."""
    overall = {"Vue": "Ensemble", **figure_row(report.overall, report, threshold)}
    defined = [f.kappa.value for f in report.codes if f.kappa.value is not None]
    summary = [overall,
               {"Vue": f"Moyenne des κ par code ({len(defined)} codes)",
                "κ": sum(defined) / len(defined) if defined else None,
                "Bande (Landis-Koch)": kappa_band(sum(defined) / len(defined)) if defined else ""},
               {"Vue": f"Codes à revoir (κ < {threshold:g})",
                "Unités": sum(flagged(f.kappa.value, threshold) for f in report.codes)},
               {"Vue": "Réglages", "Note": f"{report.kappa_name}; unité : {report.unit}; portée : {report.scope}; "
                                           f"codes : {report.level}; codeurs : {', '.join(report.coders)}; "
                                           f"entretiens comparés : {len(report.transcripts)}"},
               {"Vue": "Lecture", "Note": POSITIVE_NOTE},
               {"Vue": "Bandes", "Note": "κ (Landis-Koch 1977) : < 0 désaccord, 0–0,20 faible, 0,21–0,40 passable, "
                                         "0,41–0,60 modéré, 0,61–0,80 substantiel, 0,81–1 quasi parfait ; α "
                                         "(Krippendorff) : ≥ 0,800 fiable, ≥ 0,667 conclusions provisoires"},
               *({"Vue": "Avertissement", "Note": w} for w in warnings)]
    out = {"Ensemble": summary,
           "Par code": [{"Code": f.code, "Libellé": f.label, **figure_row(f, report, threshold)} for f in report.codes],
           "Par entretien": [{"Entretien": f.transcript, **figure_row(f, report, threshold)}
                             for f in report.per_transcript],
           "Code × entretien": [{"Code": f.code, "Libellé": f.label, "Entretien": f.transcript,
                                 **figure_row(f, report, threshold)} for f in report.cells]}
    if report.families:
        out["Par famille"] = [{"Famille": f.family, "Libellé": f.label, "α": value(f.alpha),
                               "Bande α (Krippendorff)": alpha_band(value(f.alpha)),
                               "Segments appariés": f.alpha.n_units,
                               **{f"Segments codés {c}": n for c, n in f.coded.items()},
                               "Valeurs combinées": f.combined,
                               "À revoir": FLAG if flagged(value(f.alpha), 0.667) else ""} for f in report.families]
    if cover:
        out["Couverture"] = [{"Entretien": c.transcript, "Tours": c.turns,
                              **{f"Tours codés {k}": n for k, n in c.coded.items()},
                              **{f"Terminé {k}": "oui" if done else "" for k, done in c.finished.items()},
                              "À revoir": "codé en partie par " + ", ".join(c.partial) if c.partial else ""}
                             for c in cover]
    out["Exclus"] = [{"Entretien": t, "Non codé par": ", ".join(c)} for t, c in report.excluded.items()]
    return out


def _columns(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(k for r in rows for k in r))


def write(tables: dict[str, list[dict]], path: str | Path, title: str) -> Path:
    """xlsx (a sheet per view), md (a section per view) or csv/json (one table)."""
    from qualcode.exports.files import _suffix, atomic_write, write_rows

    path = Path(path)
    suffix = _suffix(path, ("xlsx", "md", "csv", "json"))
    if suffix in (".csv", ".json"):
        rows = [{"Vue": name, **r} if "Vue" not in r else r for name, rs in tables.items() for r in rs]
        return write_rows(rows, path, columns=_columns(rows), title=title)
    writer = _xlsx if suffix == ".xlsx" else _md
    return atomic_write(path, lambda tmp: writer(tables, tmp, title))


def _md(tables, tmp: Path, title: str) -> None:
    from qualcode.exports.french import number, percent

    def cell(key, v):
        if v is None:
            return ""
        if isinstance(v, float):
            return percent(v, 1) if key in SHARES else number(v, 3)
        return str(v).replace("|", "\\|")

    lines = [f"# {title}", ""]
    for name, rows in tables.items():
        columns = _columns(rows)
        lines += [f"## {name}", ""]
        if not rows:
            lines += ["(aucun)", ""]
            continue
        lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(cell(c, r.get(c)) for c in columns) + " |" for r in rows]
        lines.append("")
    tmp.write_text("\n".join(lines), encoding="utf-8")


def _xlsx(tables, tmp: Path, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from qualcode.exports.sheets import append_row

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    for name, rows in tables.items():
        ws = wb.create_sheet(name[:31])
        columns = _columns(rows) or ["(aucun)"]
        append_row(ws, columns)
        for c in ws[1]:
            c.font = Font(bold=True)
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for r in rows:
            append_row(ws, [r.get(c) for c in columns])  # text as text, never a formula
            line = ws.max_row
            for i, key in enumerate(columns, start=1):
                cell = ws.cell(line, i)
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                if key in SHARES:
                    cell.number_format = "0.0%"
                elif key in FIGURES:
                    cell.number_format = "0.000"
                elif isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                fill = BAND_FILLS.get(cell.value) if key.startswith("Bande") else None
                if fill:
                    cell.fill = PatternFill("solid", fgColor=fill)
            if r.get("À revoir"):
                for i in range(1, min(3, len(columns)) + 1):
                    ws.cell(line, i).fill = PatternFill("solid", fgColor=FLAG_FILL)
                ws.cell(line, columns.index("À revoir") + 1).font = Font(bold=True, color="9C0006")
        for i, key in enumerate(columns, start=1):
            width = max([len(str(key))] + [len(str(r.get(key) or "")) for r in rows[:200]])
            ws.column_dimensions[get_column_letter(i)].width = min(max(width, 8), 60) + 2
        ws.freeze_panes = "B2" if name != "Ensemble" else "A2"
        if rows:
            ws.auto_filter.ref = ws.dimensions
    wb.save(tmp)
