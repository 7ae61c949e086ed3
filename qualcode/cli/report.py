"""The `report` command: the browsable HTML report of a project (see qualcode.htmlreport)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qualcode.cli.common import ProjectOpt, PseudoOpt, console, err_console, open_project, pseudonymiser


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(html: Annotated[Path, typer.Option("--html", metavar="OUTDIR", help="Folder to write the static site into.")],
           coder: Annotated[Optional[list[str]], typer.Option("--coder", "-c", help="Only these coders' codings (repeatable; default: all).")] = None,
           agreement: Annotated[Optional[list[str]], typer.Option("--agreement", metavar="CODER", help="The coders the dashboard compares (repeat: --agreement A --agreement B; default: the first two who share a transcript).")] = None,
           threshold: Annotated[float, typer.Option(metavar="KAPPA", help="Flag codes whose kappa is under this.")] = 0.6,
           pseudonymise: PseudoOpt = None, project: ProjectOpt = None):
    """A self-contained static HTML report (opens from the disk, no server, no
    network): overview, theme matrix heatmap with n per column, each transcript with
    coding stripes per code and coder (two coders side by side), excerpts by code and
    actor type, and the agreement dashboard with weak codes flagged."""
    import time

    from qualcode.htmlreport import build

    started = time.perf_counter()
    proj = open_project(project)
    from qualcode.exports.frames import unknown_coders

    unknown_coders(proj.store, [*(coder or []), *(agreement or [])])
    site = build(proj, html, coders=coder, agreement_coders=agreement, hook=pseudonymiser(proj, pseudonymise),
                 threshold=threshold)
    for note in site.notes:
        err_console().print(f"note: {note}", highlight=False, soft_wrap=True)
    console().print(f"wrote {len(site.pages)} pages to {site.folder} in {time.perf_counter() - started:.1f} s "
                    f"(open {site.folder / 'index.html'})", highlight=False, soft_wrap=True)
