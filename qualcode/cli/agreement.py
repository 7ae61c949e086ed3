"""Commands for inter-coder agreement: `agreement` (percent agreement, kappa and
alpha per code, per transcript and pooled) and `disagreements` (the passages
where two coders differ, for a reconciliation meeting)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperCommand

from qualcode.cli.common import JsonOpt, ProjectOpt, PseudoOpt, console, open_project, print_json, pseudonymiser


class ListOptions(TyperCommand):
    """Reads `--coders A B C` as the issue writes it: the words after a list option,
    up to the next option, all belong to it (click alone wants `--coders A --coders B`)."""

    LISTS = ("--coders", "-c", "--transcripts", "--transcript", "-t", "--code")

    def parse_args(self, ctx, args):
        out: list[str] = []
        current = None
        for i, arg in enumerate(args):
            if arg == "--":
                out += args[i:]
                break
            if arg.startswith("-"):
                current = arg.split("=", 1)[0] if arg.split("=", 1)[0] in self.LISTS else None
            elif current and out[-1] != current:
                out.append(current)
            out.append(arg)
        return super().parse_args(ctx, out)


CodersOpt = Annotated[list[str], typer.Option("--coders", "-c", metavar="CODER...", help="The coders to compare: --coders A B [C...].")]
CodesOpt = Annotated[Optional[list[str]], typer.Option("--code", metavar="CODE...", help="Only these codes and their sub-codes.")]
ScopeOpt = Annotated[str, typer.Option(metavar="all|respondents", help="all, or respondents (only characters/segments inside respondents' turns).")]
OutOpt = Annotated[Optional[Path], typer.Option(metavar="FILE", help="Also write the figures to .csv, .xlsx, .json or .md.")]


def register(app: typer.Typer) -> None:
    app.command("agreement", cls=ListOptions)(agreement)
    app.command("disagreements", cls=ListOptions)(disagreements)


def shown(a, percent: bool = False) -> str:
    """A figure as text: '0.812', '99.3 %', or 'undefined (reason)' — never NaN."""
    if a is None:
        return ""
    if a.value is None:
        return f"undefined ({a.reason})"
    return f"{a.value:.1%}".replace("%", " %") if percent else f"{a.value:.3f}"


def cell(a):
    """A figure for a file: the number, or 'undefined (reason)'."""
    return None if a is None else a.value if a.value is not None else f"undefined ({a.reason})"


def agreement(coders: CodersOpt,
              transcripts: Annotated[Optional[list[str]], typer.Option("--transcripts", "-t", metavar="ID...", help="Only these transcripts.")] = None,
              code: CodesOpt = None,
              level: Annotated[str, typer.Option(metavar="leaf|family|all|N", help="leaf, family, all, or a depth N (codes of depth <= N).")] = "all",
              unit: Annotated[str, typer.Option(metavar="character|segment", help="character (every character of the text, as NVivo) or segment.")] = "character",
              scope: ScopeOpt = "all",
              by_transcript: Annotated[bool, typer.Option("--by-transcript", help="Also list every code in every transcript.")] = False,
              threshold: Annotated[float, typer.Option(metavar="KAPPA", help="Flag the codes whose kappa is under this (to review).")] = 0.6,
              finished_only: Annotated[bool, typer.Option("--finished-only", help="Only transcripts every coder marked finished ('qualcode done').")] = False,
              out: OutOpt = None, project: ProjectOpt = None, json: JsonOpt = False):
    """Agreement between coders per code (parents roll up their sub-codes), per
    transcript and pooled: Cohen's kappa (2 coders) or Fleiss' kappa (3+) with its
    Landis-Koch band, positive agreement, who codes more, Krippendorff's alpha,
    unitizing alpha; per family alpha (segments). Codes under --threshold are
    flagged; partly coded transcripts and tiny samples are warned about."""
    from qualcode.agreement import project as ag
    from qualcode.agreement import reading

    proj = open_project(project)
    for c in code or []:
        proj.code(c)
    finished = proj.finished()
    if finished_only:
        transcripts = finished_transcripts(finished, coders, transcripts)
    corpus = ag.load(proj, coders, transcripts)
    report = ag.compute(corpus, unit=unit, scope=scope, level=level, codes=code or ())
    cover = reading.coverage(corpus.segments, corpus.codings, report.coders, finished)
    warns = reading.warnings(report, cover, finished)
    if out:
        from qualcode.agreement import views

        views.write(views.views(report, threshold, cover, warns), out, "Accord inter-codeurs")
    if json:
        print_json(report_dict(report, threshold, cover, warns))
        return
    show_report(report, by_transcript, threshold, warns)
    if out:
        console().print(f"wrote {out}")


def finished_transcripts(finished: dict, coders: list[str], within=None) -> list[str]:
    """The transcripts every one of `coders` marked finished (of `within` when given)."""
    from qualcode.errors import QualcodeError

    coders = list(dict.fromkeys(coders or []))
    done = set.intersection(*[finished.get(c, set()) for c in coders]) if coders else set()
    if within:
        done &= set(within)
    if not done:
        marked = ", ".join(f"{c}: {len(finished.get(c, ()))}" for c in coders)
        raise QualcodeError(f"no transcript is marked finished by all of {', '.join(coders)} (marks: {marked}); "
                            "mark them with 'qualcode done TRANSCRIPT --coder NAME'")
    return sorted(done)


def _figure_dict(f, coders, threshold: float = 0.6) -> dict:
    from qualcode.agreement import reading
    from qualcode.agreement.project import histogram

    out = {"code": f.code, "label": f.label, "transcript": f.transcript, "units": f.units, "codings": f.codings,
           "coded_by": histogram(f.counts, len(coders))}
    if len(coders) == 2:
        out |= {"both": f.counts[3], "only": {coders[0]: f.counts[1], coders[1]: f.counts[2]}, "neither": f.counts[0],
                "codes_more": reading.direction(f.counts, coders)[0]}
    out |= {"positive_agreement": reading.positive_agreement(f.counts, len(coders)),
            "kappa_band": reading.kappa_band(f.kappa.value), "alpha_band": reading.alpha_band(f.alpha.value),
            "flagged": reading.flagged(f.kappa.value, threshold)}
    return out | {name: _agreement_dict(getattr(f, name)) for name in ("agreement", "kappa", "alpha", "u_alpha")}


def report_dict(r, threshold: float = 0.6, cover=(), warns=()) -> dict:
    return {"coders": r.coders, "unit": r.unit, "scope": r.scope, "level": r.level, "coefficient": r.kappa_name,
            "threshold": threshold, "warnings": list(warns),
            "coverage": [{"transcript": c.transcript, "turns": c.turns, "coded": c.coded, "finished": c.finished,
                          "partial": c.partial} for c in cover],
            "pooling": r.pooling, "transcripts": r.transcripts,
            "excluded": [{"transcript": t, "not_coded_by": c} for t, c in r.excluded.items()],
            "overall": _figure_dict(r.overall, r.coders, threshold),
            "codes": [_figure_dict(f, r.coders, threshold) for f in r.codes],
            "per_transcript": [_figure_dict(f, r.coders, threshold) for f in r.per_transcript],
            "cells": [_figure_dict(f, r.coders, threshold) for f in r.cells],
            "families": [{"family": f.family, "label": f.label, "alpha": _agreement_dict(f.alpha),
                          "segments_paired": f.alpha.n_units, "segments_coded": f.coded,
                          "combined_values": f.combined} for f in r.families]}


def _agreement_dict(a) -> dict | None:
    return None if a is None else {"value": a.value, "reason": a.reason, "observed": a.observed,
                                   "expected": a.expected}


def _units(n: int) -> str:
    return f"{n:,}"


def table(title: str, columns: list[str], rows, *, right=(), caption=None, styles=None) -> None:
    """Like common.table, but sized for figures: the first column (code ids) takes
    what the others leave, figure columns wrap their "undefined (reason)";
    `styles` gives a rich style per row (flagged codes in red)."""
    from rich.table import Table
    from rich.text import Text

    out = console()
    figure = 10 if out.width < 120 else 18
    others = sum(figure if c in FIGURES else max(len(c), 7) for c in columns[1:]) + 3 * len(columns) + 1
    longest = max([len(str(r[0])) for r in rows] + [len(columns[0])])
    t = Table(title=title, caption=caption, header_style="bold", caption_justify="left")
    t.add_column(columns[0], overflow="fold", min_width=min(longest, max(12, out.width - others - 4)))
    for col in columns[1:]:
        t.add_column(col, justify="right" if col in right else "left", overflow="fold",
                     max_width=figure if col in FIGURES else None)
    for row, style in zip(rows, styles or [None] * len(rows)):
        t.add_row(*[Text("" if v is None else str(v)) for v in row], style=style)
    out.print(t)


FIGURES = ("kappa", "alpha", "u-alpha")
BANDS_EN = {"quasi parfait": "almost perfect", "substantiel": "substantial", "modéré": "moderate",
            "passable": "fair", "faible": "slight", "désaccord": "poor", "indéfini": "undefined",
            "fiable": "reliable", "conclusions provisoires": "tentative", "non fiable": "unreliable"}
BAND_STYLES = {"almost perfect": "green", "substantial": "green", "moderate": "yellow", "fair": "red",
               "slight": "red", "poor": "red"}


def _cells(f, r, *keys) -> list[str]:
    """Table cells of a figure: kappa, its band, positive agreement, alpha (3+ coders;
    for two it is close to Cohen's kappa and stays in --json and --out), u-alpha when
    computed, who codes more (two coders), units, codings per coder."""
    from qualcode.agreement import reading

    coders = r.coders
    alpha = [shown(f.alpha)] if len(coders) > 2 else []
    u_alpha = [shown(f.u_alpha)] if f.u_alpha is not None else []
    positive = reading.positive_agreement(f.counts, len(coders))
    more = [reading.who_codes_more(f.counts, coders, r.unit).replace(" car.", " chars").replace(" seg.", " segs")] \
        if len(coders) == 2 else []
    return [*keys, shown(f.kappa), BANDS_EN[reading.kappa_band(f.kappa.value)],
            "" if positive is None else f"{positive:.1%}".replace("%", " %"), *alpha, *u_alpha, *more,
            _units(f.units), " / ".join(str(f.codings[c]) for c in coders)]


def _style(f, threshold: float) -> str | None:
    from qualcode.agreement import reading

    if reading.flagged(f.kappa.value, threshold):
        return "red"
    return None


def show_report(r, by_transcript: bool = False, threshold: float = 0.6, warns=()) -> None:
    from rich.text import Text

    from qualcode.agreement import reading

    out = console()
    what = {"character": "character units (every character of the text, as NVivo)",
            "segment": "segment units (coded when a coding overlaps the segment)"}[r.unit]
    out.print(Text.assemble((f"Agreement of {', '.join(r.coders)}", "bold"), f" — {what}; scope: {r.scope}; "
                            f"codes: {r.level}" + ("" if r.level == "leaf" else " (a parent counts its sub-codes)")))
    n = len(r.transcripts)
    out.print(Text(f"Transcripts compared ({n}, coded by every coder): {', '.join(r.transcripts)}"))
    missing: dict[str, list[str]] = {}
    for t, coders in r.excluded.items():
        missing.setdefault(", ".join(coders), []).append(t)
    for coders, tids in missing.items():
        out.print(Text(f"Excluded ({len(tids)}, not coded by {coders}): {', '.join(tids)}"))
    for line in warns:
        out.print(Text(f"warning: {line}", style="bold yellow"))
    codings = "codings"
    alpha = ["alpha"] if len(r.coders) > 2 else []
    more = ["codes more"] if len(r.coders) == 2 else []
    columns = ["code", "kappa", "band", "positive", *alpha, "u-alpha", *more, "units", codings]
    flagged = [f for f in r.codes if reading.flagged(f.kappa.value, threshold)]
    legend = (f"kappa: {r.kappa_name}, band: Landis-Koch; u-alpha: unitizing alpha; codings: {' / '.join(r.coders)}")
    caption = ("positive: positive (specific) agreement, the share of the units one coder coded that the other "
               "coded too, 2·both / (A + B); raw percent agreement counts the uncoded text and reads ~99 % "
               "for every code (it stays in --json and --out). " + ("codes more: the coder with more units "
               "only they coded, and by how many." if more else ""))
    table(f"Per code, worst first ({len(r.codes)} codes; {len(flagged)} under kappa {threshold:g} in red: "
          f"review them; {legend})", columns, [_cells(f, r, f.code) for f in r.codes],
          right=("units", codings, "positive"), caption=caption, styles=[_style(f, threshold) for f in r.codes])
    if by_transcript:
        from qualcode.agreement.project import worst_first

        cells = worst_first(r.cells)
        table("Per code and transcript, worst first", ["code", "transcript", *columns[1:]],
              [_cells(f, r, f.code, f.transcript) for f in cells], right=("units", codings),
              styles=[_style(f, threshold) for f in cells])
    table("Per transcript (counts summed over the codes listed)", ["transcript", *(c for c in columns[1:] if c != "u-alpha")],
          [_cells(f, r, f.transcript) for f in r.per_transcript], right=("units", codings),
          styles=[_style(f, threshold) for f in r.per_transcript])
    if r.families:
        table("Per family: nominal alpha over segments", ["family", "alpha", "band", "segments paired", "coded", "combined values"],
              [[f.family, shown(f.alpha), BANDS_EN[reading.alpha_band(f.alpha.value)], f.alpha.n_units,
                " / ".join(str(f.coded[c]) for c in r.coders), f.combined] for f in r.families],
              right=("segments paired", "coded", "combined values"),
              styles=["red" if reading.flagged(f.alpha.value, 0.667) else None for f in r.families],
              caption="A coder's value for a segment: the code(s) they applied in the family there (several: "
                      f"a combined value); none: missing. coded: segments with a value, {' / '.join(r.coders)}. "
                      "Band (Krippendorff): reliable from .800, tentative conclusions from .667.")
    o = r.overall
    defined = [f.kappa.value for f in r.codes if f.kappa.value is not None]
    mean = f"{sum(defined) / len(defined):.3f} over the {len(defined)} codes where it is defined" if defined else "undefined"
    positive = reading.positive_agreement(o.counts, len(r.coders))
    out.print(Text.assemble(("Overall", "bold"), f" (pooled: {r.pooling}; {_units(o.units)} units): "
                            f"{r.kappa_name} {shown(o.kappa)} ({BANDS_EN[reading.kappa_band(o.kappa.value)]}), "
                            f"positive agreement {'' if positive is None else f'{positive:.1%}'}, alpha {shown(o.alpha)}. "
                            f"Unweighted mean of the per-code {r.kappa_name}: {mean}."))
    if flagged:
        out.print(Text(f"To review ({len(flagged)} codes under kappa {threshold:g}): "
                       + ", ".join(f.code for f in flagged[:15]) + ("…" if len(flagged) > 15 else ""), style="red"))


def disagreements(coders: Annotated[list[str], typer.Option("--coders", "-c", metavar="A B", help="The two coders to compare.")],
                  transcript: Annotated[Optional[list[str]], typer.Option("--transcript", "-t", metavar="ID...", help="Only these transcripts.")] = None,
                  code: CodesOpt = None, scope: ScopeOpt = "all",
                  out: Annotated[Optional[Path], typer.Option(metavar="FILE", help="Also write them to .docx (reconciliation document), .xlsx, .csv, .json or .md.")] = None,
                  min_chars: Annotated[int, typer.Option(metavar="N", help="Hide differences of extent shorter than N characters (boundary artefacts such as 'Oui, oui.'); 0 shows all.")] = 20,
                  pseudonymise: PseudoOpt = None, project: ProjectOpt = None, json: JsonOpt = False):
    """The exact passages where two coders differ: one applied a code and the other
    did not, or they applied different codes of one family at the same place.
    Differences of extent shorter than --min-chars are boundary artefacts: hidden,
    and counted."""
    from qualcode.agreement import disagreements as dg
    from qualcode.agreement.project import load

    proj = open_project(project)
    for c in code or []:
        proj.code(c)
    result = dg.hide_short(dg.find(load(proj, coders, transcript), scope=scope, within=code or ()), min_chars)
    hook = pseudonymiser(proj, pseudonymise)
    if hook is not None:
        from qualcode.pseudonymise.apply import passages

        passages(hook, result.passages)
    rows = [passage_row(p, result.coders) for p in result.passages]
    if out and out.suffix.lower() == ".docx":
        dg.write_docx(result, out, {c.id: hook.string(c.label) if hook is not None else c.label for c in proj.codes()})
    elif out:
        from qualcode.exports.files import write_rows

        columns = list(passage_row(dg.Passage("", 0, 0, "", "", []), result.coders))
        french = [r | {"kind": dg.KINDS_FR.get(r["kind"]) or r["kind"].replace("only ", "seulement ")} for r in rows]
        write_rows(french, out, columns=columns, title=f"Désaccords {' / '.join(result.coders)}", sheet="Désaccords",
                   headers=file_headers(result.coders))
    if json:
        print_json({"coders": result.coders, "transcripts": result.transcripts,
                    "excluded": [{"transcript": t, "not_coded_by": c} for t, c in result.excluded.items()],
                    "left_out_spaces_or_punctuation": result.trivial,
                    "hidden_shorter_than": {"min_chars": min_chars, "passages": result.short},
                    "passages": [p.__dict__ | {"context": p.context} for p in result.passages]})
        return
    show_passages(result, summary_only=out is not None)
    if out:
        console().print(f"wrote {out}")


def file_headers(coders) -> dict[str, str]:
    """French headers of the disagreements in xlsx and md (csv and json keep the keys)."""
    return {"transcript": "Entretien", "segment": "Tour", "speaker": "Locuteur", "start": "Début", "end": "Fin",
            "kind": "Type", "code": "Code", "passage": "Passage", "context": "Contexte",
            **{f"applied by {c}": f"Appliqué par {c}" for c in coders}}


def passage_row(p, coders) -> dict:
    segment = p.segment if p.segment == p.segment_last else f"{p.segment}–{p.segment_last}"  # None: between turns
    return {"transcript": p.transcript, "segment": segment, "speaker": p.speaker, "start": p.start, "end": p.end,
            "kind": p.kind, "code": p.code, **{f"applied by {c}": ", ".join(p.applied.get(c, [])) for c in coders},
            "passage": p.text, "context": p.context}


def show_passages(result, summary_only: bool = False) -> None:
    """One block per passage, grouped by transcript: where, what, the sentence with
    the exact passage underlined, and what each coder applied there."""
    from rich.rule import Rule
    from rich.text import Text

    out = console()
    current = None
    for p in [] if summary_only else result.passages:
        if p.transcript != current:
            current = p.transcript
            out.print(Rule(f"{p.transcript}", align="left"))
        row = passage_row(p, result.coders)
        out.print(Text.assemble((f"segment {row['segment'] or '?'}", "bold"), f" · {p.speaker or '?'} · [{p.start}:{p.end}] · ",
                                (p.kind, "yellow"), f" · {p.code}"))
        out.print(Text.assemble("  « ", p.before, (p.text, "bold underline"), p.after, " »"))
        for coder in result.coders:
            out.print(Text.assemble(f"  {coder}: ", (row[f"applied by {coder}"] or "—", "cyan")))
    excluded = f"; excluded (not coded by both): {', '.join(result.excluded)}" if result.excluded else ""
    out.print(Text(f"{len(result.passages)} passages where {' and '.join(result.coders)} differ in "
                   f"{len(result.transcripts)} transcripts ({', '.join(result.transcripts)}){excluded}. "
                   f"{result.trivial} differences of spaces or punctuation only left out."
                   + (f" {result.short} differences of extent shorter than {result.min_chars} characters hidden "
                      "(boundary artefacts; --min-chars 0 shows them)." if result.short else "")))
