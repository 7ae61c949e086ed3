"""Helpers shared by the command modules: the --project option, opening the
project, printing tables and JSON."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

ProjectOpt = Annotated[
    Optional[Path],
    typer.Option("--project", "-p", help="Project folder (default: found by walking up from here)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
PseudoOpt = Annotated[Optional[bool], typer.Option(
    "--pseudonymise/--no-pseudonymise",
    help="Replace accepted names, places and contacts by their pseudonyms (default: the project's "
         "exports.pseudonymise setting).")]


def pseudonymiser(proj, flag: bool | None):
    """The hook outgoing text passes through, or None (see qualcode.pseudonymise.apply)."""
    from qualcode.pseudonymise.apply import for_output

    return for_output(proj, flag)


def open_project(path: Path | None):
    from qualcode.project import Project

    return Project.open(path)


PIPED_WIDTH = 200  # columns of tables written to a pipe or a log (a terminal gives its own width)


def _width(stream) -> int | None:
    """None (rich asks the terminal) unless the output is piped: then COLUMNS, or
    PIPED_WIDTH, so that tables keep their natural width instead of 80 columns."""
    if os.environ.get("COLUMNS"):
        return None
    try:
        return None if stream.isatty() else PIPED_WIDTH
    except (AttributeError, ValueError):
        return PIPED_WIDTH


def console():
    from rich.console import Console

    return Console(soft_wrap=False, width=_width(sys.stdout))


def err_console():
    from rich.console import Console

    return Console(stderr=True, width=_width(sys.stderr))


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def table(title: str | None, columns: list[str], rows, *, justify_right=()):
    """Cells are plain text: '[inaudible]' in a quote is not rich markup."""
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title, show_lines=False, header_style="bold")
    for col in columns:
        t.add_column(col, justify="right" if col in justify_right else "left", overflow="fold")
    for row in rows:
        t.add_row(*[Text("" if v is None else str(v)) for v in row])
    console().print(t)
