"""Commands of team projects on a PostgreSQL server: team (add-coder,
add-supervisor, list, remove, blind, status), push and pull."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qualcode.cli.common import JsonOpt, ProjectOpt, console, open_project, print_json, table

NameArg = Annotated[str, typer.Argument(help="The person's database role (login name).")]
PasswordOpt = Annotated[bool, typer.Option("--password", help="Ask for a password to set on the role "
                                           "(else the server's own authentication applies).")]


def register(app: typer.Typer) -> None:
    team_app = typer.Typer(help="Team of a server project: coders, supervisors, blind coding.",
                           no_args_is_help=True)
    team_app.command("add-coder")(add_coder)
    team_app.command("add-supervisor")(add_supervisor)
    team_app.command("list")(list_members)
    team_app.command("remove")(remove)
    team_app.command("blind")(blind)
    team_app.command("status")(status)
    app.add_typer(team_app, name="team")
    app.command("push")(push)
    app.command("pull")(pull)


def _add(name: str, kind: str, password: bool, project) -> None:
    from qualcode.team import members

    secret = typer.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True) if password else None
    new = members.add(open_project(project), name, kind, password=secret)
    console().print(f"{name} is {'now' if new else 'still'} a {kind} of this project", markup=False)


def add_coder(name: NameArg, password: PasswordOpt = False, project: ProjectOpt = None):
    """Add a coder: they code as themselves and, in blind mode, see only their own work."""
    _add(name, "coder", password, project)


def add_supervisor(name: NameArg, password: PasswordOpt = False, project: ProjectOpt = None):
    """Add a supervisor: reads everything, manages codebook and attributes, runs agreement."""
    _add(name, "supervisor", password, project)


def list_members(as_json: JsonOpt = False, project: ProjectOpt = None):
    """The team: each member's role, kind and whether they can log in."""
    from qualcode.team import members

    rows = members.members(open_project(project))
    if as_json:
        print_json(rows)
        return
    table(f"{len(rows)} team members", ["role", "kind", "login", "added by", "added"],
          [[r["role"], r["kind"], "yes" if r["can_login"] else "no", r["added_by"], r["added_at"]]
           for r in rows])


def remove(name: NameArg, project: ProjectOpt = None):
    """Take someone out of the team (their role and their codings stay)."""
    from qualcode.team import members

    row = members.remove(open_project(project), name)
    console().print(f"{name} ({row['kind']}) removed from the team", markup=False)


def blind(state: Annotated[str, typer.Argument(help="on or off.", metavar="on|off")],
          project: ProjectOpt = None):
    """Blind coding: with 'on', coders read only their own codings, memos and log entries."""
    from qualcode.errors import QualcodeError
    from qualcode.team import members

    if state not in ("on", "off"):
        raise QualcodeError(f"team blind takes 'on' or 'off', not '{state}'")
    changed = members.set_blind(open_project(project), state == "on")
    console().print(f"blind mode {state}" + ("" if changed else " (already)"), markup=False)


def status(as_json: JsonOpt = False, project: ProjectOpt = None):
    """Who you are on this project and whether blind mode is on."""
    from qualcode.team import members

    info = members.status(open_project(project))
    if as_json:
        print_json(info)
    elif not info["server"]:
        console().print("local project (SQLite): no team", markup=False)
    else:
        console().print(f"{info['location']}: you are {info['role']} ({info['kind'] or 'not in the team'}); "
                        f"blind mode {'on' if info['blind'] else 'off'}", markup=False, soft_wrap=True)


def push(url: Annotated[str, typer.Argument(help="postgresql://HOST[:PORT]/DATABASE (empty; no password).")],
         project: ProjectOpt = None):
    """Copy this local project to an empty database on a PostgreSQL server."""
    from qualcode.team import transfer

    counts = transfer.push(open_project(project), url)
    console().print(f"pushed {counts.get('transcripts', 0)} transcripts, {counts.get('codings', 0)} codings, "
                    f"{counts.get('audit', 0)} log entries to {url}; team members join with "
                    f"'qualcode init FOLDER --server {url}'", markup=False, soft_wrap=True)


def pull(folder: Annotated[Path, typer.Argument(help="New folder for the local copy.")],
         project: ProjectOpt = None):
    """Make a local SQLite copy of this server project (what you may read)."""
    from qualcode.team import transfer

    copy, counts = transfer.pull(open_project(project), folder)
    copy.close()
    console().print(f"pulled {counts.get('transcripts', 0)} transcripts, {counts.get('codings', 0)} codings, "
                    f"{counts.get('audit', 0)} log entries into {copy.root}", markup=False, soft_wrap=True)
