"""`make demo`: build a fresh demo project from the fictional Assore corpus and
run the main job on it, printing each step as a user would type it.

Steps: create `demo/`, import the 33 transcripts with their manifest, load the
codebook, import the two coders' reference codings, then analyses (agreement,
matrices, excerpts, suggestions) as they become available.

`demo/` is rebuilt on every run, but a folder holding work the demo did not
make (codings or edits after it was built, other files, or no demo stamp at all)
is moved aside to `demo.kept-DATE/`, never deleted, and the run says so.
"""
from __future__ import annotations

import json
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo"
STAMP = ".made-by-make-demo.json"  # what the demo built: audit entries and files


def step(*args: str) -> None:
    from qualcode.cli import main

    print(f"\n$ qualcode {' '.join(args)}", flush=True)
    started = time.perf_counter()
    code = main([*args, "--project", str(DEMO)] if args[0] != "init" else list(args))
    print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)
    if code != 0:
        sys.exit(code)


def _audit_count(folder: Path) -> int | None:
    from qualcode.project import Project

    try:
        with Project.open(folder) as project:
            return project.store.audit_count()
    except Exception:  # not a project, or not one this version reads: not the demo's own
        return None


def _files(folder: Path) -> list[str]:
    """Files under `folder` that hold work (SQLite's side files and the stamp excepted)."""
    skip = (STAMP, "qualcode.db-wal", "qualcode.db-shm", "qualcode.db-journal")
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name not in skip)


def foreign_work(folder: Path) -> str | None:
    """Why `folder` holds work the demo did not make, or None when it is the demo's own."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "it was not made by `make demo`"
    count = _audit_count(folder)
    if count != stamp.get("audit"):
        return f"its log has {count} changes, {stamp.get('audit')} made by the demo (codings or edits since)"
    extra = sorted(set(_files(folder)) - set(stamp.get("files", [])))
    if extra:
        return f"it holds files the demo did not write ({', '.join(extra[:3])}{'…' if len(extra) > 3 else ''})"
    return None


def clear(folder: Path = DEMO) -> Path | None:
    """Remove the demo's own previous build; move anything else aside (returned)."""
    if not folder.exists():
        return None
    why = foreign_work(folder)
    if why is None:
        shutil.rmtree(folder)
        return None
    base = folder.with_name(f"{folder.name}.kept-{datetime.now():%Y%m%d-%H%M%S}")
    kept, n = base, 1
    while kept.exists():
        n += 1
        kept = base.with_name(f"{base.name}-{n}")
    folder.rename(kept)
    print(f"NOTE: {folder} was not deleted: {why}. It was moved to {kept}.", flush=True)
    return kept


def stamp(folder: Path = DEMO) -> None:
    """Record what the demo built, so that the next run knows what it may delete."""
    data = {"audit": _audit_count(folder), "files": _files(folder)}
    (folder / STAMP).write_text(json.dumps(data, indent=1), encoding="utf-8")


def main() -> None:
    print("qualcode demo — the Assore evaluation corpus (33 FICTIONAL interviews written for this demo)")
    clear()
    step("init", str(DEMO))
    step("import", "--manifest", str(ROOT / "transcripts" / "manifest.csv"))
    step("transcripts")
    step("codebook", "load", str(ROOT / "codebooks" / "assore.yaml"))
    codings = ROOT / "transcripts" / "codings"
    step("codings", "import", str(codings))
    step("codebook", "show")
    step("suggest", "--method", "both", "--train-coder", "coder-a")
    step("suggestions", "--min-score", "0.9", "--top", "15")
    step("suggest", "evaluate", "--coder", "coder-a", "--folds", "5",
         "--out", str(ROOT / "exports" / "suggestions-evaluation.csv"))
    exports = ROOT / "exports"
    step("matrix", "--level", "family", "--coder", "coder-a", "--measure", "interviews",
         "--measure", "people", "--measure", "share")
    for suffix in ("xlsx", "csv", "png", "md"):
        step("matrix", "--level", "all", "--coder", "coder-a", "--measure", "segments",
             "--out", str(exports / f"matrice-themes.{suffix}"))
    step("excerpts", "--coder", "coder-a", "--out", str(exports / "extraits-coder-a.docx"))
    step("pseudonymise", "scan")
    step("pseudonymise", "accept", "--all-above", "0.6")
    step("excerpts", "--coder", "coder-a", "--pseudonymise", "--out",
         str(exports / "extraits-coder-a-pseudonymises.docx"))
    step("agreement", "--coders", "coder-a", "coder-b", "--level", "leaf", "--unit", "character",
         "--out", str(exports / "accord-inter-codeurs.xlsx"))
    step("agreement", "--coders", "coder-a", "coder-b", "--level", "family", "--unit", "segment")
    step("disagreements", "--coders", "coder-a", "coder-b", "--code", "recommandations",
         "--out", str(exports / "desaccords-recommandations.docx"))
    stamp()
    print(f"\nDemo project: {DEMO}   exports: {exports}")
    print("(`make demo` rebuilds demo/ each time; work added to it is moved aside, never deleted)")


if __name__ == "__main__":
    main()
