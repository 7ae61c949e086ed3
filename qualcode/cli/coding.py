"""Commands for coding by hand and scripting: code, uncode, codings (list,
import, export), memo, log, and the interactive `tag` screen."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qualcode.cli.common import JsonOpt, ProjectOpt, PseudoOpt, console, open_project, print_json, pseudonymiser, table

CoderOpt = Annotated[str, typer.Option("--coder", "-c", help="Coder name (recorded with each coding).")]
SegmentOpt = Annotated[Optional[int], typer.Option("--segment", "-s", help="Turn number (see 'qualcode show').")]
QuoteOpt = Annotated[Optional[str], typer.Option("--quote", "-q", help="Exact words to code (inside --segment if given).")]
OccurrenceOpt = Annotated[Optional[int], typer.Option("--occurrence", help="Which occurrence of the quote (1 = first).")]
SpanOpt = Annotated[Optional[str], typer.Option("--span", help="START:END character offsets.")]


def register(app: typer.Typer) -> None:
    app.command("code")(code)
    app.command("uncode")(uncode)
    codings_app = typer.Typer(help="List codings (subcommands: import, export).",
                              invoke_without_command=True, no_args_is_help=False)
    codings_app.callback()(codings_list)
    codings_app.command("import")(codings_import)
    codings_app.command("export")(codings_export)
    app.add_typer(codings_app, name="codings")
    app.command("memo")(memo)
    app.command("log")(log)
    app.command("tag")(tag)
    app.command("done")(done)


def code(transcript: Annotated[str, typer.Argument(metavar="TRANSCRIPT")],
         code_id: Annotated[str, typer.Argument(metavar="CODE")],
         coder: Annotated[Optional[str], typer.Option("--coder", "-c", help="Coder name (required; recorded with each coding).")] = None,
         segment: SegmentOpt = None, quote: QuoteOpt = None,
         occurrence: OccurrenceOpt = None, span: SpanOpt = None,
         memo: Annotated[str, typer.Option(help="Memo on the coding.")] = "",
         project: ProjectOpt = None, json: JsonOpt = False):
    """Apply CODE to a passage of TRANSCRIPT chosen by --segment, --quote or --span."""
    from qualcode import coding as ops
    from qualcode.errors import QualcodeError

    if not coder or not coder.strip():
        # checked here (not as a required option) so that it is a one-line error, exit 1
        raise QualcodeError("a coding needs a coder name (--coder NAME)")
    proj = open_project(project)
    proj.transcript(transcript)
    ops.require_code(proj.store, code_id)  # reported even when the quote is wrong too
    start, end = ops.resolve_span(proj, transcript, segment=segment, quote=quote,
                                  occurrence=occurrence, span=span)
    result = ops.add(proj, transcript, code_id, coder, start, end, memo=memo)
    if json:
        print_json(result)
    else:
        console().print(f"coding #{result['id']}: {code_id} on {transcript} [{start}:{end}] "
                        f"by {coder}: «{_short(result['quote'])}»")


def uncode(transcript: Annotated[Optional[str], typer.Argument(metavar="[TRANSCRIPT]")] = None,
           code_id: Annotated[Optional[str], typer.Argument(metavar="[CODE]")] = None,
           coder: Annotated[Optional[str], typer.Option("--coder", "-c")] = None,
           segment: SegmentOpt = None, quote: QuoteOpt = None, occurrence: OccurrenceOpt = None,
           span: SpanOpt = None,
           coding_id: Annotated[Optional[int], typer.Option("--id", help="Coding id (instead of the selectors).")] = None,
           by: Annotated[Optional[str], typer.Option(help="Who removes it (default: the coder).")] = None,
           project: ProjectOpt = None):
    """Remove a coding, by id or by the same selectors as 'code'."""
    from qualcode import coding as ops
    from qualcode.errors import QualcodeError

    proj = open_project(project)
    if coding_id is None:
        if not (transcript and code_id and coder):
            raise QualcodeError("give --id N, or TRANSCRIPT CODE --coder NAME with a selector")
        start, end = ops.resolve_span(proj, transcript, segment=segment, quote=quote,
                                      occurrence=occurrence, span=span)
        found = ops.find(proj, transcript, code_id, coder, start, end)
        if found is None:
            raise QualcodeError(f"no coding of {code_id} by {coder} on {transcript} [{start}:{end}]")
        coding_id = found["id"]
    removed = ops.remove(proj, coding_id, actor=by)
    console().print(f"removed coding #{coding_id}: {removed['code']} on {removed['transcript']} "
                    f"by {removed['coder']}: «{_short(removed['quote'])}»")


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def codings_list(ctx: typer.Context,
                 transcript: Annotated[Optional[str], typer.Option("--transcript", "-t")] = None,
                 code_id: Annotated[Optional[str], typer.Option("--code", help="Code, with its sub-codes.")] = None,
                 coder: Annotated[Optional[str], typer.Option("--coder", "-c")] = None,
                 actor_type: Annotated[Optional[str], typer.Option("--actor-type", help="Transcripts with this actor_type.")] = None,
                 detached: Annotated[bool, typer.Option("--detached", help="Codings a --replace import could not place.")] = False,
                 pseudonymise: PseudoOpt = None, project: ProjectOpt = None, json: JsonOpt = False):
    """List codings with filters."""
    if ctx.invoked_subcommand:
        return
    from qualcode import coding as ops
    from qualcode.errors import require_known

    proj = open_project(project)
    if detached:
        rows = proj.store.detached_codings(transcript)
        if json:
            print_json(rows)
        else:
            table(f"{len(rows)} detached codings", ["id", "transcript", "code", "coder", "old span", "quote", "reason"],
                  [[r["id"], r["transcript_id"], r["code"], r["coder"], f"{r['old_start']}:{r['old_end']}",
                    _short(r["quote"]), r["reason"]] for r in rows])
        return
    if code_id:
        ops.require_code(proj.store, code_id)
    if transcript:
        proj.transcript(transcript)
    if coder:
        require_known("no codings by", [coder], proj.store.coders(), "coders")
    rows = proj.store.codings(transcript=transcript, code=code_id, coder=coder,
                              attr=("actor_type", actor_type) if actor_type else None)
    texts: dict[str, str] = {}
    for r in rows:  # each transcript's text read once (not once per coding)
        if r["transcript"] not in texts:
            texts[r["transcript"]] = proj.store.transcript(r["transcript"])["text"]
    views = [ops.coding_view(proj, r, texts[r["transcript"]]) for r in rows]
    hook = pseudonymiser(proj, pseudonymise)
    for v in views if hook is not None else []:
        v["quote"], v["memo"] = hook.span(v["transcript"], v["start"], v["end"]), hook.string(v["memo"])
    if json:
        print_json([{k: v[k] for k in ("id", "transcript", "code", "coder", "start", "end", "quote",
                                        "memo", "time", "origin", "provenance")} for v in views])
        return
    table(f"{len(views)} codings", ["id", "transcript", "code", "coder", "span", "quote", "memo"],
          [[v["id"], v["transcript"], v["code"], v["coder"], f"{v['start']}:{v['end']}",
            _short(v["quote"]), _short(v["memo"], 30)] for v in views], justify_right=("id",))


def codings_import(files: Annotated[list[Path], typer.Argument(help="Codings files or folders of them.")],
                   project: ProjectOpt = None):
    """Import codings anchored by quote (see qualcode/codings_file.py for the format)."""
    from qualcode import codings_file

    proj = open_project(project)
    try:
        result = codings_file.import_files(proj, files)
    except codings_file.CodingsInvalid as exc:
        for error in exc.errors:
            typer.echo(error, err=True)
        typer.echo(f"qualcode: error: {len(exc.errors)} coding(s) could not be placed; nothing imported", err=True)
        raise typer.Exit(1)
    per = ", ".join(f"{c}: {n}" for c, n in sorted(result.by_coder.items()))
    console().print(f"{result.files} files: {result.added} codings added ({per or 'none'}), "
                    f"{result.present} already present")


def codings_export(out: Annotated[Path, typer.Option(help="Folder to write CODER/TRANSCRIPT.yaml into.")] = Path("exports/codings"),
                   coder: Annotated[Optional[list[str]], typer.Option("--coder", "-c")] = None,
                   transcript: Annotated[Optional[list[str]], typer.Option("--transcript", "-t")] = None,
                   pseudonymise: PseudoOpt = None, project: ProjectOpt = None):
    """Write codings as reviewable YAML files anchored by quote (pseudonymised
    quotes no longer anchor in this project: they are for sharing)."""
    from qualcode import codings_file

    proj = open_project(project)
    written = codings_file.export(proj, out, coders=coder, transcripts=transcript,
                                  pseudonymiser=pseudonymiser(proj, pseudonymise))
    console().print(f"wrote {len(written)} files under {out}")


def memo(kind: Annotated[str, typer.Argument(help="coding, code or transcript.")],
         target: Annotated[str, typer.Argument(help="Coding id, code id or transcript id.")],
         text: Annotated[Optional[str], typer.Argument(help="New memo text (omit to print the memo).")] = None,
         by: Annotated[Optional[str], typer.Option(help="Who writes it (audit trail).")] = None,
         project: ProjectOpt = None):
    """Read or write the memo of a coding, a code or a transcript."""
    from qualcode import coding as ops
    from qualcode.project import default_actor

    proj = open_project(project)
    if text is None:
        typer.echo(ops.get_memo(proj, kind, target))
        return
    ops.set_memo(proj, kind, target, text, actor=by or default_actor())
    console().print(f"memo saved on {kind} {target}")


def log(coder: Annotated[Optional[str], typer.Option("--coder", "-c", help="Only this person's actions.")] = None,
        since: Annotated[Optional[str], typer.Option(help="From this date (YYYY-MM-DD or ISO time).")] = None,
        until: Annotated[Optional[str], typer.Option(help="Before this date.")] = None,
        action: Annotated[Optional[str], typer.Option(help="Action prefix, e.g. coding or code.rename.")] = None,
        limit: Annotated[Optional[int], typer.Option(help="Only the last N entries.")] = None,
        project: ProjectOpt = None, json: JsonOpt = False):
    """The audit trail: every coding and codebook change, who, when, before/after."""
    from rich.text import Text

    from qualcode.errors import require_known

    store = open_project(project).store
    if coder:
        require_known("no changes by", [coder], store.audit_actors(), "people in the log")
    rows = store.audit_entries(actor=coder, since=since, until=until,
                                                     action_prefix=action, limit=limit)
    if json:
        print_json(rows)
        return
    out = console()
    for r in rows:
        line = Text(r["at"].replace("T", " ")[:19] + "  ", style="dim")
        line.append(f"{r['actor']:<10} ", style="cyan")
        line.append(f"{r['action']:<18} ", style="bold")
        line.append(describe_change(r))
        out.print(line, overflow="ellipsis", no_wrap=True)
    out.print(f"{len(rows)} changes", style="dim")


def describe_change(entry: dict) -> str:
    """One readable line for an audit entry."""
    before, after = entry["before"] or {}, entry["after"] or {}
    if entry["action"].startswith("coding.") and ("quote" in before or "quote" in after):
        c = after if "quote" in after else before
        text = f"{entry['target']} {c.get('code')} on {c.get('transcript')} [{c.get('start')}:{c.get('end')}] «{_short(c.get('quote', ''), 50)}»"
        changed = [k for k in ("code", "start", "end", "memo") if before and after and before.get(k) != after.get(k)]
        if changed:
            text += " changed " + ", ".join(f"{k}: {before.get(k)!r} → {after.get(k)!r}" for k in changed)
        return text
    if isinstance(before, dict) and isinstance(after, dict) and before and after:
        keys = [k for k in after if before.get(k) != after.get(k)]
        return f"{entry['target']} " + ", ".join(f"{k}: {_short(str(before.get(k)), 30)!s} → {_short(str(after.get(k)), 30)}" for k in keys)
    return f"{entry['target']} " + _short(str(after or before), 80)


def done(transcripts: Annotated[list[str], typer.Argument(metavar="TRANSCRIPT...")],
         coder: CoderOpt,
         undo: Annotated[bool, typer.Option("--undo", help="Remove the finished mark.")] = False,
         project: ProjectOpt = None):
    """Mark transcripts as completely coded by --coder (agreement can use only these)."""
    proj = open_project(project)
    for transcript in transcripts:
        changed = proj.mark_finished(transcript, coder, finished=not undo)
        state = "not finished" if undo else "finished"
        note = "" if changed else " (already)"
        console().print(f"{transcript}: {state} by {coder}{note}")


def tag(transcript: Annotated[str, typer.Argument(metavar="TRANSCRIPT")], coder: CoderOpt,
        project: ProjectOpt = None):
    """Open the interactive coding screen on a transcript."""
    from qualcode.tui.tag import run_tag

    run_tag(open_project(project), transcript, coder)
