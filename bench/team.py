"""Team projects on PostgreSQL beside SQLite, on a throw-away local cluster:

1. codings per second for 1, 2, 4 and 8 coders coding at once from separate
   processes (one transaction per coding, audited; on the server each process
   is its own coder role, under row-level security);
2. latency of `qualcode codings --json` and `qualcode matrix` on the demo corpus
   ×10 (330 transcripts), on the server (as a supervisor) and on SQLite.

Wall times (the work is spread over processes and the server); ratios are
server / SQLite, measured alternately in the same run.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo import demo_project  # noqa: E402
from matrix import build_database  # noqa: E402

PER_CODER = 150
COPIES = 10
WORKER = """
import os, sys, time
from qualcode import Project, coding
root, coder, go, n = sys.argv[1:5]
project = Project.open(root)
codes = [c.id for c in project.codes() if not c.family][:20]
tids = project.store.transcript_ids()[:3]
while not os.path.exists(go):
    time.sleep(0.002)
for i in range(int(n)):
    coding.add(project, tids[i % 3], codes[i % len(codes)], coder, i, i + 5 + i % 11)
project.close()
"""


def codings_per_second(folder: Path, coders: list[str], server: bool, tmp: Path) -> float:
    go = tmp / f"go-{len(coders)}-{server}"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(folder), coder, str(go), str(PER_CODER)],
                              env={**os.environ, "PGUSER": coder} if server else dict(os.environ))
             for coder in coders]
    time.sleep(1.5)  # let every process open the project
    started = time.perf_counter()
    go.touch()
    for proc in procs:
        if proc.wait() != 0:
            sys.exit("bench/team.py: a coder process failed")
    return len(coders) * PER_CODER / (time.perf_counter() - started)


def timed(folder: Path, role: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("qualcode")), *args, "--project", str(folder)],
                   check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PGUSER": role})
    return time.perf_counter() - started


def latencies(server: tuple, local: tuple, *args: str, runs: int = 3) -> tuple[float, float]:
    """Medians of `runs` alternating runs (server, local, server, local...)."""
    pairs = [(timed(*server, *args), timed(*local, *args)) for _ in range(runs)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main():
    from qualcode import Project
    from qualcode.team import members, transfer
    from qualcode.team.cluster import SUPERUSER, LocalCluster

    demo = demo_project()
    demo.close()
    cluster = LocalCluster(port=54500).start()
    tmp = Path(tempfile.mkdtemp(prefix="qualcode-bench-team-"))
    os.environ["PGUSER"] = SUPERUSER
    try:
        print(f"codings per second, {PER_CODER} codings per coder, one transaction each:")
        print("  coders   PostgreSQL      SQLite   ratio")
        for n in (1, 2, 4, 8):
            lite = tmp / f"lite{n}"
            shutil.copytree(demo.root, lite, ignore=shutil.ignore_patterns("*.db-wal", "*.db-shm"))
            cluster.create_database(f"load{n}")
            url = cluster.url(f"load{n}", user=None)
            with Project.open(lite) as local:
                transfer.push(local, url)
            coders = [f"bench{n}_{k}" for k in range(n)]
            with Project.init(tmp / f"pg{n}", server=url) as server:
                for coder in coders:
                    members.add(server, coder, "coder")
            pg = codings_per_second(tmp / f"pg{n}", coders, True, tmp)
            sq = codings_per_second(lite, coders, False, tmp)
            print(f"  {n:6d} {pg:12.0f} {sq:11.0f}   {pg / sq:5.2f}")
        big = tmp / "big"
        big.mkdir()
        build_database(demo, big, copies=COPIES)
        cluster.create_database("big")
        url = cluster.url("big", user=None)
        with Project.open(big) as local:
            counts = transfer.push(local, url)
        with Project.init(tmp / "bigpg", server=url) as server:
            members.add(server, "bench_sup", "supervisor")
        print(f"\nlatency on the demo ×{COPIES} ({counts['transcripts']} transcripts, {counts['codings']:,} codings), "
              "median of 3 runs of the command:")
        print("  command                    PostgreSQL   SQLite   ratio")
        for args in (("codings", "--json"), ("matrix",)):
            pg, sq = latencies((tmp / "bigpg", "bench_sup"), (big, SUPERUSER), *args)
            print(f"  qualcode {' '.join(args):17s} {pg:9.2f} s {sq:6.2f} s   {pg / sq:5.2f}")
    finally:
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
