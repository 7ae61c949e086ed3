"""`qualcode pseudonymise …` (scan, review, accept, reject, merge, rename,
occurrences, allow, names, key, forget, unplaced) and `qualcode config`."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qualcode.cli.common import JsonOpt, ProjectOpt, console, open_project, print_json, table

ByOpt = Annotated[Optional[str], typer.Option("--by", help="Who decides (audit trail; default: $QUALCODE_USER or login).")]
StyleOpt = Annotated[str, typer.Option("--style", help="labels ([Prénom 3], [rue A]) or names (French first names).")]
Refs = Annotated[list[str], typer.Argument(metavar="FORM...", help="Forms by text ('Élodie') or id ('12').")]


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="Find names, places and contacts, review them, and pseudonymise every export.",
                      no_args_is_help=True)
    for name, fn in (("scan", scan), ("review", review), ("accept", accept), ("reject", reject),
                     ("merge", merge), ("rename", rename), ("occurrences", occurrences_cmd),
                     ("allow", allow), ("names", names), ("key", key), ("forget", forget),
                     ("unplaced", unplaced)):
        sub.command(name)(fn)
    app.add_typer(sub, name="pseudonymise")
    config_app = typer.Typer(help="Project settings (exports.pseudonymise = always|off).", no_args_is_help=True)
    config_app.command("set")(config_set)
    config_app.command("get")(config_get)
    config_app.command("list")(config_list)
    app.add_typer(config_app, name="config")


def _actor(by):
    from qualcode.project import default_actor

    return by or default_actor()


def _short(text: str, n: int = 50) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def scan(transcripts: Annotated[Optional[list[str]], typer.Argument(metavar="[TRANSCRIPT...]")] = None,
         model: Annotated[str, typer.Option(help="spaCy NER model: sm or md (installed packages).")] = "sm",
         detector: Annotated[Optional[list[str]], typer.Option("--detector", help="ner, pattern, list (repeatable; default all).")] = None,
         by: ByOpt = None, project: ProjectOpt = None, json: JsonOpt = False):
    """Propose candidates (names, places, contacts, ages) from spaCy NER, patterns and
    the project list; stored apart, grouped by surface form. Decisions are kept."""
    from qualcode.cli.assist import _progress
    from qualcode.pseudonymise.scan import DETECTORS, scan as run

    proj = open_project(project)
    report = run(proj, transcripts or None, model=model, detectors=tuple(detector or DETECTORS),
                 actor=_actor(by), progress=_progress())
    if json:
        print_json(report.__dict__)
        return
    kinds = ", ".join(f"{k}: {n}" for k, n in sorted(report.by_kind.items())) or "none"
    console().print(f"{report.transcripts} transcripts ({report.parsed} turns parsed, the rest from the cache): "
                    f"{report.candidates} candidates ({kinds}) in {report.forms} forms; "
                    "next: qualcode pseudonymise review", highlight=False, soft_wrap=True)


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    before = " ".join(text[max(0, start - width):start].split())
    after = " ".join(text[end:end + width].split())
    return f"…{before} «{' '.join(text[start:end].split())}» {after}…"


def review(status: Annotated[Optional[str], typer.Option(help="pending, accepted or rejected (default: all).")] = None,
           kind: Annotated[Optional[str], typer.Option(help="person, place, org, contact or date.")] = None,
           min_score: Annotated[Optional[float], typer.Option(help="Only forms scoring at or above.")] = None,
           contexts: Annotated[int, typer.Option(help="Occurrences shown in context per form.")] = 1,
           interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Open the review screen (a accept, r reject, e type, space+M merge).")] = False,
           style: StyleOpt = "labels", by: ByOpt = None, project: ProjectOpt = None, json: JsonOpt = False):
    """Candidates grouped by surface form, with occurrences in context. Decide with
    `accept`, `reject`, `merge`, `rename` and `occurrences --reject`, or in the
    review screen (--interactive)."""
    proj = open_project(project)
    if interactive:
        from qualcode.tui.pseudonyms import PseudonymReviewApp

        PseudonymReviewApp(proj, _actor(by), style=style, pending_only=status == "pending").run()
        return
    forms = proj.store.pseudonym_forms(status=status, kind=kind, min_score=min_score)
    texts: dict[str, str] = {}
    rows = []
    for form in forms:
        occ = proj.store.pseudonym_candidates(form_id=form["id"])[:max(contexts, 0)]
        ctx = [f"{o['transcript']}: " + _context(texts.setdefault(o["transcript"], proj.store.transcript(o["transcript"])["text"]),
                                                  o["start"], o["end"]) for o in occ]
        rows.append({**{k: form[k] for k in ("id", "surface", "kind", "subtype", "score", "status", "replacement",
                                            "occurrences", "transcripts")}, "contexts": ctx})
    if json:
        print_json(rows)
        return
    table(f"{len(rows)} candidate forms", ["id", "form", "kind", "score", "n", "int.", "status", "pseudonym", "in context"],
          [[r["id"], r["surface"], r["kind"], f"{r['score']:.2f}", r["occurrences"], r["transcripts"], r["status"],
            r["replacement"] or "", "\n".join(r["contexts"])] for r in rows], justify_right=("id", "score", "n", "int."))


def accept(refs: Annotated[Optional[list[str]], typer.Argument(metavar="[FORM...]", help="Forms by text or id.")] = None,
           as_: Annotated[Optional[str], typer.Option("--as", help="The pseudonym to use (typed).")] = None,
           all_above: Annotated[Optional[float], typer.Option(help="Accept every pending form scoring at or above.")] = None,
           kind: Annotated[Optional[str], typer.Option(help="With --all-above: only this kind.")] = None,
           style: StyleOpt = "labels", by: ByOpt = None, project: ProjectOpt = None):
    """Accept forms: every occurrence, in every transcript, gets the same pseudonym."""
    from qualcode.errors import QualcodeError
    from qualcode.pseudonymise import review as ops

    proj = open_project(project)
    if all_above is not None:
        done = ops.accept_above(proj, all_above, actor=_actor(by), style=style, kind=kind)
    elif refs:
        done = ops.accept(proj, refs, actor=_actor(by), replacement=as_, style=style)
    else:
        raise QualcodeError("nothing to accept: give forms or --all-above SCORE")
    for form in done:
        console().print(f"accepted {form['surface']} ({form['kind']}) -> {form['replacement']}",
                        markup=False, highlight=False)
    console().print(f"{len(done)} form(s) accepted", highlight=False)


def reject(refs: Refs, by: ByOpt = None, project: ProjectOpt = None):
    """Reject forms: they stay in the text (e.g. a common word NER flagged)."""
    from qualcode.pseudonymise import review as ops

    done = ops.reject(open_project(project), refs, actor=_actor(by))
    console().print(f"rejected {len(done)} form(s): " + ", ".join(f["surface"] for f in done), markup=False,
                    highlight=False)


def merge(refs: Refs, into: Annotated[str, typer.Option("--into", help="The form whose pseudonym they all take.")],
          style: StyleOpt = "labels", by: ByOpt = None, project: ProjectOpt = None):
    """Merge variants of one person or place ("Mohamed", "Momo", "Benali") into one pseudonym."""
    from qualcode.pseudonymise import review as ops

    form = ops.merge(open_project(project), refs, into=into, actor=_actor(by), style=style)
    console().print(f"{', '.join(refs)} -> {form['replacement']} (as {form['surface']})", markup=False, highlight=False)


def rename(ref: Annotated[str, typer.Argument(metavar="FORM")], pseudonym: Annotated[str, typer.Argument(metavar="PSEUDONYM")],
           by: ByOpt = None, project: ProjectOpt = None):
    """Type the pseudonym of a form (and of the variants merged with it)."""
    from qualcode.pseudonymise import review as ops

    form = ops.rename(open_project(project), ref, pseudonym, actor=_actor(by))
    console().print(f"{form['surface']} -> {form['replacement']}", markup=False, highlight=False)


def occurrences_cmd(ref: Annotated[Optional[str], typer.Argument(metavar="[FORM]")] = None,
                    transcript: Annotated[Optional[str], typer.Option("--transcript", "-t")] = None,
                    accept_ids: Annotated[Optional[list[int]], typer.Option("--accept", help="Accept this occurrence id.")] = None,
                    reject_ids: Annotated[Optional[list[int]], typer.Option("--reject", help="Reject this occurrence id.")] = None,
                    reset_ids: Annotated[Optional[list[int]], typer.Option("--reset", help="Make it follow its form again.")] = None,
                    by: ByOpt = None, project: ProjectOpt = None, json: JsonOpt = False):
    """Occurrences of a form (or of a transcript) in context, with their ids;
    --accept/--reject/--reset decide one occurrence ("claire" the adjective)."""
    from qualcode.pseudonymise import review as ops

    proj = open_project(project)
    for ids, status in ((accept_ids, "accepted"), (reject_ids, "rejected"), (reset_ids, "form")):
        if ids:
            ops.decide_occurrences(proj, ids, status, actor=_actor(by))
            console().print(f"{len(ids)} occurrence(s): {status}", highlight=False)
    form = ops.find_form(proj.store, ref) if ref else None
    rows = proj.store.pseudonym_candidates(transcript=transcript, form_id=form["id"] if form else None)
    texts: dict[str, str] = {}
    for r in rows:
        r["context"] = _context(texts.setdefault(r["transcript"], proj.store.transcript(r["transcript"])["text"]),
                                r["start"], r["end"])
    if json:
        print_json([{k: r[k] for k in ("id", "transcript", "start", "end", "text", "kind", "source", "score", "status",
                                        "form_status", "replacement", "context")} for r in rows])
        return
    table(f"{len(rows)} occurrences", ["id", "transcript", "span", "source", "status", "context"],
          [[r["id"], r["transcript"], f"{r['start']}:{r['end']}", r["source"],
            r["status"] if r["status"] != "form" else r["form_status"], r["context"]] for r in rows],
          justify_right=("id",))


def _word_list(list_name: str, action: str, words, kind, by, project, json):
    from qualcode.errors import QualcodeError
    from qualcode.pseudonymise import review as ops
    from qualcode.pseudonymise.scan import allow_keys

    proj = open_project(project)
    if action in ("add", "remove"):
        if not words:
            raise QualcodeError(f"{list_name} {action}: give the words")
        fn = ops.add_word if action == "add" else ops.remove_word
        changed = sum(fn(proj, list_name, w, actor=_actor(by), **({"kind": kind or ""} if action == "add" else {}))
                      for w in words)
        console().print(f"{list_name}: {changed} word(s) {'added' if action == 'add' else 'removed'}", highlight=False)
    elif action != "list":
        raise QualcodeError(f"unknown action '{action}' (list, add, remove)")
    rows = proj.store.pseudonym_words(list_name)
    if list_name == "allow" and not rows:
        rows = [{"surface": k, "kind": "", "added_by": "(default)"} for k in sorted(allow_keys(proj.store))]
    if json:
        print_json([{k: r[k] for k in ("surface", "kind", "added_by")} for r in rows])
    elif action == "list":
        table(f"{len(rows)} words ({list_name})", ["word", "kind", "added by"],
              [[r["surface"], r["kind"], r["added_by"]] for r in rows])


Action = Annotated[str, typer.Argument(metavar="list|add|remove")]
Words = Annotated[Optional[list[str]], typer.Argument(metavar="[WORD...]")]


def allow(action: Action = "list", words: Words = None, by: ByOpt = None, project: ProjectOpt = None,
          json: JsonOpt = False):
    """The allow-list: names that must stay (the programme, institutions, words NER flags wrongly)."""
    _word_list("allow", action, words, None, by, project, json)


def names(action: Action = "list", words: Words = None,
          kind: Annotated[Optional[str], typer.Option(help="person (default), place or org.")] = None,
          by: ByOpt = None, project: ProjectOpt = None, json: JsonOpt = False):
    """The project list of names to find everywhere (besides speakers and interviewers)."""
    _word_list("names", action, words, kind, by, project, json)


def key(out: Annotated[Path, typer.Option("--out", "-o", help="File for the correspondence (.csv .xlsx .json .md).")],
        by: ByOpt = None, project: ProjectOpt = None):
    """Export the correspondence table (pseudonym -> real forms) for the person
    authorised to keep it."""
    from qualcode.pseudonymise import review as ops

    path, n = ops.export_key(open_project(project), out, actor=_actor(by))
    console().print(f"wrote {n} pseudonyms to {path} (confidential: keep it apart from the exports)",
                    markup=False, highlight=False, soft_wrap=True)


def forget(yes: Annotated[bool, typer.Option("--yes", help="Confirm: the key cannot be recovered.")] = False,
           by: ByOpt = None, project: ProjectOpt = None):
    """Delete the correspondence for good (pseudonymised outputs stay valid)."""
    from qualcode.errors import QualcodeError
    from qualcode.pseudonymise import review as ops

    if not yes:
        raise QualcodeError("forget deletes the pseudonym key for good: confirm with --yes")
    counts = ops.forget(open_project(project), actor=_actor(by))
    console().print(f"forgot {counts['forms']} forms and {counts['names']} listed names; "
                    "exports stay pseudonymised", highlight=False)


def unplaced(project: ProjectOpt = None, json: JsonOpt = False):
    """Candidates a `import --replace` could not re-anchor (never dropped silently)."""
    rows = open_project(project).store.pseudonym_unplaced()
    if json:
        print_json(rows)
        return
    table(f"{len(rows)} unplaced candidates", ["transcript", "old span", "text", "decision", "reason"],
          [[r["transcript_id"], f"{r['old_start']}:{r['old_end']}", r["text"], r["status"] if r["status"] != "form"
            else r["form_status"], r["reason"]] for r in rows])


SETTINGS = {"exports.pseudonymise": ("always", "off")}


def config_set(key_: Annotated[str, typer.Argument(metavar="KEY")], value: Annotated[str, typer.Argument(metavar="VALUE")],
               by: ByOpt = None, project: ProjectOpt = None):
    """Set a project setting: exports.pseudonymise always|off."""
    from qualcode.errors import QualcodeError
    from qualcode.pseudonymise.apply import is_team_supervisor

    if key_ not in SETTINGS:
        raise QualcodeError(f"unknown setting '{key_}' ({', '.join(SETTINGS)})")
    if value not in SETTINGS[key_]:
        raise QualcodeError(f"{key_}: unknown value '{value}' ({', '.join(SETTINGS[key_])})")
    proj = open_project(project)
    before = proj.store.setting(key_)
    if key_ == "exports.pseudonymise" and before == "always" and value != "always" and proj.store.setting("team") \
            and not is_team_supervisor(proj):
        raise QualcodeError("only a supervisor can turn pseudonymisation off on a team server")
    with proj.store.transaction():
        proj.store.set_setting(key_, value, _actor(by))
        proj.store.record(_actor(by), "config.set", f"setting:{key_}", {key_: before}, {key_: value})
    console().print(f"{key_} = {value}", markup=False, highlight=False)


def config_get(key_: Annotated[str, typer.Argument(metavar="KEY")], project: ProjectOpt = None):
    """Print one setting."""
    value = open_project(project).store.setting(key_)
    console().print(f"{key_} = {value if value is not None else '(unset)'}", markup=False, highlight=False)


def config_list(project: ProjectOpt = None, json: JsonOpt = False):
    """Every setting."""
    values = open_project(project).store.settings()
    if json:
        print_json(values)
        return
    for k in sorted(set(SETTINGS) | set(values)):
        console().print(f"{k} = {values.get(k, '(unset)')}", markup=False, highlight=False)
