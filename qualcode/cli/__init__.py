"""The `qualcode` command: a thin typer layer over `qualcode.Project`.

Each capability registers its commands from its own module. Library errors
(`QualcodeError`) become one line on stderr and exit code 1; usage errors exit 2.
Heavy libraries are imported inside commands only, so `qualcode --help` is fast.
"""
from __future__ import annotations

import os
import sys
import warnings

import typer

from qualcode.errors import QualcodeError, QualcodeNotice

app = typer.Typer(
    name="qualcode",
    help="Terminal-native qualitative data analysis: import transcripts, code them with a "
    "hierarchical codebook, get NLP suggestions, check inter-coder agreement, export matrices.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from qualcode import __version__

        typer.echo(f"qualcode {__version__}")
        raise typer.Exit(0)


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")) -> None:
    """Terminal-native qualitative data analysis: import transcripts, code them with a
    hierarchical codebook, get NLP suggestions, check inter-coder agreement, export matrices."""


def _register() -> None:
    from qualcode.cli import (agreement, assist, codebook, coding, exports, interop, pseudonymise, search,
                              team, transcripts)

    for module in (transcripts, codebook, coding, search, assist, exports, agreement, pseudonymise, interop,
                   team):
        module.register(app)


def _click_exceptions():
    """(Exit, Abort, ClickException) classes to catch: click's and, since typer
    0.2x vendors its own copy of click, typer's as well."""
    import click

    exits = [click.exceptions.Exit, typer.Exit]
    aborts = [click.exceptions.Abort, typer.Abort]
    errors = [click.ClickException]
    try:
        from typer import _click as vendored
    except ImportError:
        vendored = None
    for kinds, name in ((exits, "Exit"), (aborts, "Abort"), (errors, "ClickException")):
        kind = getattr(getattr(vendored, "exceptions", None), name, None)
        if kind is not None:
            kinds.append(kind)
    return tuple(exits), tuple(aborts), tuple(errors)


def main(argv: list[str] | None = None) -> int:
    with warnings.catch_warnings():
        default = warnings.showwarning

        def show(message, category, *args, **kwargs):
            if issubclass(category, QualcodeNotice):
                print(f"qualcode: note: {message}", file=sys.stderr)
            else:
                default(message, category, *args, **kwargs)

        warnings.showwarning = show
        warnings.simplefilter("always", QualcodeNotice)
        return _run(argv)


def _bad_argument(argv: list[str] | None) -> str | None:
    """An argument that is not valid UTF-8 (Python gives it lone surrogates), unless
    it names an existing file: such text cannot be stored or written."""
    import re

    for i, arg in enumerate(sys.argv[1:] if argv is None else argv, start=1):
        if re.search("[\ud800-\udfff]", arg) and not os.path.exists(arg):
            shown = arg.encode("ascii", "backslashreplace").decode("ascii")
            return f"argument {i} ('{shown}') is not valid UTF-8 text: type it again in UTF-8"
    return None


def _run(argv: list[str] | None) -> int:
    from qualcode import faults

    exits, aborts, errors = _click_exceptions()
    bad = _bad_argument(argv)
    if bad:
        print(f"qualcode: error: {bad}", file=sys.stderr)
        return 1
    try:
        # with standalone_mode=False, an Exit raised by a command (typer.Exit(1))
        # is not raised here: click returns its exit code
        with faults.cleanup_on_sigterm():
            result = app(args=argv, prog_name="qualcode", standalone_mode=False)
    except QualcodeError as exc:
        print(f"qualcode: error: {exc}", file=sys.stderr)
        return 1
    except exits as exc:
        return exc.exit_code
    except aborts:
        print("qualcode: aborted", file=sys.stderr)
        return 130
    except errors as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        print("qualcode: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: still one line unless debugging
        if os.environ.get("QUALCODE_DEBUG"):
            raise
        message = faults.describe(exc) or faults.describe_text(exc)
        if message:  # the machine failed (disk, permissions) or text was not Unicode
            print(f"qualcode: error: {message}", file=sys.stderr)
            return 1
        print(f"qualcode: internal error: {type(exc).__name__}: {exc} "
              "(set QUALCODE_DEBUG=1 for the traceback)", file=sys.stderr)
        return 3
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


_register()
