"""Coded excerpts as a report: passages, references and the outline that the
Word, Markdown and Excel reports share.

A passage is a coded span of one code in one transcript; near-identical spans
of several coders (overlap >= 80 % of their union) are one passage naming all
of them. The outline is one section per code (codebook order, depth = heading
level) with its counts and its passages grouped by actor type; codes shown only
as the parents of the codes asked for are context: they carry no count.
References read "Yasmine, entretien P05, pilotage, Gaïa-Paris, 3 personnes".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qualcode.exports.french import plural
from qualcode.exports.matrix import NO_VALUE, _expand, order_columns
from qualcode.exports.safe import xml_text

ACTOR_ORDER = ["pilotage", "professionnels_dispositif", "premiere_ligne", "partenaires", "usagers"]
ACTOR_GROUPS = {"pilotage": "Pilotage", "professionnels_dispositif": "Professionnels du dispositif",
                "premiere_ligne": "Professionnels de première ligne", "partenaires": "Partenaires",
                "usagers": "Usagers"}
ACTOR_SINGULAR = {"usagers": "usager", "pilotage": "pilotage",
                  "professionnels_dispositif": "professionnel du dispositif",
                  "premiere_ligne": "professionnel de première ligne", "partenaires": "partenaire"}
SAME_PASSAGE = 0.8  # two coders' spans of one code overlapping this much of their union: one passage


def clean(text) -> str:
    return xml_text(text)


def present(value) -> bool:
    return bool(clean(value).strip())


def _readable(value: str) -> str:
    return clean(value).strip().replace("_", " ")


def actor_label(value, *, plural: bool = False) -> str:
    """French label of an actor type: ``usagers`` -> "usager" (or "Usagers")."""
    if not present(value) or value == NO_VALUE:
        return "(sans type d'acteur)" if plural else ""
    value = str(value).strip()
    if plural:
        return ACTOR_GROUPS.get(value, _readable(value).capitalize())
    return ACTOR_SINGULAR.get(value, _readable(value))


def actor_columns(values) -> list[str]:
    """Actor types in the evaluation's table order, then the others sorted."""
    return order_columns(values, ACTOR_ORDER)


def reference(row) -> str:
    """ "Yasmine, entretien P05, pilotage, Gaïa-Paris, 3 personnes": the speaker (when
    known), the transcript, its actor type (singular), the hotel type or else the
    structure, and the number of people of a group interview."""
    speaker = clean(row.get("speaker")).strip()
    parts = [f"{speaker}, entretien {row['transcript']}" if speaker else f"Entretien {row['transcript']}"]
    if actor_label(row.get("actor_type")):
        parts.append(actor_label(row.get("actor_type")))
    hotel, structure = row.get("hotel_type"), row.get("structure")
    if present(hotel):
        hotel = _readable(hotel)
        parts.append(hotel if hotel.lower().startswith(("hôtel", "hotel")) else f"hôtel à {hotel}")
    elif present(structure):
        parts.append(clean(structure).strip())
    try:
        people = int(float(row.get("people")))
    except (TypeError, ValueError):
        people = 1
    if people > 1:
        parts.append(f"{people} personnes")
    return ", ".join(parts)


def passages(excerpts: pd.DataFrame) -> pd.DataFrame:
    """One row per passage: per code and transcript, spans overlapping >= SAME_PASSAGE
    of their union are one passage (the longest span; coders and memos joined).
    Adds ``_actor`` (actor type or "(sans valeur)") and ``_coders`` (how many)."""
    data = excerpts.copy()
    if "actor_type" not in data:
        data["actor_type"] = None
    data["memo"] = [f"{clean(m).strip()} ({c})" if present(m) else "" for m, c in zip(data["memo"], data["coder"])]
    data["_actor"] = data["actor_type"].map(lambda v: str(v).strip() if present(v) else NO_VALUE)
    data = data.sort_values(["code", "transcript", "start", "end", "coder"], kind="stable")
    keep, coders, memos = [], [], []
    last_key, members, lo, hi = None, [], 0, 0
    # plain lists, not .loc per row: linear with a small constant (180,000 codings at 100x)
    index, starts, ends = data.index.tolist(), data["start"].tolist(), data["end"].tolist()
    who, notes = data["coder"].tolist(), data["memo"].tolist()

    def close():
        if members:
            best = max(members, key=lambda j: (ends[j] - starts[j], -index[j]))
            keep.append(index[best])
            coders.append(", ".join(sorted({who[j] for j in members})))
            memos.append(" ; ".join(m for m in dict.fromkeys(notes[j] for j in members) if m))

    for j, (code, tid, start, end) in enumerate(zip(data["code"], data["transcript"], starts, ends)):
        if members and (code, tid) == last_key:
            if (min(hi, end) - max(lo, start)) >= SAME_PASSAGE * (max(hi, end) - min(lo, start)):
                members.append(j)
                lo, hi = min(lo, start), max(hi, end)
                continue
        close()
        last_key, members, lo, hi = (code, tid), [j], start, end
    close()
    out = data.loc[keep].copy()
    out["coder"], out["memo"] = coders, memos
    out["_coders"] = [c.count(", ") + 1 for c in coders]
    order = {i: n for n, i in enumerate(excerpts.index)}
    return out.assign(_order=[order[i] for i in out.index]).sort_values("_order").drop(columns="_order")


def summary(excerpts: pd.DataFrame, codes: pd.DataFrame, merged: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per code with at least one passage (its own or a descendant's), in codebook
    order: excerpts (distinct passages), interviews, and excerpts per actor type."""
    merged = (passages(excerpts) if len(excerpts) else excerpts.assign(_actor=[])) if merged is None else merged
    rolled = _expand(merged[["code", "transcript", "start", "end", "_actor"]], codes["id"])
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


@dataclass
class Group:
    actor: str  # the plural label ("Usagers")
    rows: list[dict]

    @property
    def heading(self) -> str:
        interviews = len({r["transcript"] for r in self.rows})
        return f"{self.actor} — {plural(len(self.rows), 'extrait')}, {plural(interviews, 'entretien')}"


@dataclass
class Section:
    code: str
    label: str
    depth: int  # 1 for a top-level code
    description: str
    context: bool  # shown only as the parent of the codes asked for: no count
    excerpts: int = 0
    interviews: int = 0
    groups: list[Group] = field(default_factory=list)

    @property
    def counts(self) -> str:
        if self.context:
            return f"[{self.code}] — contexte (seuls ses sous-codes demandés sont inclus)"
        return f"[{self.code}] — {plural(self.excerpts, 'extrait')}, {plural(self.interviews, 'entretien')}"


@dataclass
class Outline:
    sections: list[Section]
    table: pd.DataFrame  # `summary` of the codes asked for (context codes left out)
    merged: int  # passages that several coders coded alike, shown once


def outline(excerpts: pd.DataFrame, codes: pd.DataFrame, asked=None) -> Outline:
    """The report's sections; `asked`: the code ids the excerpts were filtered on
    (their ancestors are context), None when they were not."""
    from qualcode.codebook.model import is_descendant_or_self

    merged = passages(excerpts) if len(excerpts) else None
    table = summary(excerpts, codes, merged)
    info = codes.set_index("id")
    by_code: dict[str, list[dict]] = {}  # records built once (to_dict per group was most of the time)
    if merged is not None:
        columns = list(merged.columns)
        for values in merged.itertuples(index=False, name=None):
            record = dict(zip(columns, values))
            by_code.setdefault(record["code"], []).append(record)
    sections = []
    for code, row in table.iterrows():
        context = bool(asked) and not any(is_descendant_or_self(code, a) for a in asked)
        section = Section(code, clean(row["label"]), code.count("/") + 1,
                          clean(info.at[code, "description"]).strip(), context,
                          int(row["excerpts"]), int(row["interviews"]))
        own = by_code.get(code, [])
        for actor in actor_columns(r["_actor"] for r in own):
            group = sorted((r for r in own if r["_actor"] == actor), key=lambda r: (r["transcript"], r["start"], r["end"]))
            section.groups.append(Group(actor_label(actor, plural=True), group))
        sections.append(section)
    shown = table[[not s.context for s in sections]] if sections else table
    several = int((merged["_coders"] > 1).sum()) if merged is not None else 0
    return Outline(sections, shown, several)


def quote_text(row) -> str:
    return "\n".join(" ".join(line.split()) for line in clean(row["quote"]).strip().splitlines())


def cite(row) -> str:
    """The line under a quote: "— reference (codage : coders)"."""
    return f"— {reference(row)} (codage : {row['coder']})"


def write_markdown(plan: Outline, path: str | Path, *, title: str, subtitle: str | None = None) -> Path:
    """The report as Markdown: headings by hierarchy, quotes as block quotes, references."""
    from qualcode.exports.files import atomic_write

    lines = [f"# {clean(title)}", ""] + ([clean(subtitle), ""] if subtitle else [])
    table = plan.table
    actors = list(table.columns[3:])
    lines += ["## Synthèse par code", "",
              "| Code | Extraits | Entretiens | " + " | ".join(actor_label(a, plural=True) for a in actors) + " |",
              "|---|" + "---:|" * (2 + len(actors))]
    for code, row in table.iterrows():
        label = "\u2003" * code.count("/") + _md(row["label"])
        lines.append(f"| {label} | " + " | ".join(str(int(v)) for v in row.iloc[1:]) + " |")
    lines.append("")
    for s in plan.sections:
        lines += [f"{'#' * min(s.depth + 1, 6)} {_md(s.label)}", "", f"*{_md(s.counts)}*", ""]
        if s.description:
            lines += [f"**Définition :** {_md(s.description)}", ""]
        for group in s.groups:
            lines += [f"**{_md(group.heading)}**", ""]
            for row in group.rows:
                quote = quote_text(row).replace("\n", "\n> ")
                lines += [f"> « {quote} »", ">", f"> {_md(cite(row))}", ""]
                if present(row["memo"]):
                    lines += [f"*Mémo : {_md(row['memo'])}*", ""]
    return atomic_write(path, lambda tmp: tmp.write_text("\n".join(lines), encoding="utf-8"))


def _md(text) -> str:
    return " ".join(clean(text).replace("|", "\\|").split())


FLAT_HEADERS = {"code": "Code", "label": "Libellé", "quote": "Extrait", "transcript": "Entretien",
                "speaker": "Locuteur", "segment": "Tour", "actor_type": "Type d'acteur", "structure": "Structure",
                "people": "Personnes", "hotel_type": "Type d'hôtel", "age_band": "Tranche d'âge", "sex": "Sexe",
                "date": "Date", "mode": "Mode", "interviewer": "Enquêteur", "time_in_assore": "Durée dans Assore",
                "title": "Titre", "coder": "Codeur", "memo": "Mémo", "start": "Début", "end": "Fin", "id": "Id"}


def as_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns whose every value is a whole number (e.g. ``people``) as numbers."""
    out = frame.copy()
    for column in out.columns:
        values = out[column].dropna()
        if out[column].dtype == object and len(values) and values.map(
                lambda v: isinstance(v, str) and v.strip().lstrip("-").isdigit()).all():
            out[column] = out[column].map(lambda v: None if v is None or v != v else int(v)).astype(object)
    return out


def write_xlsx(plan: Outline, path: str | Path, *, title: str, subtitle: str | None = None) -> Path:
    """The report as a workbook: sheet "Extraits" with a bold, indented row per code
    (its counts beside it) and a row per passage (code, actor type, quote, reference,
    coders, memo), filterable, header frozen; sheet "Synthèse" with the counts."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from qualcode.exports.files import atomic_write
    from qualcode.exports.sheets import append_row, workbook  # streamed; text as text, never a formula

    def write(tmp: Path) -> None:
        wb = workbook(clean(title))
        ws = wb.create_sheet("Extraits")
        for letter, width in zip("ABCDEF", (36, 18, 80, 45, 14, 30)):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "A4"
        append_row(ws, [clean(title)], {"font": Font(bold=True, size=14)})
        append_row(ws, [clean(subtitle or "")])
        header = ["Code", "Type d'acteur", "Extrait", "Référence", "Codage", "Mémo"]
        append_row(ws, header, {"font": Font(bold=True)})
        grey = PatternFill("solid", fgColor="E7E6E6")
        wrap = Alignment(wrap_text=True, vertical="top")
        rows = 3
        for s in plan.sections:
            append_row(ws, [s.label, None, s.counts.split(" — ", 1)[1], f"[{s.code}]"],
                       [{"fill": grey, "font": Font(bold=True), "alignment": Alignment(indent=s.depth - 1)}]
                       + [{"fill": grey, "font": Font(bold=True, italic=True)}] * 3)
            rows += 1
            first = {"alignment": Alignment(indent=s.depth - 1, vertical="top")}
            for group in s.groups:
                for row in group.rows:
                    append_row(ws, [s.label, group.actor, f"« {quote_text(row)} »", reference(row), row["coder"],
                                    clean(row["memo"]) or None], [first] + [{"alignment": wrap}] * 5)
                    rows += 1
        ws.auto_filter.ref = f"A3:F{rows}"
        counts = wb.create_sheet("Synthèse")
        counts.column_dimensions["A"].width, counts.column_dimensions["B"].width = 50, 40
        counts.freeze_panes = "C2"
        actors = list(plan.table.columns[3:])
        names = ["Code", "Identifiant", "Extraits", "Entretiens", *[actor_label(a, plural=True) for a in actors]]
        append_row(counts, names, {"font": Font(bold=True)})
        for code, r in plan.table.iterrows():
            style = {"alignment": Alignment(indent=code.count("/")), **({} if "/" in code else {"font": Font(bold=True)})}
            append_row(counts, [clean(r["label"]), code, *[int(v) for v in r.iloc[1:]]], [style])
        counts.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(plan.table) + 1}"
        wb.save(tmp)

    return atomic_write(path, write)
