"""The pages of the HTML report, built as strings with every value escaped.

`Data` reads the project once (transcripts, codebook, codings with quotes and
speakers, pseudonymised when a hook is given); each page function returns one
HTML document. Offsets stay the stored ones; only the text shown changes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from html import escape

import pandas as pd

from qualcode.exports.excerpts import actor_columns, actor_label, cite, outline, quote_text
from qualcode.exports.french import number, percent, plural

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
           "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"]
NAV = [("index.html", "Vue d'ensemble"), ("matrix.html", "Matrice"), ("excerpts.html", "Extraits"),
       ("agreement.html", "Accord inter-codeurs")]


def e(value) -> str:
    return escape("" if value is None or (isinstance(value, float) and value != value) else str(value))


@dataclass
class Data:
    project: str
    transcripts: pd.DataFrame  # index: id; title, attributes
    codes: pd.DataFrame  # id, label, family, description, colour (codebook order)
    excerpts: pd.DataFrame  # excerpts_frame (quotes pseudonymised when a hook is given)
    segments: pd.DataFrame  # transcript, segment, speaker, start, end
    coders: list[str]
    finished: dict[str, set[str]]
    texts: dict[str, str]
    hook: object = None

    @classmethod
    def load(cls, project, *, coders=None, hook=None) -> "Data":
        from qualcode.exports import frames

        excerpts = frames.excerpts_frame(project.store, coders=coders)
        segments = frames.segments_frame(project.store)
        transcripts = frames.transcripts_frame(project.store)
        titles = {r["id"]: r.get("title") or "" for r in project.store.transcript_summaries()}
        transcripts.insert(0, "title", [titles.get(t, "") for t in transcripts.index])
        if hook is not None:
            excerpts = hook.frame(excerpts)
            segments = segments.assign(speaker=segments["speaker"].map(hook.string))
            transcripts = transcripts.apply(lambda col: col.map(hook.string) if col.name in ("title", "structure")
                                            else col)
        codes = frames.codes_frame(project.store)
        colours = {r["id"]: r.get("color") or r.get("colour") for r in project.store.codes()}
        codes["colour"] = [colours.get(c) or PALETTE[i % len(PALETTE)] for i, c in enumerate(codes["id"])]
        used = sorted(excerpts["coder"].unique())
        texts = {t: project.store.transcript(t)["text"] for t in transcripts.index}
        return cls(project.root.name, transcripts, codes, excerpts, segments, list(coders or used),
                   project.finished(), texts, hook)

    def label(self, code: str) -> str:
        return self.codes.set_index("id")["label"].get(code, code)


def page(title: str, body: str, depth: int = 0, script: str = "") -> str:
    up = "../" * depth
    nav = "".join(f'<a href="{up}{href}">{e(name)}</a>' for href, name in NAV)
    return (f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(title)}</title><link rel="stylesheet" href="{up}report.css"></head>\n'
            f'<body><nav>{nav}</nav><main><h1>{e(title)}</h1>\n{body}\n</main>'
            f'<footer>qualcode — {date.today().isoformat()} — corpus fictif de démonstration s\'il s\'agit '
            f'du corpus Assore livré avec qualcode</footer>'
            f'{script}<script src="{up}report.js"></script></body></html>\n')


def table(header: list[str], rows: list[list], *, numeric=(), classes=None) -> str:
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        cells = "".join(f'<td class="num">{c}</td>' if j in numeric else f"<td>{c}</td>" for j, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    return f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def overview(d: Data) -> str:
    counts = d.excerpts.groupby(["transcript", "coder"]).size().unstack(fill_value=0) \
        if len(d.excerpts) else pd.DataFrame()
    actors = actor_columns(d.transcripts["actor_type"].fillna("(sans valeur)")) if "actor_type" in d.transcripts else []
    parts = [f"<p>Projet <b>{e(d.project)}</b> : {plural(len(d.transcripts), 'entretien')}, "
             f"{plural(len(d.codes), 'code')}, {plural(len(d.excerpts), 'codage')} de "
             f"{plural(len(d.coders), 'codeur')} ({e(', '.join(d.coders))}).</p>"]
    if d.hook is not None:
        parts.append('<p class="note">Textes pseudonymisés.</p>')
    for actor in actors or [None]:
        group = d.transcripts if actor is None else d.transcripts[d.transcripts["actor_type"].fillna("(sans valeur)") == actor]
        rows = []
        for tid, t in group.iterrows():
            coded = [counts.at[tid, c] if tid in counts.index and c in counts.columns else 0 for c in d.coders]
            done = [c for c in d.coders if tid in d.finished.get(c, set())]
            rows.append([f'<a href="transcripts/{e(tid)}.html">{e(tid)}</a>', e(t.get("title")),
                         e(t.get("people") or 1), *map(str, coded), e(", ".join(done))])
        title = "Entretiens" if actor is None else f"{actor_label(actor, plural=True)} (n = {len(group)})"
        parts += [f"<h2>{e(title)}</h2>", table(["Entretien", "Titre", "Personnes", *[f"Codages {c}" for c in d.coders],
                                                  "Terminé par"], rows, numeric=range(2, 3 + len(d.coders)))]
    per_code = d.excerpts.groupby(["code", "coder"]).size().unstack(fill_value=0) if len(d.excerpts) else pd.DataFrame()
    rows = []
    for _, c in d.codes.iterrows():
        n = [per_code.at[c["id"], k] if c["id"] in per_code.index and k in per_code.columns else 0 for k in d.coders]
        indent = c["id"].count("/")
        rows.append([f'<span class="swatch" style="background:{e(c["colour"])}"></span>'
                     f'<span style="padding-left:{indent * 1.2}em">{"<b>" if not indent else ""}{e(c["label"])}'
                     f'{"</b>" if not indent else ""}</span>', f"<code>{e(c['id'])}</code>", *map(str, n)])
    parts += ["<h2>Livre de codes</h2>", table(["Code", "Identifiant", *[f"Codages {c}" for c in d.coders]], rows,
                                                 numeric=range(2, 2 + len(d.coders)))]
    return page("Rapport qualcode", "\n".join(parts))


def matrix(d: Data) -> str:
    """Codes × actor types: interviews where the code appears, coloured by the share
    of the column's interviews (columns differ in size), n in every header."""
    from qualcode.exports.matrix import theme_matrices
    from qualcode.exports.report import ACTOR_ORDER

    units = d.excerpts.merge(d.segments[["transcript", "segment"]], how="inner")[["transcript", "segment", "code", "coder"]]
    result = theme_matrices(units, d.transcripts, d.codes, measures=["interviews", "share"],
                            column_order=ACTOR_ORDER)
    counts, shares = result["interviews"], result["share"]
    columns = [c for c in counts.columns if c != "label"]
    sizes = d.transcripts["actor_type"].fillna("(sans valeur)").value_counts().to_dict() \
        if "actor_type" in d.transcripts else {}
    sizes["Total"] = len(d.transcripts)
    header = ["Code", *[f"{actor_label(c, plural=True) if c != 'Total' else 'Total'} (n = {sizes.get(c, 0)})"
                        for c in columns]]
    ids = list(counts.index)
    parents = {i for i in ids if any(o.startswith(i + "/") for o in ids)}
    rows = []
    for code in ids:
        cells = []
        for c in columns:
            share = float(shares.at[code, c])
            style = f' style="background:rgba(189,0,38,{share * 0.85:.2f});color:{"#fff" if share > 0.55 else "#000"}"'
            cells.append(f'<span class="cell"{style} title="{percent(share)}">{counts.at[code, c]}</span>')
        name = e(counts.at[code, "label"])
        name = f"<b>{name}</b>" if code in parents else name
        rows.append([f'<a style="padding-left:{code.count("/") * 1.2}em" href="excerpts.html#{e(code)}">{name}</a>',
                     *cells])
    legend = ("<p>Chaque case : nombre d'entretiens où le code apparaît ; couleur : part des entretiens de la colonne "
              "(0 % blanc, 100 % rouge foncé), pour comparer des groupes de tailles différentes. Les parents (en gras) "
              "comptent leurs sous-codes.</p>")
    return page("Matrice thématique par type d'acteur", legend + table(header, rows, numeric=range(1, len(header))))


def excerpts(d: Data) -> str:
    plan = outline(d.excerpts, d.codes)
    parts = [f"<p>{plural(len(d.excerpts), 'codage')} ; les passages codés à l'identique (ou presque) par plusieurs "
             f"codeurs apparaissent une fois.</p>"]
    for s in plan.sections:
        level = min(s.depth + 1, 6)
        parts.append(f'<h{level} id="{e(s.code)}">{e(s.label)} <small>{e(s.counts)}</small></h{level}>')
        if s.description:
            parts.append(f'<p class="definition">{e(s.description)}</p>')
        for group in s.groups:
            items = "".join(f'<blockquote>« {e(quote_text(r))} »<cite>{e(cite(r))}</cite></blockquote>'
                            for r in group.rows)
            parts.append(f"<details><summary>{e(group.heading)}</summary>{items}</details>")
    return page("Extraits par code et type d'acteur", "\n".join(parts))


def transcript(d: Data, tid: str) -> str:
    """The text turn by turn, cut at every coding boundary into pieces carrying their
    offsets, and the codings as data: report.js draws the stripes beside the text."""
    segs = d.segments[d.segments["transcript"] == tid].sort_values("start")
    mine = d.excerpts[d.excerpts["transcript"] == tid]
    cuts = sorted({int(x) for x in (*mine["start"], *mine["end"], *segs["start"], *segs["end"])})
    turns = []
    for _, s in segs.iterrows():
        inside = [c for c in cuts if s["start"] <= c <= s["end"]]
        texts = d.hook.pieces(tid, inside) if d.hook is not None else None
        pieces = []
        for i, (lo, hi) in enumerate(zip(inside, inside[1:])):
            text = texts[i] if texts is not None else d.texts[tid][lo:hi]
            pieces.append(f'<span class="p" data-s="{lo}" data-e="{hi}">{e(text)}</span>')
        turns.append(f'<div class="turn"><span class="n">{s["segment"]}</span><span class="who">{e(s["speaker"])}'
                     f'</span> {"".join(pieces)}</div>')
    coders = [c for c in d.coders if c in set(mine["coder"])] or d.coders[:1]
    colours = dict(zip(d.codes["id"], d.codes["colour"]))
    codings = [{"code": c, "label": d.label(c), "coder": k, "start": int(s), "end": int(t), "colour": colours.get(c)}
               for c, k, s, t in zip(mine["code"], mine["coder"], mine["start"], mine["end"])]
    info = d.transcripts.loc[tid]
    meta = ", ".join(x for x in (actor_label(info.get("actor_type")), e(info.get("structure") or "")) if x)
    switches = "".join(f'<label><input type="checkbox" class="coder-switch" value="{e(c)}" checked> {e(c)}</label>'
                       for c in coders)
    lanes = "".join(f'<div class="stripes" data-coder="{e(c)}"><div class="lane-head">{e(c)}</div></div>' for c in coders)
    body = (f'<p>{e(info.get("title"))} — {e(meta)} — {plural(len(mine), "codage")}</p>'
            f'<p class="switches">Bandes de codage : {switches}</p>'
            f'<div class="compare"><div class="text" id="text">{"".join(turns)}</div>{lanes}</div>')
    data = json.dumps({"codings": codings}, ensure_ascii=False).replace("</", "<\\/")
    return page(f"Entretien {tid}", body, depth=1, script=f'<script id="codings" type="application/json">{data}</script>')


def agreement(project, d: Data, coders, threshold: float) -> tuple[str, list[str]]:
    """The dashboard: overall kappa with its band, warnings, codes worst first with
    bands, positive agreement and who codes more, flagged under `threshold`."""
    from qualcode.agreement import project as ag
    from qualcode.agreement import reading, views
    from qualcode.errors import QualcodeError

    coders = list(coders or _pair(d))
    if len(coders) < 2:
        return page("Accord inter-codeurs", "<p>Un seul codeur : pas d'accord à calculer.</p>"), []
    try:
        corpus = ag.load(project, coders)
    except QualcodeError as exc:
        return page("Accord inter-codeurs", f"<p>{e(exc)}</p>"), [str(exc)]
    report = ag.compute(corpus, unit="character", level="leaf")
    cover = reading.coverage(corpus.segments, corpus.codings, report.coders, d.finished)
    warns = reading.warnings(report, cover, d.finished)
    tables = views.views(report, threshold, cover, warns)
    o = report.overall
    head = (f'<p class="kpi">κ de Cohen {number(o.kappa.value or 0, 3)} <span class="band">'
            f'{e(reading.kappa_band(o.kappa.value))}</span> — accord positif '
            f'{percent(reading.positive_agreement(o.counts, len(coders)), 1)} — {e(" / ".join(coders))}, '
            f'{plural(len(report.transcripts), "entretien")} comparés, unité : caractère, codes feuilles</p>')
    parts = [head, *(f'<p class="warning">{e(w)}</p>' for w in warns), f"<p class=note>{e(reading.POSITIVE_NOTE)}</p>"]
    for name in ("Par code", "Par entretien", "Couverture", "Exclus"):
        rows = tables.get(name) or []
        if not rows:
            continue
        columns = list(dict.fromkeys(k for r in rows for k in r))
        body = [[_fmt(k, r.get(k)) for k in columns] for r in rows]
        flags = ["flag" if r.get("À revoir") else "" for r in rows]
        parts += [f"<h2>{e(name)}</h2>", table(columns, body, classes=flags)]
    return page("Accord inter-codeurs", "\n".join(parts)), warns


def _fmt(key: str, value) -> str:
    from qualcode.agreement.views import FIGURES, SHARES

    if isinstance(value, float):
        return percent(value, 1) if key in SHARES else number(value, 3) if key in FIGURES else number(value, 2)
    if isinstance(value, int):
        return number(value)
    if key.startswith("Bande") and value:
        return f'<span class="band">{e(value)}</span>'
    return e(value)


def _pair(d: Data) -> list[str]:
    """The first two coders who coded a transcript in common."""
    by = d.excerpts.groupby("coder")["transcript"].agg(set).to_dict()
    names = sorted(by)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if by[a] & by[b]:
                return [a, b]
    return names[:1]
