"""`qualcode search PATTERN`: keyword in context across the project, and coding
every hit (or its sentence or turn) with one code."""
from __future__ import annotations

import re

import sys
from typing import Annotated, Optional

import typer

from qualcode.cli.common import JsonOpt, ProjectOpt, PseudoOpt, console, err_console, open_project, print_json, pseudonymiser


def register(app: typer.Typer) -> None:
    app.command("search")(search)


def search(pattern: Annotated[str, typer.Argument(metavar="PATTERN", help="Words to find; * stands for any letters (punais*).")],
           lemma: Annotated[bool, typer.Option("--lemma", help="Also match inflections (attendre finds attendu, attends).")] = False,
           transcripts: Annotated[Optional[list[str]], typer.Option("--transcripts", "-t", help="Only these transcripts (repeatable or comma-separated).")] = None,
           where: Annotated[Optional[list[str]], typer.Option("--where", "-w", help="attribute=value (repeatable; same attribute: any of the values).")] = None,
           role: Annotated[Optional[str], typer.Option("--role", help="Only turns of respondents or interviewers.")] = None,
           context: Annotated[int, typer.Option("--context", help="Characters of context on each side.")] = 40,
           code: Annotated[Optional[str], typer.Option("--code", help="Code every hit with this code (needs --coder).")] = None,
           coder: Annotated[Optional[str], typer.Option("--coder", "-c", help="Who codes the hits.")] = None,
           unit: Annotated[str, typer.Option("--unit", help="What to code: hit, sentence or turn.")] = "hit",
           yes: Annotated[bool, typer.Option("--yes", "-y", help="Code without asking.")] = False,
           dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what --code would code; change nothing.")] = False,
           pseudonymise: PseudoOpt = None, project: ProjectOpt = None, json: JsonOpt = False):
    """Every hit of PATTERN with its context (accents and case optional), its
    transcript, turn, speaker and offsets; with --code and --coder, code them all
    in one transaction (after showing how many)."""
    from qualcode import search as kwic
    from qualcode.errors import QualcodeError

    if (coder or dry_run or yes) and not code:
        raise QualcodeError("--coder, --yes and --dry-run go with --code CODE")
    if code and not (coder and coder.strip()):
        raise QualcodeError("coding search hits needs a coder name (--coder NAME)")
    proj = open_project(project)
    hits = kwic.search(proj, pattern, lemma=lemma, transcripts=transcripts, where=where, role=role,
                       context=context)
    if code is None:
        hook = pseudonymiser(proj, pseudonymise)
        for h in hits if hook is not None else []:  # the listing leaves the project; coding does not
            lo, hi = max(h.turn_start, h.start - context), min(h.turn_end, h.end + context)
            h.left, h.match, h.right = (re.sub(r"\s+", " ", p) for p in hook.pieces(h.transcript, [lo, h.start, h.end, hi]))
            h.speaker = hook.string(h.speaker)
        _show_hits(hits, pattern, json)
        if not hits:
            raise typer.Exit(1)
        return
    found = kwic.mark_covered(proj, kwic.passages(proj, hits, unit), code, coder)
    todo = [p for p in found if p.covered_by is None]
    summary = (f"{_n(len(hits), 'hit')} of «{pattern}» in {_n(len({h.transcript for h in hits}), 'transcript')}: "
               f"{_n(len(todo), unit + ' passage')} to code with {code} by {coder}"
               + (f" ({len(found) - len(todo)} already coded)" if len(found) > len(todo) else ""))
    say = (err_console() if json else console()).print  # --json keeps stdout for JSON
    if dry_run or not todo:
        _show_passages(proj, found, json)
        say(summary + ("; dry run: nothing coded" if dry_run else "; nothing to code"))
        if not hits:
            raise typer.Exit(1)
        return
    if not yes:
        if not sys.stdin.isatty():
            raise QualcodeError(f"{summary}: add --yes to code them (or --dry-run to list them)")
        say(summary)
        if not typer.confirm("Code them?", default=False):
            raise typer.Exit(1)
    created = kwic.code_passages(proj, found, code, coder, pattern=pattern, lemma=lemma, unit=unit)
    if json:
        print_json(created)
        return
    console().print(f"coded {len(created)} passages with {code} by {coder} "
                    f"(codings #{created[0]['id']}…#{created[-1]['id']}); see 'qualcode log --action search'")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _show_hits(hits, pattern: str, json: bool) -> None:
    """One line per hit, aligned on the hit (classic KWIC); the left context keeps
    its end, the right context its start."""
    from rich.text import Text

    if json:
        print_json([h.as_dict() for h in hits])
        return
    out = console()
    if not hits:
        out.print(f"no hits for «{pattern}»", style="yellow")
        return
    wheres = [f"{h.transcript} #{h.turn} {h.speaker or ''}".rstrip() for h in hits]
    where_width = min(24, max(len(w) for w in wheres))
    offset_width = max(len(str(h.start)) for h in hits)
    side = max(10, (out.width - where_width - offset_width - 3 - max(len(h.match) for h in hits)) // 2)
    for where, h in zip(wheres, hits):
        line = Text(f"{where[:where_width]:<{where_width}} ", style="cyan")
        line.append(f"{h.start:>{offset_width}}  ", style="dim")
        left = h.left if len(h.left) <= side else "…" + h.left[-(side - 1):]
        line.append(f"{left:>{side}}")
        line.append(h.match, style="bold yellow")
        line.append(h.right)
        out.print(line, no_wrap=True, overflow="ellipsis")
    out.print(f"{_n(len(hits), 'hit')} in {_n(len({h.transcript for h in hits}), 'transcript')}", style="dim")


def _show_passages(proj, found, json: bool) -> None:
    from dataclasses import asdict

    from qualcode.cli.common import table

    texts: dict[str, str] = {}
    rows = []
    for p in found:
        text = texts.setdefault(p.transcript, proj.store.transcript(p.transcript)["text"])
        rows.append({**asdict(p), "quote": text[p.start:p.end]})
    if json:
        print_json(rows)
        return
    table(f"{len(rows)} passages", ["transcript", "turn", "span", "hits", "already coded", "quote"],
          [[r["transcript"], r["turn"], f"{r['start']}:{r['end']}", r["hits"],
            f"#{r['covered_by']}" if r["covered_by"] else "", " ".join(r["quote"].split())[:80]] for r in rows])
