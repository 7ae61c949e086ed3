"""Commands for NLP assistance: suggest (and `suggest evaluate`), suggestions, review."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from qualcode.cli.common import JsonOpt, ProjectOpt, console, open_project, print_json, table


def register(app: typer.Typer) -> None:
    app.command("suggest")(suggest)
    app.command("suggestions")(suggestions)
    review_app = typer.Typer(help="Review suggestions (interactive; or subcommands accept, reject).",
                             invoke_without_command=True, no_args_is_help=False)
    review_app.callback()(review_interactive)
    review_app.command("accept")(review_accept)
    review_app.command("reject")(review_reject)
    app.add_typer(review_app, name="review")


def _progress():
    from rich.progress import Progress

    bar = Progress(transient=True)
    state = {}

    def update(i, n):
        if "task" not in state:
            bar.start()
            state["task"] = bar.add_task("Parsing with spaCy", total=n)
        bar.update(state["task"], completed=i)
        if i >= n:
            bar.stop()

    return update


def suggest(
    transcripts: Annotated[Optional[list[str]], typer.Argument(metavar="[TRANSCRIPT...] | evaluate",
                                                               help="Transcripts (default: all), or 'evaluate'.")] = None,
    method: Annotated[str, typer.Option(help="rules, model or both.")] = "both",
    train_coder: Annotated[Optional[str], typer.Option(help="Coder whose codings train the model.")] = None,
    include_interviewer: Annotated[bool, typer.Option(help="Also suggest on interviewer turns.")] = False,
    coder: Annotated[Optional[str], typer.Option("--coder", "-c", help="evaluate: the coder to evaluate against.")] = None,
    folds: Annotated[int, typer.Option(help="evaluate: cross-validation folds (by transcript).")] = 5,
    out: Annotated[Optional[Path], typer.Option(help="evaluate: also write a CSV of per-code figures.")] = None,
    project: ProjectOpt = None, json: JsonOpt = False,
):
    """Propose codings from keyword rules and a model trained on a coder's codings.

    `qualcode suggest evaluate --coder NAME [--folds K]` measures their quality by
    cross-validation."""
    from qualcode.assist import suggest as ops

    proj = open_project(project)
    if transcripts and transcripts[0] == "evaluate":
        from qualcode.errors import QualcodeError

        if not coder:
            raise QualcodeError("suggest evaluate needs --coder NAME")
        methods = ["rules", "model"] if method == "both" else [method]
        results = [ops.evaluate(proj, coder, folds=folds, method=m, progress=_progress()) for m in methods]
        if json:
            print_json(results)
        else:
            for r in results:
                show_evaluation(r)
        if out:
            write_evaluation_csv(results, out)
            console().print(f"wrote {out}")
        return
    report = ops.suggest(proj, transcripts or None, method=method, train_coder=train_coder,
                         include_interviewer=include_interviewer, progress=_progress())
    if json:
        print_json(report.__dict__)
        return
    stored = ", ".join(f"{m}: {n}" for m, n in sorted(report.stored.items())) or "none"
    console().print(f"{report.transcripts} transcripts ({report.parsed} parsed, the rest from the cache), "
                    f"{report.units} units; new suggestions: {stored}"
                    + (f"; model trained on {report.training_units} units, {report.trained_codes} codes"
                       if report.trained_codes else ""))


def _fmt(x):
    return "—" if x is None else f"{x:.2f}"


def show_evaluation(result: dict) -> None:
    leaf, fam = result["leaf"], result["family"]
    console().print(f"[bold]{result['method']}[/bold] vs {result['coder']}: {result['transcripts']} transcripts, "
                    f"{result['units']} units, {result['folds']}-fold cross-validation by transcript")
    table(None, ["level", "micro P", "micro R", "micro F1", "macro P", "macro R", "macro F1", "labels"],
          [["leaf codes", _fmt(leaf["micro"]["precision"]), _fmt(leaf["micro"]["recall"]), _fmt(leaf["micro"]["f1"]),
            _fmt(leaf["macro"]["precision"]), _fmt(leaf["macro"]["recall"]), _fmt(leaf["macro"]["f1"]), leaf["macro"]["labels"]],
           ["families", _fmt(fam["micro"]["precision"]), _fmt(fam["micro"]["recall"]), _fmt(fam["micro"]["f1"]),
            _fmt(fam["macro"]["precision"]), _fmt(fam["macro"]["recall"]), _fmt(fam["macro"]["f1"]), fam["macro"]["labels"]]])
    rows = sorted(fam["per_label"].items(), key=lambda kv: -(kv[1]["f1"] or 0))
    table("per family", ["family", "P", "R", "F1", "support"],
          [[k, _fmt(v["precision"]), _fmt(v["recall"]), _fmt(v["f1"]), v["support"]] for k, v in rows])


def write_evaluation_csv(results: list[dict], out: Path) -> None:
    from qualcode.exports.files import write_rows

    rows = []
    for r in results:
        for level in ("leaf", "family"):
            for label, m in r[level]["per_label"].items():
                rows.append({"method": r["method"], "level": level, "code": label, "precision": m["precision"],
                             "recall": m["recall"], "f1": m["f1"], "support": m["support"]})
            for avg in ("micro", "macro"):
                m = r[level][avg]
                rows.append({"method": r["method"], "level": level, "code": f"({avg})", "precision": m["precision"],
                             "recall": m["recall"], "f1": m["f1"], "support": m.get("support")})
    write_rows(rows, out, columns=["method", "level", "code", "precision", "recall", "f1", "support"])


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def suggestions(transcript: Annotated[Optional[str], typer.Option("--transcript", "-t")] = None,
                code: Annotated[Optional[str], typer.Option(help="Code, with its sub-codes.")] = None,
                min_score: Annotated[Optional[float], typer.Option(help="Only scores at or above.")] = None,
                status: Annotated[str, typer.Option(help="pending, accepted or rejected.")] = "pending",
                top: Annotated[Optional[int], typer.Option("--top", help="Only the N highest scores.")] = None,
                project: ProjectOpt = None, json: JsonOpt = False):
    """List suggestions: transcript, span, quote, code, score, method."""
    proj = open_project(project)
    rows = proj.store.suggestions(status=status, transcript=transcript, code=code, min_score=min_score)
    total = len(rows)
    if top is not None:
        rows = sorted(rows, key=lambda r: -r["score"])[:max(top, 0)]
    texts: dict[str, str] = {}
    for r in rows:
        text = texts.setdefault(r["transcript"], proj.store.transcript(r["transcript"])["text"])
        r["quote"] = text[r["start"]:r["end"]]
    if json:
        print_json([{k: r[k] for k in ("id", "transcript", "start", "end", "quote", "code", "score", "method",
                                        "explanation", "status")} for r in rows])
        return
    shown = f"{len(rows)} {status} suggestions" if len(rows) == total else \
        f"the {len(rows)} highest-scored of {total:,} {status} suggestions"
    table(shown, ["id", "transcript", "span", "code", "score", "method", "quote"],
          [[r["id"], r["transcript"], f"{r['start']}:{r['end']}", r["code"], f"{r['score']:.2f}", r["method"],
            _short(r["quote"])] for r in rows], justify_right=("id", "score"))


def _span(span: str | None):
    if span is None:
        return None
    from qualcode.coding import _parse_span

    return _parse_span(span)


def review_accept(ids: Annotated[Optional[list[int]], typer.Argument(help="Suggestion ids.")] = None,
                  coder: Annotated[str, typer.Option("--coder", "-c", help="Reviewing coder (owner of the new codings).")] = ...,
                  all_above: Annotated[Optional[float], typer.Option(help="Accept every pending suggestion with a score at or above.")] = None,
                  code: Annotated[Optional[str], typer.Option(help="Accept with another code (one id).")] = None,
                  span: Annotated[Optional[str], typer.Option(help="Accept with another START:END (one id).")] = None,
                  project: ProjectOpt = None):
    """Accept suggestions: each becomes a coding of the reviewer, with its provenance."""
    from qualcode.assist import suggest as ops
    from qualcode.errors import QualcodeError

    proj = open_project(project)
    if all_above is not None:
        ids = [s["id"] for s in proj.store.suggestions(min_score=all_above)]
    if not ids:
        raise QualcodeError("no suggestion to accept: give ids or --all-above SCORE")
    created = ops.accept(proj, ids, coder, code=code, span=_span(span))
    console().print(f"accepted {len(created)} suggestion(s) as codings of {coder}")


def review_reject(ids: Annotated[Optional[list[int]], typer.Argument(help="Suggestion ids.")] = None,
                  coder: Annotated[str, typer.Option("--coder", "-c", help="Reviewing coder.")] = ...,
                  all_below: Annotated[Optional[float], typer.Option(help="Reject every pending suggestion scoring below.")] = None,
                  project: ProjectOpt = None):
    """Reject suggestions (kept, and used as negatives when the model is trained again)."""
    from qualcode.assist import suggest as ops
    from qualcode.errors import QualcodeError

    proj = open_project(project)
    if all_below is not None:
        ids = [s["id"] for s in proj.store.suggestions() if s["score"] < all_below]
    if not ids:
        raise QualcodeError("no suggestion to reject: give ids or --all-below SCORE")
    console().print(f"rejected {ops.reject(proj, ids, coder)} suggestion(s)")


def review_interactive(ctx: typer.Context,
                       coder: Annotated[Optional[str], typer.Option("--coder", "-c", help="Reviewing coder.")] = None,
                       min_score: Annotated[Optional[float], typer.Option(help="Only scores at or above.")] = None,
                       code: Annotated[Optional[str], typer.Option(help="Code, with its sub-codes.")] = None,
                       project: ProjectOpt = None):
    """Walk pending suggestions in context: [a]ccept, [r]eject, [s]kip, [c]ode, [q]uit."""
    if ctx.invoked_subcommand:
        return
    from qualcode.assist.review import review_loop
    from qualcode.errors import QualcodeError

    if not coder:
        raise QualcodeError("review needs --coder NAME (the owner of accepted codings)")
    review_loop(open_project(project), coder, min_score=min_score, code=code)
