"""Commands that turn codings into deliverables: `matrix` (theme matrix by an
attribute, or the framework matrix with --by transcript), `cooccurrence` and
`excerpts` (the Word report and tables of coded excerpts)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qualcode.cli.common import (JsonOpt, ProjectOpt, PseudoOpt, console, err_console, open_project, print_json,
                                 pseudonymiser, table)

Names = Optional[list[str]]
LevelOpt = Annotated[Optional[str], typer.Option("--level", help="family, leaf, all or a depth N (1 = top level).")]
CoderOpt = Annotated[Names, typer.Option("--coder", "-c", help="Only this coder's codings (repeatable; default: all coders).")]
CodeOpt = Annotated[Names, typer.Option("--code", help="Only this code and its sub-codes (repeatable).")]
OutOpt = Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file; the format follows its suffix.")]
WhereOpt = Annotated[Names, typer.Option("--where", "-w", help="attribute=value (repeatable; same attribute: any of the values).")]
FRAMEWORK_FORMATS = (".xlsx", ".docx", ".csv", ".md", ".json")
TERMINAL_COLUMNS = 12  # codes shown as columns in the terminal before switching to a list
SHORT_ACTORS = {"pilotage": "Pilotage", "professionnels_dispositif": "Prof. dispositif",
                "premiere_ligne": "1re ligne", "partenaires": "Partenaires", "usagers": "Usagers"}


def register(app: typer.Typer) -> None:
    app.command("matrix")(matrix)
    app.command("cooccurrence")(cooccurrence)
    app.command("excerpts")(excerpts)


def _rows(codes, level: str, only: list[str] | None, store):
    """Codes of `level`, restricted to `only` and their descendants."""
    from qualcode.codebook.model import is_descendant_or_self
    from qualcode.codebook.operations import require_code
    from qualcode.exports.matrix import rows_for_level

    rows = rows_for_level(codes, level)
    for code in only or []:
        require_code(store, code)
    if only:
        rows = rows[[any(is_descendant_or_self(c, of) for of in only) for c in rows["id"]]]
    return rows.reset_index(drop=True)


def _indent(code: str, label: str, top: int) -> str:
    return "  " * (code.count("/") + 1 - top) + str(label)


def _wrote(message: str, to_stderr: bool = False) -> None:
    """What was written, on stdout (stderr when stdout carries JSON); paths unbroken."""
    (err_console() if to_stderr else console()).print(message, soft_wrap=True, highlight=False)


def _who(coders, agreement: bool) -> str:
    if not coders:
        return "tous les codeurs"
    return ("accord de " if agreement else "codage : ") + ", ".join(coders)


def matrix(by: Annotated[str, typer.Option("--by", help="Attribute for the columns; 'transcript' for the framework matrix.")] = "actor_type",
           level: LevelOpt = None,
           measure: Annotated[Names, typer.Option("--measure", "-m", help="segments, interviews, people or share (repeatable).")] = None,
           coder: CoderOpt = None,
           agreement_only: Annotated[bool, typer.Option("--agreement-only", help="Only what every selected coder coded (after roll-up).")] = False,
           code: CodeOpt = None, out: OutOpt = None,
           cells: Annotated[str, typer.Option("--cells", help="With --by transcript: count or excerpts.")] = "count",
           where: WhereOpt = None, pseudonymise: PseudoOpt = None, project: ProjectOpt = None,
           json: JsonOpt = False):
    """Theme matrix: codes (with roll-up) × values of an attribute, plus a total.

    Measures: coded segments; interviews where the code appears; people in them
    (group interviews count their respondents); share of the column's interviews.
    With --coder or --agreement-only, only the interviews those coders coded count.
    Formats for --out: .csv .xlsx .md .png .json (.xlsx gets one sheet per measure,
    all four when a single one is asked for)."""
    from qualcode.errors import QualcodeError
    from datetime import date

    import pandas as pd

    from qualcode.exports import frames
    from qualcode.exports.files import SHEET_NAMES, matrix_records, write_matrix
    from qualcode.exports.french import plural
    from qualcode.exports.matrix import MEASURES, TOTAL, column_values, theme_matrices
    from qualcode.exports.report import ACTOR_ORDER, actor_label

    proj = open_project(project)
    codes = frames.codes_frame(proj.store)
    if by == "transcript":
        if measure or agreement_only:
            raise QualcodeError("--measure and --agreement-only apply to theme matrices; "
                                "the framework matrix (--by transcript) takes --cells count|excerpts")
        return _framework(proj, codes, level or ("leaf" if code else "family"), coder, code, out, cells, json,
                          pseudonymiser(proj, pseudonymise), where)
    if cells != "count":
        raise QualcodeError("--cells applies to the framework matrix (--by transcript)")
    rows = _rows(codes, level or "all", code, proj.store)
    hook = pseudonymiser(proj, pseudonymise)
    if hook is not None:  # code labels leave the project too
        rows = hook.frame(rows)
    units, transcripts, coders = frames.matrix_inputs(proj.store, coders=coder, agreement=agreement_only)
    transcripts = frames.where_transcripts(transcripts, where)
    measures = list(dict.fromkeys(measure or ["segments"]))
    unknown = [m for m in measures if m not in MEASURES]
    if unknown:
        raise QualcodeError(f"unknown measure '{unknown[0]}' ({', '.join(MEASURES)})")
    to_file = measures + [m for m in MEASURES if m not in measures] if out and out.suffix.lower() == ".xlsx" \
        and len(measures) == 1 else measures
    needed = list(dict.fromkeys(to_file + measures + (["interviews"] if "share" in measures else [])))
    result = theme_matrices(units, transcripts, rows, by=by, measures=needed, level="all", coders=coders,
                            mode="agreement" if agreement_only else "union",
                            column_order=ACTOR_ORDER if by == "actor_type" else None)
    title = f"Matrice thématique par {'type d’acteur' if by == 'actor_type' else by} — {_who(coders, agreement_only)}"
    note = plural(len(transcripts), "entretien") + (
        f" codé{'s' if len(transcripts) > 1 else ''} par {(' et ' if agreement_only else ' ou ').join(coders)}"
        if coders else "")
    if json:
        print_json(matrix_records({m: result[m] for m in measures}))
    elif out is None:
        for m in measures:
            _show_theme(result, m, transcripts, by, title, note)
    if out is not None:
        sizes = column_values(transcripts, by).value_counts().to_dict()
        names = {a: actor_label(a, plural=True) for a in ACTOR_ORDER} if by == "actor_type" else {}
        labels = {c: f"{names.get(c, c)} (n = {n})" for c, n in sizes.items()} | {TOTAL: f"Total (n = {len(transcripts)})"}
        people = pd.to_numeric(transcripts.get("people", pd.Series(1, index=transcripts.index)), errors="coerce").fillna(1)
        by_people = people.groupby(column_values(transcripts, by)).sum().to_dict()
        measure_names = ", ".join(SHEET_NAMES.get(m, m).lower() for m in to_file)
        filters = "; ".join([*(f"--code {c}" for c in code or []), *(f"--where {w}" for w in where or [])])
        meta = (f"Mesure{'s' if len(to_file) > 1 else ''} : {measure_names} ; {_who(coders, agreement_only)} ; {note}"
                f"{' ; filtres : ' + filters if filters else ''} ; n = entretiens de la colonne ; "
                f"parents en gras (ils comptent leurs sous-codes) ; {date.today().isoformat()}")
        path = write_matrix({m: result[m] for m in to_file}, out, title=title, labels=labels, note=meta,
                            sizes=by_people if to_file[0] == "people" else sizes)
        kept = to_file if out.suffix.lower() in (".xlsx", ".md", ".json") else to_file[:1]
        _wrote(f"wrote {path} ({', '.join(kept)}; {len(rows)} codes, {note})", json)


def _print_table(title: str, header: list[str], body: list[list], *, numeric: int, ids: list[str] | None = None,
                 texts: int = 0):
    """The first column wraps; the next `numeric` columns (the first `texts` of them
    left-aligned) wrap only between words; a dim id column is added when it fits."""
    from rich.table import Table
    from rich.text import Text

    out = console()
    words = [max([len(w) for r in body for w in str(r[i]).split()] + [3]) for i in range(1, numeric + 1)]
    full = [max([len(str(r[i])) for r in body] + [len(header[i])]) for i in range(1, numeric + 1)]
    show_ids = ids is not None and out.width >= sum(w + 3 for w in full) + 30 + max(map(len, ids), default=0)
    t = Table(title=title, header_style="bold")
    t.add_column(header[0], min_width=10, ratio=1)
    for i, (head, word) in enumerate(zip(header[1:], words)):
        t.add_column(head, justify="left" if i < texts else "right", min_width=word)
    if show_ids:
        t.add_column("id", style="dim", no_wrap=True)
    for row, code in zip(body, ids or [None] * len(body)):
        t.add_row(*[Text("" if v is None else str(v)) for v in row], *([Text(code)] if show_ids else []))
    out.print(t)


def _show_theme(result, measure, transcripts, by, title, note):
    from qualcode.exports.files import SHEET_NAMES
    from qualcode.exports.matrix import TOTAL, column_values

    frame = result[measure]
    columns = [c for c in frame.columns if c != "label"]
    sizes = column_values(transcripts, by).value_counts().to_dict()
    sizes[TOTAL] = len(transcripts)
    top = min((c.count("/") + 1 for c in frame.index), default=1)
    body = []
    for code, row in frame.iterrows():
        if measure == "share":
            found = result["interviews"].loc[code]
            cells = [f"{found[c]}/{sizes.get(c, 0)} ({round(row[c] * 100)} %)" for c in columns]
        else:
            cells = [row[c] for c in columns]
        body.append([_indent(code, row["label"], top), *cells])
    header = [f"{SHORT_ACTORS.get(c, c) if by == 'actor_type' else c} (n={sizes.get(c, 0)})" for c in columns]
    _print_table(f"{SHEET_NAMES[measure]} — {title} ({note})", ["Code", *header], body,
                 numeric=len(columns), ids=list(frame.index))


def _framework(proj, codes, level, coder, code, out, cells, as_json, hook=None, where=None):
    """--by transcript: interviews × codes, counts or quotes."""
    from qualcode.errors import QualcodeError
    from qualcode.exports import frames
    from qualcode.exports.files import matrix_records, write_matrix
    from qualcode.exports.matrix import framework_matrix
    import pandas as pd

    from qualcode.exports.report import MAX_WORD_COLUMNS, actor_label, write_framework

    if cells not in ("count", "excerpts"):
        raise QualcodeError(f"unknown cells '{cells}' (count, excerpts)")
    if out is not None and out.suffix.lower() not in FRAMEWORK_FORMATS:
        raise QualcodeError(f"{out}: the framework matrix goes to {', '.join(FRAMEWORK_FORMATS)}")
    rows = _rows(codes, level, code, proj.store)
    excerpts = frames.codings_frame(proj.store, coders=coder)
    if hook is not None:
        excerpts, rows = hook.frame(excerpts), hook.frame(rows)
    transcripts = frames.transcripts_frame(proj.store)
    if coder:
        transcripts = transcripts[transcripts.index.isin(excerpts["transcript"])]
    transcripts = frames.where_transcripts(transcripts, where)
    kinds = [cells] + ([k for k in ("count", "excerpts") if k != cells] if out and out.suffix.lower() == ".xlsx" else [])
    result = {k: framework_matrix(excerpts, transcripts, rows, level="all", cells=k) for k in kinds}
    labels = dict(zip(rows["id"], rows["label"]))
    every = dict(zip(codes["id"], codes["label"]))
    direct = next(iter(result.values())).attrs.get("direct", [])
    labels |= {c: f"{every.get(c, c)} (codé directement)" for c in direct}
    title = f"Matrice-cadre : entretiens × codes — {_who(frames.as_names(coder), False)}"
    if as_json:
        print_json(matrix_records({cells: result[cells]}))
    elif out is None:
        counts = result.get("count")
        _show_framework(framework_matrix(excerpts, transcripts, rows, level="all") if counts is None else counts,
                        labels, transcripts)
        if cells == "excerpts":
            console().print("(counts shown; the quotes go to a file: --out FILE.docx or .xlsx)", style="dim")
    if out is None:
        return
    if out.suffix.lower() == ".docx":
        if len(rows) > MAX_WORD_COLUMNS:
            err_console().print(f"warning: {len(rows)} codes as columns make a hard-to-read Word table; "
                                "narrow it with --level family or --code, or write .xlsx")
        actors = transcripts["actor_type"].to_dict() if "actor_type" in transcripts else {}
        path = write_framework(result[cells], out, labels=labels, title=title, actors=actors)
    else:
        types = transcripts["actor_type"] if "actor_type" in transcripts else pd.Series(dtype=object)
        shown = {k: f.assign(label=[actor_label(types.get(t)) for t in f.index]) for k, f in result.items()}
        path = write_matrix(shown, out, title=title, labels=labels | {"label": "Type d'acteur"})
    _wrote(f"wrote {path} ({len(transcripts)} entretiens × {len(labels)} codes, {cells})", as_json)


def _show_framework(frame, labels, transcripts):
    """A grid when the codes fit the terminal as columns, else one line per interview."""
    types = transcripts["actor_type"].to_dict() if "actor_type" in transcripts else {}
    ids = list(frame.columns)
    heads = [labels[c] for c in ids]
    body = [[t, SHORT_ACTORS.get(types.get(t), types.get(t) or ""), *row]
            for t, row in zip(frame.index, frame.itertuples(index=False))]
    title = f"Codages : {len(frame)} entretiens × {len(ids)} codes"
    words = sum(max(3, *map(len, h.split())) + 3 for h in heads)
    if len(ids) <= TERMINAL_COLUMNS and words + 30 <= console().width:
        return _print_table(title, ["Entretien", "type", *heads], body, numeric=len(ids) + 1, texts=1)
    body = [[*row[:2], ", ".join(f"{h} {n}" for h, n in zip(heads, row[2:]) if n)] for row in body]
    table(title, ["Entretien", "type", "codes (codages)"], body)


def cooccurrence(mode: Annotated[str, typer.Option("--mode", help="overlap (spans intersect) or segment (same turn).")] = "overlap",
                 level: LevelOpt = None, coder: CoderOpt = None, code: CodeOpt = None, out: OutOpt = None,
                 top: Annotated[int, typer.Option("--top", help="Pairs listed in the terminal.")] = 20,
                 pseudonymise: PseudoOpt = None, project: ProjectOpt = None, json: JsonOpt = False):
    """Codes × codes: how often two codes overlap, or meet in the same turn.
    The diagonal holds each code's own codings (overlap) or turns (segment)."""
    from qualcode.exports import frames
    from qualcode.exports.files import matrix_records, write_matrix
    from qualcode.exports.matrix import cooccurrence as square

    proj = open_project(project)
    rows = _rows(frames.codes_frame(proj.store), level or "leaf", code, proj.store)
    hook = pseudonymiser(proj, pseudonymise)
    if hook is not None:
        rows = hook.frame(rows)
    codings = frames.load_codings(proj.store, coders=coder)
    units = frames.coding_units(codings, frames.segments_frame(proj.store)) if mode == "segment" else None
    result = square(codings, rows, mode=mode, units=units, level="all")
    labels = dict(zip(rows["id"], rows["label"]))
    if json:
        print_json(matrix_records({mode: result}, labels))
    elif out is None:
        ids = list(result.index)
        pairs = [(result.at[a, b], a, b) for i, a in enumerate(ids) for b in ids[i + 1:] if result.at[a, b]]
        pairs.sort(key=lambda p: (-p[0], ids.index(p[1]), ids.index(p[2])))
        shown = "chevauchements" if mode == "overlap" else "segments communs"
        if not pairs:
            console().print(f"Aucune co-occurrence ({shown}) entre les {len(ids)} codes retenus.")
            return
        table(f"Co-occurrences ({shown}) : {len(pairs)} paires, les {min(top, len(pairs))} premières",
              ["n", "code", "code"], [[n, f"{labels[a]} [{a}]", f"{labels[b]} [{b}]"] for n, a, b in pairs[:top]],
              justify_right=("n",))
    if out is not None:
        path = write_matrix({mode: result}, out, title=f"Co-occurrences des codes ({mode}) — {_who(frames.as_names(coder), False)}",
                            labels=labels)
        _wrote(f"wrote {path} ({len(rows)} × {len(rows)} codes)", json)


def excerpts(code: CodeOpt = None, coder: CoderOpt = None,
             where: WhereOpt = None,
             format: Annotated[Optional[str], typer.Option("--format", "-f", help="docx, xlsx, md (reports), csv or json (data) (default: from --out, else docx).")] = None,
             flat: Annotated[bool, typer.Option("--flat", help="xlsx or md as a data table (one row per coding, every attribute) instead of a report.")] = False,
             out: OutOpt = None,
             outdir: Annotated[Path, typer.Option("--outdir", help="Folder of the default file, relative to the project.")] = Path("exports"),
             pseudonymise: PseudoOpt = None, project: ProjectOpt = None):
    """Coded excerpts: a report (Word, Markdown or Excel: a heading per code by
    hierarchy, quotes by actor type with their references: speaker, interview, actor
    type, structure) or, with --flat or as csv/json, the data table (code, quote,
    transcript, speaker, attributes, coder, memo, offsets). The default file name
    follows the filters: exports/excerpts-coder-a-freins-usagers.docx."""
    from datetime import date

    from qualcode.errors import QualcodeError
    from qualcode.exports import frames
    from qualcode.exports.excerpts import FLAT_HEADERS, as_numbers, outline, write_markdown, write_xlsx
    from qualcode.exports.files import write_rows
    from qualcode.exports.french import plural
    from qualcode.exports.report import write_report

    formats = ("docx", "xlsx", "csv", "json", "md")
    fmt = (format or (out.suffix.lstrip(".") if out is not None else "docx")).lower().lstrip(".")
    if fmt not in formats or (out is not None and format and out.suffix.lower().lstrip(".") != fmt):
        raise QualcodeError(f"choose one format among {', '.join(formats)} (--format and the --out suffix must agree)")
    if flat and fmt == "docx":
        raise QualcodeError("--flat writes a data table: choose --format xlsx, md, csv or json")
    proj = open_project(project)
    frame = frames.excerpts_frame(proj.store, code=code, coders=coder, where=where)
    hook = pseudonymiser(proj, pseudonymise)
    if hook is not None:
        frame = hook.frame(frame)
    if out is None:
        out = (outdir if outdir.is_absolute() else proj.root / outdir) / f"{default_name(coder, code, where)}.{fmt}"
    filters = [f"codage : {', '.join(coder) if coder else 'tous les codeurs'}",
               *([f"codes : {', '.join(code)}"] if code else []), *(where or []),
               *(["pseudonymisé"] if hook is not None else [])]
    subtitle = (f"Projet {proj.root.name} — {' ; '.join(filters)} — {plural(len(frame), 'codage')}, "
                f"{plural(frame['transcript'].nunique(), 'entretien')} — {date.today().isoformat()}")
    title = "Extraits codés"
    codes = frames.codes_frame(proj.store)
    if hook is not None:  # code labels and definitions leave the project too
        codes = hook.frame(codes)
    if fmt in ("csv", "json") or flat:
        path = write_rows(as_numbers(frame).to_dict("records"), out, columns=list(frame.columns),
                          title=f"{title} — {subtitle}", headers=FLAT_HEADERS)
    elif fmt == "docx":
        path = write_report(frame, codes, out, title=title, subtitle=subtitle, asked=code)
    else:
        plan = outline(frame, codes, code)
        writer = write_markdown if fmt == "md" else write_xlsx
        path = writer(plan, out, title=title, subtitle=subtitle)
    _wrote(f"wrote {len(frame)} excerpts ({frame['code'].nunique()} codes, "
           f"{frame['transcript'].nunique()} interviews) to {path}")
    mixed = sorted(frame["coder"].unique())
    if not coder and len(mixed) > 1:
        merged = "" if fmt in ("csv", "json") or flat else \
            "; passages coded alike (or nearly) by several of them are shown once, naming them all"
        err_console().print(f"note: these excerpts mix {len(mixed)} coders ({', '.join(mixed)}){merged}. "
                            "Choose one with --coder NAME.", highlight=False)


def default_name(coders, codes, where) -> str:
    """excerpts[-coder][-code][-attribute-value]: a different query, a different file."""
    import unicodedata

    parts = [*(coders or []), *[c.replace("/", "-") for c in codes or []],
             *[w.replace("=", "-") for w in where or []]]
    text = unicodedata.normalize("NFKD", "-".join(["excerpts", *parts]))
    slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in text if not unicodedata.combining(c))
    return "-".join(filter(None, slug.split("-")))[:120]
