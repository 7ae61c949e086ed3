"""`make demo`: build a fresh demo project from the fictional Assore corpus and
run the main job on it, printing each step as a user would type it.

Steps: create `demo/`, import the 33 transcripts with their manifest, load the
codebook, import the two coders' reference codings, then analyses (agreement,
matrices, excerpts, suggestions) as they become available.
"""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo"


def step(*args: str) -> None:
    from qualcode.cli import main

    print(f"\n$ qualcode {' '.join(args)}", flush=True)
    started = time.perf_counter()
    code = main([*args, "--project", str(DEMO)] if args[0] != "init" else list(args))
    print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)
    if code != 0:
        sys.exit(code)


def main() -> None:
    print("qualcode demo — the Assore evaluation corpus (33 FICTIONAL interviews written for this demo)")
    if DEMO.exists():
        shutil.rmtree(DEMO)
    step("init", str(DEMO))
    step("import", "--manifest", str(ROOT / "transcripts" / "manifest.csv"))
    step("transcripts")
    step("codebook", "load", str(ROOT / "codebooks" / "assore.yaml"))
    codings = ROOT / "transcripts" / "codings"
    step("codings", "import", str(codings))
    step("codebook", "show")
    step("suggest", "--method", "both", "--train-coder", "coder-a")
    step("suggestions", "--min-score", "0.9")
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
    print(f"\nDemo project: {DEMO}   exports: {exports}")


if __name__ == "__main__":
    main()
