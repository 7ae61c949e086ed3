"""Median wall time of `qualcode --help` over 10 runs (target <= 0.25 s), with
the floor of starting the same Python interpreter with no imports."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

QUALCODE = Path(sys.executable).with_name("qualcode")


def median_time(cmd: list[str], runs: int = 10) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    floor = median_time([sys.executable, "-c", "pass"])
    help_time = median_time([str(QUALCODE), "--help"])
    print(f"python -c pass:   {floor:.3f} s (floor)")
    print(f"qualcode --help:  {help_time:.3f} s median of 10 (target <= 0.25 s), {help_time / floor:.1f}x the floor")


if __name__ == "__main__":
    main()
