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
    train_coder: Annotated[Optional[str], typer.Option(help="Coder whose codings train the model (none: the model "
                                                            "learns from the codebook's text alone).")] = None,
    spacy_model: Annotated[Optional[str], typer.Option("--spacy-model", metavar="sm|md",
                                                       help="French spaCy model: sm (default) or md.")] = None,
    only_reliable: Annotated[Optional[float], typer.Option(
        "--only-reliable", metavar="K", help="Keep only codes whose cross-validated kappa against the training "
                                             "coder is at least K.")] = None,
    min_precision: Annotated[Optional[float], typer.Option(
        "--min-precision", metavar="P", help="Leaf thresholds: the best F1 whose cross-validated precision reaches "
                                             "P (default 0.6; 0: the best F1).")] = None,
    blind: Annotated[bool, typer.Option("--blind", help="Suggest as an independent coder: each transcript the "
                                        "training coder coded is suggested by a model trained without it, even "
                                        "where someone already coded (compare with `agreement --coders CODER model`).")] = False,
    include_interviewer: Annotated[bool, typer.Option(help="Also suggest on interviewer turns.")] = False,
    coder: Annotated[Optional[str], typer.Option("--coder", "-c", help="evaluate: the coder to evaluate against.")] = None,
    folds: Annotated[int, typer.Option(help="evaluate: cross-validation folds (by transcript).")] = 5,
    curve: Annotated[bool, typer.Option(help="evaluate: also the learning curve (2, 4, 8, 16, all transcripts).")] = True,
    turns: Annotated[bool, typer.Option(help="evaluate: also on whole turns instead of sentence windows.")] = True,
    out: Annotated[Optional[Path], typer.Option(help="evaluate: also write a CSV of per-code figures.")] = None,
    project: ProjectOpt = None, json: JsonOpt = False,
):
    """Propose codings from keyword rules and a model trained on a coder's codings
    and the codebook's text (or the codebook alone, without --train-coder).

    `qualcode suggest evaluate --coder NAME [--folds K]` measures their quality by
    cross-validation."""
    from qualcode.assist import suggest as ops

    proj = open_project(project)
    if transcripts and transcripts[0] == "evaluate":
        from qualcode.assist.evaluate import evaluate
        from qualcode.cli.evaluation import show_evaluation, write_evaluation_csv
        from qualcode.errors import QualcodeError

        if not coder:
            raise QualcodeError("suggest evaluate needs --coder NAME")
        methods = ["rules", "model"] if method == "both" else [method]
        options = {} if min_precision is None else {"min_precision": min_precision}
        results = [evaluate(proj, coder, folds=folds, method=m, progress=_progress(), spacy_model=spacy_model,
                            curve=curve, turns=turns, options=options) for m in methods]
        if json:
            print_json(results)
        else:
            for r in results:
                show_evaluation(r)
        if out:
            write_evaluation_csv(results, out)
            console().print(f"wrote {out}")
        return
    report = ops.suggest(proj, transcripts or None, method=method, train_coder=train_coder, spacy_model=spacy_model,
                         include_interviewer=include_interviewer, progress=_progress(), only_reliable=only_reliable,
                         blind=blind, min_precision=min_precision)
    if json:
        print_json(report.__dict__)
        return
    stored = ", ".join(f"{m}: {n}" for m, n in sorted(report.stored.items())) or "none"
    trained = ""
    if report.cold:
        trained = f"; model learnt from the codebook's text alone (cold start), {report.trained_codes} codes"
    elif report.trained_codes:
        trained = f"; model trained on {report.training_units} units, {report.trained_codes} codes"
    console().print(f"{report.transcripts} transcripts ({report.parsed} parsed, the rest from the cache), "
                    f"{report.units} units; new suggestions: {stored}{trained}"
                    + (" (blind: held-out models)" if blind else ""))
    for m, codes in report.reliable.items():
        console().print(f"--only-reliable {only_reliable}: {m} keeps {len(codes)} codes"
                        + (f" ({', '.join(codes[:8])}{', …' if len(codes) > 8 else ''})" if codes else "")
                        + f"; {report.unreliable_dropped} suggestions of other codes left out")


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
                       order: Annotated[str, typer.Option(metavar="uncertain|score|document",
                                                          help="What comes first: the suggestions that teach the "
                                                               "model most (scores nearest their threshold), the "
                                                               "highest scores, or document order.")] = "uncertain",
                       min_score: Annotated[Optional[float], typer.Option(help="Only scores at or above.")] = None,
                       code: Annotated[Optional[str], typer.Option(help="Code, with its sub-codes.")] = None,
                       method: Annotated[Optional[str], typer.Option(help="Only rules or model suggestions.")] = None,
                       train_coder: Annotated[Optional[str], typer.Option(help="Coder whose codings the model learns "
                                                                                "from besides your decisions.")] = None,
                       retrain_every: Annotated[int, typer.Option(help="Relearn after this many decisions (0: never).")] = 20,
                       prompt: Annotated[bool, typer.Option("--prompt", help="A line-by-line prompt instead of the "
                                                                             "screen (for scripts).")] = False,
                       project: ProjectOpt = None):
    """Review pending suggestions one at a time in context (a Textual screen;
    --prompt for a line prompt): accept, reject, skip, change the code, adjust
    the span, undo. The model relearns from the decisions as you go."""
    if ctx.invoked_subcommand:
        return
    import sys

    from qualcode.errors import QualcodeError

    if not coder:
        raise QualcodeError("review needs --coder NAME (the owner of accepted codings)")
    proj = open_project(project)
    if prompt or not sys.stdout.isatty():
        from qualcode.assist.review import review_loop

        review_loop(proj, coder, min_score=min_score, code=code)
        return
    from qualcode.assist.session import ReviewSession
    from qualcode.tui.review import run_review

    session = ReviewSession(proj, coder, order=order, min_score=min_score, code=code, method=method,
                            train_coder=train_coder, retrain_every=retrain_every)
    p = run_review(session)
    console().print(f"{p['accepted']} accepted, {p['rejected']} rejected, {p['skipped']} skipped; "
                    f"{p['total'] - p['position']} left")
