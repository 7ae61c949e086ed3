"""Word documents: the report of coded excerpts and the framework matrix.

The report opens with a summary table per code, then one heading per code (its
depth is the heading level), its definition, and its excerpts grouped by actor
type as quotes, each followed by a reference such as "Entretien U07, usager,
hôtel à bas seuil". Both writers go through `atomic_write`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from qualcode.exports.files import atomic_write
from qualcode.exports.matrix import NO_VALUE, _expand
from qualcode.exports.safe import xml_text

ACTOR_ORDER = ["pilotage", "professionnels_dispositif", "premiere_ligne", "partenaires", "usagers"]
ACTOR_GROUPS = {"pilotage": "Pilotage", "professionnels_dispositif": "Professionnels du dispositif",
                "premiere_ligne": "Professionnels de première ligne", "partenaires": "Partenaires",
                "usagers": "Usagers"}
ACTOR_SINGULAR = {"usagers": "usager", "pilotage": "pilotage",
                  "professionnels_dispositif": "professionnel du dispositif",
                  "premiere_ligne": "professionnel de première ligne", "partenaires": "partenaire"}
MAX_WORD_COLUMNS = 10  # codes beyond which a framework table in Word gets hard to read


def _clean(text) -> str:
    return xml_text(text)


def _present(value) -> bool:
    return bool(_clean(value).strip())


def _readable(value: str) -> str:
    return _clean(value).strip().replace("_", " ")


def actor_label(value, *, plural: bool = False) -> str:
    """French label of an actor type: ``usagers`` -> "usager" (or "Usagers")."""
    if not _present(value):
        return "(sans type d'acteur)" if plural else ""
    value = str(value).strip()
    if plural:
        return ACTOR_GROUPS.get(value, _readable(value).capitalize())
    return ACTOR_SINGULAR.get(value, _readable(value))


def reference(row) -> str:
    """ "Entretien U07, usager, hôtel à bas seuil": the transcript, its actor type
    (singular), the hotel type or else the structure, and the number of people of a
    group interview."""
    parts = [f"Entretien {row['transcript']}"]
    if actor_label(row.get("actor_type")):
        parts.append(actor_label(row.get("actor_type")))
    hotel, structure = row.get("hotel_type"), row.get("structure")
    if _present(hotel):
        hotel = _readable(hotel)
        parts.append(hotel if hotel.lower().startswith(("hôtel", "hotel")) else f"hôtel à {hotel}")
    elif _present(structure):
        parts.append(_clean(structure).strip())
    try:
        people = int(float(row.get("people")))
    except (TypeError, ValueError):
        people = 1
    if people > 1:
        parts.append(f"{people} personnes")
    return ", ".join(parts)


def actor_columns(values) -> list[str]:
    """Actor types in the evaluation's table order, then the others sorted."""
    from qualcode.exports.matrix import order_columns

    return order_columns(values, ACTOR_ORDER)


def _passages(excerpts: pd.DataFrame) -> pd.DataFrame:
    """One row per (code, transcript, start, end): coders merged, memos joined."""
    data = excerpts.copy()
    data["memo"] = [f"{m.strip()} ({c})" if _present(m) else "" for m, c in zip(data["memo"], data["coder"])]
    data["actor_type"] = data["actor_type"] if "actor_type" in data else None
    data["_actor"] = data["actor_type"].map(lambda v: str(v).strip() if _present(v) else NO_VALUE)
    key = ["code", "transcript", "start", "end"]
    merged = data.groupby(key, sort=False).agg(
        coder=("coder", lambda s: ", ".join(dict.fromkeys(s))),
        memo=("memo", lambda s: " ; ".join(m for m in dict.fromkeys(s) if m)))
    rest = data.drop(columns=["coder", "memo"]).drop_duplicates(key).set_index(key)
    return rest.join(merged).reset_index()


def summary(excerpts: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Per code with at least one excerpt (its own or a descendant's), in codebook
    order: excerpts (distinct passages), interviews, and excerpts per actor type."""
    passages = _passages(excerpts) if len(excerpts) else excerpts.assign(_actor=[])
    rolled = _expand(passages[["code", "transcript", "start", "end", "_actor"]], codes["id"])
    rolled = rolled.drop_duplicates(["code", "transcript", "start", "end"])
    grouped = rolled.groupby("code", observed=True)
    table = pd.DataFrame({"excerpts": grouped.size(), "interviews": grouped["transcript"].nunique()})
    actors = actor_columns(rolled["_actor"].unique())
    by_actor = rolled.groupby(["code", "_actor"], observed=True).size().unstack("_actor", fill_value=0)
    table = table.join(by_actor.reindex(columns=actors, fill_value=0))
    table.index = table.index.astype(object)
    order = [c for c in codes["id"] if c in table.index]
    table = table.reindex(order).fillna(0).astype(int)
    return table.join(codes.set_index("id")[["label"]])[["label", "excerpts", "interviews", *actors]]


def _document(title: str, subtitle: str | None, landscape: bool = False):
    import docx
    from docx.enum.section import WD_ORIENT

    from qualcode.exports.docxbody import document as linear_document

    document = linear_document()
    if landscape:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        for side in ("left_margin", "right_margin"):
            setattr(section, side, docx.shared.Cm(1.5))
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
                 subtitle: str | None = None) -> Path:
    """The Word report of coded excerpts (`excerpts`: `excerpts_frame` columns;
    `codes`: id, label, description in codebook order)."""
    table = summary(excerpts, codes)
    passages = _passages(excerpts) if len(excerpts) else None
    info = codes.set_index("id")

    def write(tmp: Path) -> None:
        document = _document(title, subtitle)
        quote_style = document.styles["Quote"].style_id  # by id: a lookup by name scans all styles
        document.add_heading("Synthèse par code", level=1)
        actors = list(table.columns[3:])
        header = ["Code", "Extraits", "Entretiens", *[actor_label(a, plural=True) for a in actors]]
        rows = [["    " * code.count("/") + f"{r['label']}\n\n[{code}]", *map(str, r.iloc[1:])]
                for code, r in table.iterrows()]
        _table(document, header, rows)
        document.add_paragraph("Extraits : passages distincts (un passage codé à l'identique par deux codeurs "
                               "compte une fois). Les codes parents comptent les extraits de leurs sous-codes.")
        for code in table.index:
            document.add_heading(_clean(info.at[code, "label"]), level=min(code.count("/") + 1, 9))
            _grey(document.add_paragraph(), f"[{code}] — {table.at[code, 'excerpts']} extrait(s), "
                                            f"{table.at[code, 'interviews']} entretien(s)")
            if _present(info.at[code, "description"]):
                paragraph = document.add_paragraph()
                paragraph.add_run("Définition : ").bold = True
                paragraph.add_run(_clean(info.at[code, "description"]).strip())
            own = passages[passages["code"] == code] if passages is not None else []
            if not len(own):
                continue
            for actor in actor_columns(own["_actor"].unique()):
                group = own[own["_actor"] == actor].sort_values(["transcript", "start", "end"])
                label = actor_label(None if actor == NO_VALUE else actor, plural=True)
                document.add_paragraph().add_run(
                    f"{label} — {len(group)} extrait(s), {group['transcript'].nunique()} entretien(s)").bold = True
                for _, row in group.iterrows():
                    quote = "\n".join(" ".join(line.split()) for line in _clean(row["quote"]).strip().splitlines())
                    document.add_paragraph(f"« {quote} »")._p.style = quote_style
                    ref = document.add_paragraph()
                    _grey(ref, f"— {reference(row)} (codage : {row['coder']})")
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
