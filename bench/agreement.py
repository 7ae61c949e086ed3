"""Speed of `qualcode agreement --coders coder-a coder-b` on the demo corpus
(all codes, 12 transcripts coded by both), at character and segment units.

Prints, as medians of 5 runs in this process (imports already done): the floor
(a plain SQLite read of every coding), the whole command (opening the project,
reading, computing, printing the tables to /dev/null) and the ratio to the floor;
then one cold run in a fresh process (`qualcode agreement ...`, start-up
included). Target: under 0.5 s for all codes.
"""
from __future__ import annotations

import contextlib
import io
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo import DEMO, demo_project  # noqa: E402

ARGS = ["agreement", "--coders", "coder-a", "coder-b", "--project", str(DEMO)]
QUALCODE = Path(sys.executable).with_name("qualcode")


def median_time(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sqlite_floor() -> None:
    con = sqlite3.connect(str(DEMO / "qualcode.db"))
    con.execute('SELECT transcript_id, code_pk, coder, start, "end" FROM codings').fetchall()
    con.close()


def command(unit: str) -> None:
    from qualcode.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        code = main([*ARGS, "--unit", unit])
    if code != 0:
        raise SystemExit(f"qualcode agreement failed with exit code {code}")


def main() -> None:
    demo_project().close()
    command("character")  # warm-up: imports, SQLite page cache
    floor = median_time(sqlite_floor)
    print(f"floor: SQLite read of the codings       {floor:.4f} s")
    for unit in ("character", "segment"):
        took = median_time(lambda unit=unit: command(unit))
        verdict = "ok" if took < 0.5 else "OVER the 0.5 s target"
        print(f"agreement --unit {unit:<9} (in process) {took:.3f} s  {took / floor:.0f}x the floor  [{verdict}]")
    started = time.perf_counter()
    subprocess.run([str(QUALCODE), *ARGS], check=True, stdout=subprocess.DEVNULL)
    print(f"agreement, fresh process (start-up included) {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    main()
