"""Commands for whole projects in and out: `import FILE.qdpx` (routed here from
`import`), `export qdpx`, `merge OTHER`; and the report they print."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qualcode.cli.common import JsonOpt, ProjectOpt, PseudoOpt, console, open_project, print_json, pseudonymiser, table

export_app = typer.Typer(help="Export the whole project for other tools (REFI-QDA .qdpx).",
                         no_args_is_help=True)
PositionsOpt = Annotated[Optional[str], typer.Option(
    "--positions", help="Unit of the .qdpx's positions: utf16 or codepoints (default: detected).")]
# element kinds in the order they are reported; (kind, key counted as kept)
_KINDS = [("sources", "kept"), ("codes", "kept"), ("selections", None), ("codings", "placed"),
          ("users", "kept"), ("notes", None), ("variables", "kept"), ("cases", "kept"), ("sets", "kept")]


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
    app.command("merge")(merge)
    app.command("notes")(notes)


def _say(line: str) -> None:
    console().print(line, markup=False, highlight=False, soft_wrap=True)


def _actor(by):
    from qualcode.project import default_actor

    return by or default_actor()


def import_qdpx(path: Path, *, positions: str | None, project: Path | None) -> None:
    """`qualcode import FILE.qdpx`: read, write in one transaction, then report."""
    proj = open_project(project)
    result = proj.import_qdpx(path, positions=positions)
    _say(f"{path.name}: {result.origin or 'unknown producer'}; positions read as {result.read.positions}")
    print_read_report(result.read)
    print_written(result.written, proj)


def print_read_report(report) -> None:
    rows, done = [], set()
    for kind, kept in _KINDS + [(k, None) for k in report.counts]:
        counts = report.counts.get(kind)
        if counts is None or kind in done:
            continue
        done.add(kind)
        if kind == "notes":
            attached = sum(v for k, v in counts.items() if k.startswith("on ") or k == "project")
            counts = {**counts, "kept": attached}
            kept = "kept"
        shown = {"read", kept, "detached", "skipped"}
        other = ", ".join(f"{k} {v}" for k, v in counts.items() if k not in shown and v)
        rows.append([kind, counts.get("read", ""), counts.get(kept, "") if kept else "",
                     counts.get("detached", ""), counts.get("skipped", ""), other])
    table(None, ["element", "read", "kept", "detached", "skipped", "details"], rows,
          justify_right=("read", "kept", "detached", "skipped"))
    for warning in report.warnings:
        _say(f"note: {warning}")
    if report.problems:
        _say(f"{len(report.problems)} element(s) not imported as they were:")
        for line in report.problems:
            _say(f"  - {line}")


def print_written(written, proj) -> None:
    parts = []
    for kind, counts in written.counts.items():
        if kind == "coders":
            continue
        parts.append(f"{kind}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    new = any(k != "already here" for kind, c in written.counts.items() if kind != "coders" for k in c)
    _say(("written: " if new else "nothing new: ") + ("; ".join(parts) if parts else "empty"))
    coders = written.counts.get("coders")
    if coders:
        _say("codings added by coder: " + ", ".join(f"{c} {n}" for c, n in sorted(coders.items())))
    if written.counts.get("detached codings", {}).get("added"):
        _say("detached codings are listed by 'qualcode codings --detached'")
    from qualcode.codebook.operations import codebook_path

    path = codebook_path(proj)
    if written.counts.get("codes", {}).get("added") and path:
        _say(f"codebook: {path}")


@export_app.command("qdpx")
def export_qdpx(out: Annotated[Path, typer.Argument(metavar="OUT.qdpx", help="File to write.")],
                coder: Annotated[Optional[list[str]], typer.Option("--coder", "-c", help="Only this coder's codings (repeatable).")] = None,
                transcript: Annotated[Optional[list[str]], typer.Option("--transcript", "-t", help="Only this transcript (repeatable).")] = None,
                pseudonymise: PseudoOpt = None, project: ProjectOpt = None):
    """Write the project as a REFI-QDA .qdpx (NVivo, ATLAS.ti, MAXQDA...)."""
    from qualcode.errors import QualcodeError

    if out.suffix.lower() != ".qdpx":
        raise QualcodeError(f"{out}: a REFI-QDA project file ends in .qdpx")
    proj = open_project(project)
    bundle = proj.export_qdpx(out, coders=coder, transcripts=transcript,
                              pseudonymiser=pseudonymiser(proj, pseudonymise))
    _say(f"wrote {out}: {len(bundle.sources)} transcripts, {len(bundle.codes)} codes, "
         f"{len(bundle.codings)} codings by {len({c.coder for c in bundle.codings})} coder(s), "
         f"{sum(1 for s in bundle.sources if s.attributes)} cases; positions in UTF-16 code units")


def merge(other: Annotated[Path, typer.Argument(metavar="OTHER", help="Project folder, .qdpx, or codings export (folder or .yaml).")],
          yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply even though the codebooks differ (after reading the diff).")] = False,
          positions: PositionsOpt = None, project: ProjectOpt = None,
          by: Annotated[Optional[str], typer.Option(help="Who merges (audit trail).")] = None):
    """Bring another coder's work in: codings (coders kept apart), memos, attributes, codes."""
    from qualcode.interop.merge import merge as do_merge

    proj = open_project(project)
    result = do_merge(proj, other, yes=yes, actor=_actor(by), positions=positions)
    diff = result.plan.codes
    if not diff.same:
        _say(f"codebook differences (here: {proj.root.name}, there: {other.name}):")
        for line in diff.lines():
            _say(f"  {line}")
    for line in result.plan.kept_here:
        _say(f"attribute differs: {line}")
    if result.written is None:
        _say(f"{other.name}: {len(result.bundle.codings)} codings, {len(result.bundle.sources)} transcripts "
             "to merge; nothing written: the codebooks differ (above). Run again with --yes to merge "
             "(codes only there are added; codes here are kept as they are)")
        raise typer.Exit(1)
    if result.kind == "qdpx":
        print_read_report(result.bundle.report)
    print_written(result.written, proj)


def notes(project: ProjectOpt = None, json: JsonOpt = False):
    """Project notes (memos about the whole project) brought in from .qdpx files."""
    rows = open_project(project).store.notes()
    if json:
        print_json(rows)
        return
    for row in rows:
        who = f" ({row['author']})" if row["author"] else ""
        _say(f"# {row['name'] or row['guid']}{who}\n{row['text']}\n")
    _say(f"{len(rows)} project note(s)")


def codebook_diff(a: str, b: str) -> int:
    """`qualcode codebook diff A B`: prints the differences; returns how many."""
    from qualcode.interop.codediff import DEFINITION, REFI_DEFINITION, compare_codes, load_codes

    (ours, refi_a), (theirs, refi_b) = load_codes(a), load_codes(b)
    diff = compare_codes(ours, theirs, REFI_DEFINITION if refi_a or refi_b else DEFINITION)
    for line in diff.conflicts:
        _say(f"! conflict: {line}")
    lines = diff.lines(here=Path(a).name, there=Path(b).name)
    for line in lines:
        _say(line)
    _say(f"{len(ours)} codes in {Path(a).name}, {len(theirs)} in {Path(b).name}: "
         + (f"{len(diff.added)} added, {len(diff.removed)} removed, {len(diff.renamed)} renamed, "
            f"{len(diff.moved)} moved, {len(diff.redefined)} redefined" if lines else "same codebook"))
    return len(lines)

