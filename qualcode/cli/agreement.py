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
              out: OutOpt = None, project: ProjectOpt = None, json: JsonOpt = False):
    """Agreement between coders per code (parents roll up their sub-codes), per
    transcript and pooled: percent agreement, Cohen's kappa (2 coders) or Fleiss'
    kappa (3+), Krippendorff's alpha, unitizing alpha; per family alpha (segments)."""
    from qualcode.agreement import project as ag

    proj = open_project(project)
    for c in code or []:
        proj.code(c)
    report = ag.compute(ag.load(proj, coders, transcripts), unit=unit, scope=scope, level=level, codes=code or ())
    if out:
        from qualcode.exports.files import write_rows

        rows = report_rows(report)
        write_rows(rows, out, columns=list(rows[0]), title="Inter-coder agreement", sheet="Accord")
    if json:
        print_json(report_dict(report))
        return
    show_report(report, by_transcript)
    if out:
        console().print(f"wrote {out}")


def _figure_dict(f, coders) -> dict:
    from qualcode.agreement.project import histogram

    out = {"code": f.code, "label": f.label, "transcript": f.transcript, "units": f.units, "codings": f.codings,
           "coded_by": histogram(f.counts, len(coders))}
    if len(coders) == 2:
        out |= {"both": f.counts[3], "only": {coders[0]: f.counts[1], coders[1]: f.counts[2]}, "neither": f.counts[0]}
    return out | {name: _agreement_dict(getattr(f, name)) for name in ("agreement", "kappa", "alpha", "u_alpha")}


def report_dict(r) -> dict:
    return {"coders": r.coders, "unit": r.unit, "scope": r.scope, "level": r.level, "coefficient": r.kappa_name,
            "pooling": r.pooling, "transcripts": r.transcripts,
            "excluded": [{"transcript": t, "not_coded_by": c} for t, c in r.excluded.items()],
            "overall": _figure_dict(r.overall, r.coders),
            "codes": [_figure_dict(f, r.coders) for f in r.codes],
            "per_transcript": [_figure_dict(f, r.coders) for f in r.per_transcript],
            "cells": [_figure_dict(f, r.coders) for f in r.cells],
            "families": [{"family": f.family, "label": f.label, "alpha": _agreement_dict(f.alpha),
                          "segments_paired": f.alpha.n_units, "segments_coded": f.coded,
                          "combined_values": f.combined} for f in r.families]}


def _agreement_dict(a) -> dict | None:
    return None if a is None else {"value": a.value, "reason": a.reason, "observed": a.observed,
                                   "expected": a.expected}


def report_rows(r) -> list[dict]:
    """Flat rows for csv/xlsx: overall, per code, per transcript, per code and
    transcript, per family, and the excluded transcripts."""
    from qualcode.agreement.project import histogram

    def row(kind, f, note=""):
        d = {"row": kind, "code": f.code or "", "label": f.label, "transcript": f.transcript or "(pooled)",
             "units": f.units, **{f"codings {c}": f.codings[c] for c in r.coders}}
        if len(r.coders) == 2:  # the 2x2 table
            d |= {"both": f.counts[3], f"only {r.coders[0]}": f.counts[1], f"only {r.coders[1]}": f.counts[2],
                  "neither": f.counts[0]}
        else:
            d |= {f"coded by {k}": n for k, n in enumerate(histogram(f.counts, len(r.coders)))}
        d |= {"agreement": cell(f.agreement), "kappa": cell(f.kappa), "alpha": cell(f.alpha),
              "u_alpha": cell(f.u_alpha), "note": note}
        return d

    rows = [row("overall", r.overall, f"{r.kappa_name}; pooled: {r.pooling}")]
    rows += [row("code", f) for f in r.codes] + [row("transcript", f) for f in r.per_transcript]
    rows += [row("code in transcript", f) for f in r.cells]
    template = dict.fromkeys(rows[0], "")
    rows += [template | {"row": "family", "code": f.family, "label": f.label, "units": f.alpha.n_units,
                         **{f"codings {c}": n for c, n in f.coded.items()}, "alpha": cell(f.alpha),
                         "note": "nominal alpha over segments; units: segments coded in the family by 2+ "
                                 "coders; codings columns: segments each coder coded in the family"}
             for f in r.families]
    rows += [template | {"row": "excluded", "transcript": t, "note": "not coded by " + ", ".join(c)}
             for t, c in r.excluded.items()]
    return rows


def _units(n: int) -> str:
    return f"{n:,}"


def table(title: str, columns: list[str], rows, *, right=(), caption=None) -> None:
    """Like common.table, but sized for figures: the first column (code ids) takes
    what the others leave, figure columns wrap their "undefined (reason)"."""
    from rich.table import Table
    from rich.text import Text

    out = console()
    figure = 10 if out.width < 120 else 18
    others = sum(figure if c in FIGURES else max(len(c), 7) for c in columns[1:]) + 3 * len(columns) + 1
    longest = max([len(str(r[0])) for r in rows] + [len(columns[0])])
    t = Table(title=title, caption=caption, header_style="bold")
    t.add_column(columns[0], overflow="fold", min_width=min(longest, max(12, out.width - others - 4)))
    for col in columns[1:]:
        t.add_column(col, justify="right" if col in right else "left", overflow="fold",
                     max_width=figure if col in FIGURES else None)
    for row in rows:
        t.add_row(*[Text("" if v is None else str(v)) for v in row])
    out.print(t)


FIGURES = ("kappa", "alpha", "u-alpha")


def _cells(f, coders, *keys) -> list[str]:
    """Table cells of a figure; alpha only for 3+ coders (for two it is close to
    Cohen's kappa and stays in --json and --out), u-alpha when computed."""
    alpha = [shown(f.alpha)] if len(coders) > 2 else []
    u_alpha = [shown(f.u_alpha)] if f.u_alpha is not None else []
    return [*keys, shown(f.agreement, True), shown(f.kappa), *alpha, *u_alpha, _units(f.units),
            " / ".join(str(f.codings[c]) for c in coders)]


def show_report(r, by_transcript: bool = False) -> None:
    from rich.text import Text

    out = console()
    what = {"character": "character units (every character of the text, as NVivo)",
            "segment": "segment units (coded when a coding overlaps the segment)"}[r.unit]
    out.print(Text.assemble((f"Agreement of {', '.join(r.coders)}", "bold"), f" — {what}; scope: {r.scope}; "
                            f"codes: {r.level}" + ("" if r.level == "leaf" else " (a parent counts its sub-codes)")))
    out.print(Text(f"Transcripts compared ({len(r.transcripts)}, coded by every coder): {', '.join(r.transcripts)}"))
    missing: dict[str, list[str]] = {}
    for t, coders in r.excluded.items():
        missing.setdefault(", ".join(coders), []).append(t)
    for coders, tids in missing.items():
        out.print(Text(f"Excluded ({len(tids)}, not coded by {coders}): {', '.join(tids)}"))
    codings = "codings"
    alpha = ["alpha"] if len(r.coders) > 2 else []
    columns = ["code", "agreement", "kappa", *alpha, "u-alpha", "units", codings]
    legend = f"kappa: {r.kappa_name}; u-alpha: unitizing alpha; codings: {' / '.join(r.coders)}"
    table(f"Per code, worst first ({len(r.codes)} codes; {legend})", columns,
          [_cells(f, r.coders, f.code) for f in r.codes], right=("units", codings))
    if by_transcript:
        from qualcode.agreement.project import worst_first

        table("Per code and transcript, worst first", ["code", "transcript", *columns[1:]],
              [_cells(f, r.coders, f.code, f.transcript) for f in worst_first(r.cells)],
              right=("units", codings))
    table("Per transcript (counts summed over the codes listed)", ["transcript", *(c for c in columns[1:] if c != "u-alpha")],
          [_cells(f, r.coders, f.transcript) for f in r.per_transcript], right=("units", codings))
    if r.families:
        table("Per family: nominal alpha over segments", ["family", "alpha", "segments paired", "coded", "combined values"],
              [[f.family, shown(f.alpha), f.alpha.n_units, " / ".join(str(f.coded[c]) for c in r.coders), f.combined]
               for f in r.families], right=("segments paired", "coded", "combined values"),
              caption="A coder's value for a segment: the code(s) they applied in the family there (several: "
                      f"a combined value); none: missing. coded: segments with a value, {' / '.join(r.coders)}")
    o = r.overall
    defined = [f.kappa.value for f in r.codes if f.kappa.value is not None]
    mean = f"{sum(defined) / len(defined):.3f} over the {len(defined)} codes where it is defined" if defined else "undefined"
    out.print(Text.assemble(("Overall", "bold"), f" (pooled: {r.pooling}; {_units(o.units)} units): agreement "
                            f"{shown(o.agreement, True)}, {r.kappa_name} {shown(o.kappa)}, alpha {shown(o.alpha)}. "
                            f"Unweighted mean of the per-code {r.kappa_name}: {mean}."))


def disagreements(coders: Annotated[list[str], typer.Option("--coders", "-c", metavar="A B", help="The two coders to compare.")],
                  transcript: Annotated[Optional[list[str]], typer.Option("--transcript", "-t", metavar="ID...", help="Only these transcripts.")] = None,
                  code: CodesOpt = None, scope: ScopeOpt = "all",
                  out: Annotated[Optional[Path], typer.Option(metavar="FILE", help="Also write them to .docx (reconciliation document), .xlsx, .csv, .json or .md.")] = None,
                  pseudonymise: PseudoOpt = None, project: ProjectOpt = None, json: JsonOpt = False):
    """The exact passages where two coders differ: one applied a code and the other
    did not, or they applied different codes of one family at the same place."""
    from qualcode.agreement import disagreements as dg
    from qualcode.agreement.project import load

    proj = open_project(project)
    for c in code or []:
        proj.code(c)
    result = dg.find(load(proj, coders, transcript), scope=scope, within=code or ())
    hook = pseudonymiser(proj, pseudonymise)
    if hook is not None:
        from qualcode.pseudonymise.apply import passages

        passages(hook, result.passages)
    rows = [passage_row(p, result.coders) for p in result.passages]
    if out and out.suffix.lower() == ".docx":
        dg.write_docx(result, out, {c.id: hook.string(c.label) if hook is not None else c.label for c in proj.codes()})
    elif out:
        from qualcode.exports.files import write_rows

        write_rows(rows, out, columns=list(passage_row(dg.Passage("", 0, 0, "", "", []), result.coders)),
                   title=f"Désaccords {' / '.join(result.coders)}", sheet="Désaccords")
    if json:
        print_json({"coders": result.coders, "transcripts": result.transcripts,
                    "excluded": [{"transcript": t, "not_coded_by": c} for t, c in result.excluded.items()],
                    "left_out_spaces_or_punctuation": result.trivial,
                    "passages": [p.__dict__ | {"context": p.context} for p in result.passages]})
        return
    show_passages(result, summary_only=out is not None)
    if out:
        console().print(f"wrote {out}")


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
                   f"{result.trivial} differences of spaces or punctuation only left out."))
