"""`qualcode codebook ...`: load, validate, show, add, rename, move, merge,
delete, export and import (REFI-QDA) the hierarchical codebook."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qualcode.cli.common import JsonOpt, ProjectOpt, console, open_project, print_json

ByOpt = Annotated[Optional[str], typer.Option("--by", help="Who makes the change (audit trail).")]
codebook_app = typer.Typer(help="The hierarchical codebook: load, validate, show, edit, export, import.",
                           no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(codebook_app, name="codebook")


def _actor(by):
    from qualcode.project import default_actor

    return by or default_actor()


@codebook_app.command("validate")
def validate(file: Path):
    """Check a codebook YAML file; print every error as file:line:column."""
    from qualcode.codebook import yamlfile

    errors = yamlfile.validate(file)
    if errors:
        for error in errors:
            typer.echo(error, err=True)
        raise typer.Exit(1)
    book = yamlfile.read(file)
    leaves = {c.id for c in book.codes} - {c.parent for c in book.codes if c.parent}
    console().print(f"{file}: valid, {len(book.codes)} codes, {len(leaves)} leaves")


@codebook_app.command("load")
def load(file: Path, force: Annotated[bool, typer.Option(help="Delete codes missing from the file even if they have codings.")] = False,
         project: ProjectOpt = None, by: ByOpt = None):
    """Validate a codebook file and sync it into the project."""
    report = open_project(project).load_codebook(file, force=force, actor=_actor(by))
    console().print(f"{file}: {len(report.added)} added, {len(report.updated)} updated, "
                    f"{len(report.removed)} removed, {report.unchanged} unchanged"
                    + (f"; {report.deleted_codings} codings deleted" if report.deleted_codings else ""))


@codebook_app.command("show")
def show(project: ProjectOpt = None, json: JsonOpt = False):
    """The code tree with codings per coder and interviews (rolled up to parents)."""
    from rich.tree import Tree

    from qualcode.codebook.summary import rollup_counts

    proj = open_project(project)
    specs = proj.codes()
    stats = rollup_counts([s.id for s in specs], proj.store.codings())
    if json:
        print_json([{"id": s.id, "label": s.label, "family": s.family, "depth": s.depth,
                     "codings": stats[s.id]["by_coder"], "direct_codings": stats[s.id]["direct"],
                     "interviews": stats[s.id]["interviews"], "description": s.description,
                     "keywords": s.keywords, "color": s.color, "guid": s.guid,
                     "codable": s.codable} for s in specs])
        return
    root = Tree(f"[bold]Codebook[/bold] ({len(specs)} codes)")
    nodes = {}
    for s in specs:
        by_coder = ", ".join(f"{c}: {n}" for c, n in sorted(stats[s.id]["by_coder"].items()))
        label = f"[bold]{s.label}[/bold]" if s.family else s.label
        extra = f"  [dim]{s.id}[/dim]"
        if by_coder:
            extra += f"  [cyan]{by_coder}[/cyan]  [green]{stats[s.id]['interviews']} entretiens[/green]"
        parent = nodes.get(s.parent, root)
        nodes[s.id] = parent.add(label + extra)
    console().print(root)


@codebook_app.command("add")
def add(code_id: Annotated[str, typer.Argument(metavar="ID")],
        label: Annotated[str, typer.Option(help="Label shown to coders.")],
        description: str = "", include: str = "", exclude: str = "", example: str = "",
        keyword: Annotated[Optional[list[str]], typer.Option("--keyword", help="Repeatable.")] = None,
        color: Optional[str] = None, project: ProjectOpt = None, by: ByOpt = None):
    """Add a code (its parent must exist)."""
    from qualcode.codebook import operations
    from qualcode.codebook.model import CodeSpec

    spec = CodeSpec(id=code_id, label=label, description=description, include=include,
                    exclude=exclude, example=example, keywords=list(keyword or []), color=color)
    operations.add(open_project(project), spec, actor=_actor(by))
    console().print(f"added {code_id}")


@codebook_app.command("rename")
def rename(code_id: Annotated[str, typer.Argument(metavar="ID")],
           new_id: Annotated[Optional[str], typer.Argument(metavar="NEW", help="New slug or id (same parent).")] = None,
           label: Annotated[Optional[str], typer.Option(help="New label.")] = None,
           project: ProjectOpt = None, by: ByOpt = None):
    """Rename a code (its id slug and/or label); codings follow."""
    from qualcode.codebook import operations

    if not new_id and label is None:
        raise typer.BadParameter("give a new id, --label, or both")
    target = operations.rename(open_project(project), code_id, new_id, label=label, actor=_actor(by))
    console().print(f"renamed {code_id} -> {target}")


@codebook_app.command("move")
def move(code_id: Annotated[str, typer.Argument(metavar="ID")],
         parent: Annotated[Optional[str], typer.Argument(metavar="PARENT")] = None,
         top: Annotated[bool, typer.Option("--top", help="Make it a top-level code.")] = False,
         project: ProjectOpt = None, by: ByOpt = None):
    """Move a code (with its sub-codes) under another parent; codings follow."""
    from qualcode.codebook import operations

    if parent is None and not top:
        raise typer.BadParameter("give a PARENT or --top")
    target = operations.move(open_project(project), code_id, None if top else parent, actor=_actor(by))
    console().print(f"moved {code_id} -> {target}")


@codebook_app.command("merge")
def merge(source: str, target: str, project: ProjectOpt = None, by: ByOpt = None):
    """Merge SOURCE into TARGET: its codings and sub-codes move, SOURCE is removed."""
    from qualcode.codebook import operations

    moved = operations.merge(open_project(project), source, target, actor=_actor(by))
    console().print(f"merged {source} into {target}: {moved} codings moved")


@codebook_app.command("delete")
def delete(code_id: Annotated[str, typer.Argument(metavar="ID")],
           force: Annotated[bool, typer.Option(help="Also delete its codings.")] = False,
           project: ProjectOpt = None, by: ByOpt = None):
    """Delete a code and its sub-codes (refused when codings exist, unless --force)."""
    from qualcode.codebook import operations

    removed = operations.delete(open_project(project), code_id, force=force, actor=_actor(by))
    console().print(f"deleted {code_id}" + (f" and {removed} codings" if removed else ""))


@codebook_app.command("export")
def export(fmt: Annotated[str, typer.Option("--format", help="yaml, md, docx or qdc.")] = "md",
           out: Annotated[Optional[Path], typer.Option(help="Output file (default: exports/codebook.FORMAT).")] = None,
           project: ProjectOpt = None):
    """Write the codebook as YAML, a readable Markdown/Word document, or REFI-QDA .qdc."""
    from qualcode.codebook import documents, yamlfile
    from qualcode.errors import QualcodeError
    from qualcode.exports.files import atomic_write

    proj = open_project(project)
    specs = proj.codes()
    if fmt not in ("yaml", "md", "docx", "qdc"):
        raise QualcodeError(f"unknown codebook format '{fmt}' (yaml, md, docx, qdc)")
    out = out or proj.root / "exports" / f"codebook.{fmt}"
    title = "Livre de codes"
    if fmt == "yaml":
        out.parent.mkdir(parents=True, exist_ok=True)
        yamlfile.dump_specs(specs, out, name=title)
    elif fmt == "md":
        atomic_write(out, lambda tmp: Path(tmp).write_text(documents.to_markdown(specs, title=title), encoding="utf-8"))
    elif fmt == "docx":
        atomic_write(out, lambda tmp: documents.write_docx(specs, Path(tmp), title=title))
    else:
        from qualcode.codebook.refi import write_qdc
        from qualcode.interop.identity import ensure_guids

        ensure_guids(proj)  # the GUIDs a .qdpx export gives the codes too
        specs = proj.codes()
        out.parent.mkdir(parents=True, exist_ok=True)
        write_qdc(specs, out)
    console().print(f"wrote {out} ({len(specs)} codes)")


@codebook_app.command("diff")
def diff(a: Annotated[str, typer.Argument(metavar="A", help="Codebook YAML, .qdc, .qdpx or project folder.")],
         b: Annotated[str, typer.Argument(metavar="B", help="The other codebook.")]):
    """Codes added, removed, renamed (same GUID, new name), moved and redefined from A to B."""
    from qualcode.cli.interop import codebook_diff

    if codebook_diff(a, b):
        raise typer.Exit(1)


@codebook_app.command("import")
def import_refi(file: Path,
                out: Annotated[Optional[Path], typer.Option(help="YAML file to create (default: codebooks/NAME.yaml in the project).")] = None,
                force: Annotated[bool, typer.Option(help="Replace codes that have codings.")] = False,
                project: ProjectOpt = None, by: ByOpt = None):
    """Import the codebook of a REFI-QDA .qdc or .qdpx file (NVivo, ATLAS.ti, MAXQDA...)."""
    from qualcode.codebook import operations
    from qualcode.codebook.refi import read_codebook

    proj = open_project(project)
    refi = read_codebook(file)
    for warning in refi.warnings:
        typer.echo(f"warning: {file.name}: {warning}", err=True)
    out = out or proj.root / "codebooks" / f"{file.stem}.yaml"
    report = operations.import_specs(proj, refi.codes, out, name=refi.origin or file.stem, force=force,
                                     actor=_actor(by))
    console().print(f"{file}: {len(refi.codes)} codes imported into {out} "
                    f"({len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed)")
