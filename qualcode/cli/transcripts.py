"""Commands for projects and transcripts: init, import, transcripts, show, attributes."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qualcode.cli.common import JsonOpt, ProjectOpt, PseudoOpt, console, open_project, print_json, pseudonymiser, table


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_cmd)
    app.command("transcripts")(transcripts)
    app.command("show")(show)
    attributes_app = typer.Typer(help="List, set or unset transcript attributes.",
                                 invoke_without_command=True, no_args_is_help=False)
    attributes_app.callback()(attributes_list)
    attributes_app.command("set")(attributes_set)
    attributes_app.command("unset")(attributes_unset)
    app.add_typer(attributes_app, name="attributes")


def init(directory: Annotated[Path, typer.Argument(help="Folder of the new project.")] = Path("."),
         server: Annotated[Optional[str], typer.Option(
             "--server", help="Put the project on this empty PostgreSQL database "
             "(postgresql://HOST[:PORT]/DATABASE, no password; default: $QUALCODE_DATABASE_URL).")] = None):
    """Create a qualcode project (a folder with its database, or naming a server database)."""
    import os

    from qualcode.project import Project

    server = server or os.environ.get("QUALCODE_DATABASE_URL") or None
    project = Project.init(directory, server=server)
    where = f" on {project.store.location}" if server else ""
    verb = "Joined the qualcode project" if project.joined else "Created qualcode project"
    console().print(f"{verb} in {project.root}{where}", markup=False, highlight=False, soft_wrap=True)


def import_cmd(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Files, folders or glob patterns.")] = None,
    manifest: Annotated[Optional[Path], typer.Option(help="CSV of interview attributes (id, file, ...).")] = None,
    attr: Annotated[Optional[list[str]], typer.Option("--attr", help="key=value set on every imported transcript.")] = None,
    interviewer: Annotated[Optional[list[str]], typer.Option("--interviewer", help="Speaker name of an interviewer (repeatable).")] = None,
    replace: Annotated[bool, typer.Option(help="Update changed transcripts, re-anchoring their codings.")] = False,
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Look into sub-folders.")] = False,
    positions: Annotated[Optional[str], typer.Option(help="A .qdpx's position unit: utf16 or codepoints (default: detected).")] = None,
    project: ProjectOpt = None,
):
    """Import transcripts (.docx .odt .txt .md .vtt .srt), or a whole REFI-QDA project
    (.qdpx: sources, codebook, codings, coders, notes, attributes), as one transaction."""
    qdpx = [p for p in paths or [] if str(p).lower().endswith((".qdpx", ".qdc"))]
    if qdpx:
        from qualcode.cli.interop import import_qdpx
        from qualcode.errors import QualcodeError

        if qdpx[0].lower().endswith(".qdc"):
            raise QualcodeError(f"{qdpx[0]}: a REFI-QDA codebook; import it with 'qualcode codebook import'")
        if len(paths) > 1 or manifest or attr or interviewer or replace:
            raise QualcodeError(f"{qdpx[0]}: import a .qdpx on its own, without other files or options")
        return import_qdpx(Path(qdpx[0]), positions=positions, project=project)
    proj = open_project(project)
    progress_bar = None
    try:
        from qualcode.importers.batch import expand_paths

        files = expand_paths(paths or [], recursive=recursive)

        def progress(i, n, path):
            nonlocal progress_bar
            if n <= 3:
                return
            if progress_bar is None:
                from rich.progress import Progress

                progress_bar = Progress(transient=True)
                progress_bar.start()
                progress_bar.task = progress_bar.add_task("Reading", total=n)
            progress_bar.update(progress_bar.task, completed=i, description=f"Reading {Path(path).name}")

        results = proj.import_files(files, manifest=manifest, attrs=attr or [],
                                    interviewers=tuple(interviewer or ()), replace=replace,
                                    progress=progress)
    finally:
        if progress_bar is not None:
            progress_bar.stop()
    out = console()

    def say(line: str) -> None:  # file names and quotes are plain text, one line each
        out.print(line, markup=False, highlight=False, soft_wrap=True)

    for r in results:
        if r.status == "unchanged" and r.attributes_applied:
            say(f"{r.transcript_id}: text unchanged; attributes updated: "
                + ", ".join(f"{k}={v}" for k, v in r.attributes.items()))
        elif r.status == "unchanged" and r.attributes:
            say(f"{r.transcript_id}: text unchanged, nothing done ({r.path.name}); attributes differ "
                f"({', '.join(sorted(r.attributes))}): --replace updates them")
        elif r.status == "unchanged":
            say(f"{r.transcript_id}: unchanged, nothing to do ({r.path.name})")
        elif r.status == "imported":
            say(f"{r.transcript_id}: imported {r.segments} segments from {r.path.name}")
        else:
            say(f"{r.transcript_id}: replaced from {r.path.name}; {r.reanchored} codings "
                f"re-anchored, {len(r.detached)} could not be placed")
            for d in r.detached:
                quote = " ".join(d["quote"][:60].split())
                say(f"  not placed: coding {d['id']} {d['code']} by {d['coder']} "
                    f"[{d['start']}:{d['end']}] «{quote}» ({d['reason']}); "
                    "kept in 'qualcode codings --detached'")
            for u in r.pseudonyms_unplaced:
                say(f"  pseudonym decision not placed: «{u['text']}» [{u['start']}:{u['end']}] ({u['reason']}); "
                    "listed in 'qualcode pseudonymise unplaced'")
    new = sum(r.status == "imported" for r in results)
    say(f"{new} imported, {sum(r.status == 'replaced' for r in results)} replaced, "
        f"{sum(r.status == 'unchanged' for r in results)} unchanged.")


def _plain(value: str) -> str:
    """Table cells are rich markup: escape user text ("[inaudible]", "[/x]")."""
    from rich.markup import escape

    return escape(value)


def transcripts(project: ProjectOpt = None, json: JsonOpt = False):
    """List transcripts with their attributes and counts."""
    rows = open_project(project).transcripts()
    if json:
        print_json([{k: r[k] for k in ("id", "title", "actor_type", "people", "segments", "words",
                                        "characters", "codings", "source_name", "format",
                                        "encoding", "attributes")} for r in rows])
        return
    table(f"{len(rows)} transcripts",
          ["id", "title", "actor type", "people", "segments", "words", "characters", "codings"],
          [[_plain(r["id"]), _plain(r["title"]), _plain(r["actor_type"]), r["people"], r["segments"],
            r["words"], r["characters"], r["codings"]] for r in rows],
          justify_right=("people", "segments", "words", "characters", "codings"))


def show(
    transcript_id: Annotated[str, typer.Argument(metavar="ID", help="Transcript id.")],
    offsets: Annotated[bool, typer.Option(help="Show each turn's [start, end) offsets.")] = False,
    pseudonymise: PseudoOpt = None,
    project: ProjectOpt = None,
    json: JsonOpt = False,
):
    """Print a transcript turn by turn, with speakers."""
    from rich.text import Text

    proj = open_project(project)
    info = proj.transcript(transcript_id)
    segments = proj.segments(transcript_id)
    hook = pseudonymiser(proj, pseudonymise)
    if hook is not None:
        info = {**info, "title": hook.string(info["title"]),
                "attributes": {k: hook.string(v) for k, v in info["attributes"].items()}}
        segments = [{**s, "text": hook.span(transcript_id, s["start"], s["end"]), "speaker": hook.string(s["speaker"])}
                    for s in segments]
    if json:
        print_json({"id": info["id"], "title": info["title"], "attributes": info["attributes"],
                    "segments": segments})
        return
    out = console()
    out.print(Text(f"{info['id']} — {info['title']}", style="bold"))
    attrs = ", ".join(f"{k}: {v}" for k, v in info["attributes"].items())
    if attrs:
        out.print(Text(attrs, style="dim"))
    for seg in segments:
        style = "cyan" if seg["role"] == "interviewer" else ("green" if seg["role"] == "respondent" else "dim")
        head = Text(f"\n[{seg['idx']}] ", style="dim")
        head.append(seg["speaker"] or "—", style=f"bold {style}")
        if seg["time"]:
            head.append(f"  {seg['time']}", style="dim")
        if offsets:
            head.append(f"  [{seg['start']}:{seg['end']})", style="dim")
        out.print(head)
        out.print(Text(seg["text"]), soft_wrap=True)


def attributes_list(ctx: typer.Context, project: ProjectOpt = None, json: JsonOpt = False):
    """Attributes of every transcript (subcommands: set, unset)."""
    if ctx.invoked_subcommand:
        return
    rows = open_project(project).transcripts()
    if json:
        print_json({r["id"]: r["attributes"] for r in rows})
        return
    keys = sorted({k for r in rows for k in r["attributes"]})
    table("Attributes", [_plain(k) for k in ["id", *keys]],
          [[_plain(r["id"]), *[_plain(r["attributes"].get(k, "")) for k in keys]] for r in rows])


def attributes_set(
    transcript_id: Annotated[str, typer.Argument(metavar="ID")],
    key: str, value: str, project: ProjectOpt = None,
    by: Annotated[Optional[str], typer.Option(help="Who makes the change (audit trail).")] = None,
):
    """Set one attribute of a transcript."""
    open_project(project).set_attribute(transcript_id, key, value, actor=by)
    console().print(f"{transcript_id}: {key} = {value}", markup=False, highlight=False)


def attributes_unset(
    transcript_id: Annotated[str, typer.Argument(metavar="ID")],
    key: str, project: ProjectOpt = None,
    by: Annotated[Optional[str], typer.Option(help="Who makes the change (audit trail).")] = None,
):
    """Remove one attribute of a transcript."""
    open_project(project).unset_attribute(transcript_id, key, actor=by)
    console().print(f"{transcript_id}: {key} removed", markup=False, highlight=False)
