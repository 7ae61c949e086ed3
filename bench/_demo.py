"""Shared by the benchmarks: the demo project, built by `qualcode.demo` if missing."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo"


def demo_project():
    from qualcode import Project

    if not (DEMO / "qualcode.db").exists():
        subprocess.run([sys.executable, "-m", "qualcode.demo"], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
    return Project.open(DEMO)
