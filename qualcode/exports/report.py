"""Word documents: the report of coded excerpts and the framework matrix.

The report opens with a summary table per code, then one heading per code (its
depth is the heading level), its definition, and its excerpts grouped by actor
type as quotes, each followed by a reference such as "Monsieur Fabrice,
entretien U07, usager, hôtel à bas seuil" (see `qualcode.exports.excerpts`).
Documents are in French (fr-FR) on A4 pages. Both writers go through `atomic_write`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from qualcode.exports.excerpts import (ACTOR_GROUPS, ACTOR_ORDER, ACTOR_SINGULAR, actor_columns,  # noqa: F401
                                       actor_label, cite, clean, outline, present, quote_text, reference, summary)
from qualcode.exports.files import atomic_write
from qualcode.exports.french import set_up_document

MAX_WORD_COLUMNS = 10  # codes beyond which a framework table in Word gets hard to read
_clean, _present = clean, present


def _document(title: str, subtitle: str | None, landscape: bool = False):
    from qualcode.exports.docxbody import document as linear_document

    document = linear_document()
    set_up_document(document, landscape=landscape)
    document.add_heading(_clean(title), level=0)
    if subtitle:
        document.add_paragraph(_clean(subtitle))
    return document


def _table(document, header: list[str], rows: list[list[str]], size: float = 8):
    """A grid table, header in bold and repeated on each page, text in `size` points."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(flag)
    for r, values in enumerate([header, *rows]):
        cells = table.rows[0].cells if r == 0 else table.add_row().cells
        for cell, value in zip(cells, values):
            paragraph = cell.paragraphs[0]
            for i, line in enumerate(_clean(value).split("\n\n")):
                paragraph = paragraph if i == 0 else cell.add_paragraph()
                run = paragraph.add_run(line)
                run.font.size, run.bold = Pt(size), r == 0
    return table


def _grey(paragraph, text: str, *, italic: bool = False):
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(_clean(text))
    run.font.size, run.italic = Pt(9), italic
    run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    return run


def write_report(excerpts: pd.DataFrame, codes: pd.DataFrame, path: str | Path, *, title: str,
                 subtitle: str | None = None, asked=None) -> Path:
    """The Word report of coded excerpts (`excerpts`: `excerpts_frame` columns;
    `codes`: id, label, description in codebook order; `asked`: the codes the
    excerpts were filtered on, whose ancestors are shown for context only)."""
    plan = outline(excerpts, codes, asked)

    def write(tmp: Path) -> None:
        document = _document(title, subtitle)
        quote_style = document.styles["Quote"].style_id  # by id: a lookup by name scans all styles
        document.add_heading("Synthèse par code", level=1)
        table = plan.table
        actors = list(table.columns[3:])
        header = ["Code", "Extraits", "Entretiens", *[actor_label(a, plural=True) for a in actors]]
        rows = [["    " * code.count("/") + f"{r['label']}\n\n[{code}]", *map(str, r.iloc[1:])]
                for code, r in table.iterrows()]
        _table(document, header, rows)
        document.add_paragraph("Extraits : passages distincts (un passage codé à l'identique, ou presque, par "
                               "plusieurs codeurs compte une fois). Les codes parents comptent les extraits de "
                               "leurs sous-codes.")
        for section in plan.sections:
            document.add_heading(section.label, level=min(section.depth, 9))
            _grey(document.add_paragraph(), section.counts)
            if section.description:
                paragraph = document.add_paragraph()
                paragraph.add_run("Définition : ").bold = True
                paragraph.add_run(section.description)
            for group in section.groups:
                document.add_paragraph().add_run(group.heading).bold = True
                for row in group.rows:
                    document.add_paragraph(f"« {quote_text(row)} »")._p.style = quote_style
                    _grey(document.add_paragraph(), cite(row))
                    if _present(row["memo"]):
                        _grey(document.add_paragraph(), f"Mémo : {row['memo']}", italic=True)
        document.save(str(tmp))

    return atomic_write(path, write)


def write_framework(frame: pd.DataFrame, path: str | Path, *, labels, title: str,
                    subtitle: str | None = None, actors=None) -> Path:
    """The framework matrix (transcripts × codes: counts or quotes) as a landscape
    Word table; `actors` maps transcript ids to actor types shown under the id."""
    actors = actors if actors is not None else {}
    header = ["Entretien", *[labels.get(c, c) for c in frame.columns]]
    rows = [[f"{t}\n\n{actor_label(actors.get(t))}".strip(), *["" if v in (0, "") else str(v) for v in values]]
            for t, values in zip(frame.index, frame.itertuples(index=False))]

    def write(tmp: Path) -> None:
        document = _document(title, subtitle, landscape=True)
        _table(document, header, rows, size=7 if len(frame.columns) > 6 else 8)
        document.save(str(tmp))

    return atomic_write(path, write)
