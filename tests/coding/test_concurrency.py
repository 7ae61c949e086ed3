"""Two coders in two processes add hundreds of codings to the same project at
the same time: every coding is stored, once, with its audit entry."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter

from qualcode import Project

PER_PROCESS = 300
CODE = "freins/hotel"

WORKER = """
import json, os, sys, time
from pathlib import Path

root, coder, ready, go, count, code = sys.argv[1:7]
count = int(count)
from qualcode import Project
from qualcode import coding

project = Project.open(root)
Path(ready).touch()
deadline = time.time() + 60
while not os.path.exists(go):
    if time.time() > deadline:
        sys.exit("never told to start")
    time.sleep(0.001)
started = time.time()
ids = []
for i in range(count):
    # distinct spans; one transaction per coding
    ids.append(coding.add(project, "T1", code, coder, i, i + 1 + i % 7)["id"])
    time.sleep(0.0005)  # a coder's pace: lets the other process take the write lock in between
finished = time.time()
project.close()
print(json.dumps({"coder": coder, "ids": ids, "started": started, "finished": finished}))
"""


def expected_spans() -> set[tuple[int, int]]:
    return {(i, i + 1 + i % 7) for i in range(PER_PROCESS)}


def test_two_processes_code_concurrently(tmp_path):
    source = tmp_path / "T1.txt"
    lines = [f"{'E' if n % 2 == 0 else 'R'} : Tour de parole numéro {n}, assez long pour avoir de la place."
             for n in range(40)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    book = tmp_path / "livre.yaml"
    book.write_text(f"name: T\ncodes:\n  - id: freins\n    label: Freins\n  - id: {CODE}\n    label: Hôtel\n",
                    encoding="utf-8")
    with Project.init(tmp_path / "proj") as project:
        project.import_files([source], actor="setup")
        project.load_codebook(book, actor="setup")
        assert len(project.transcript("T1")["text"]) > PER_PROCESS + 10
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    go = tmp_path / "go"
    workers = []
    for coder in ("p1", "p2"):
        ready = tmp_path / f"ready-{coder}"
        proc = subprocess.Popen(
            [sys.executable, str(script), str(tmp_path / "proj"), coder, str(ready), str(go),
             str(PER_PROCESS), CODE],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        workers.append((coder, ready, proc))
    deadline = time.time() + 30
    while not all(ready.exists() for _, ready, _ in workers):
        assert time.time() < deadline, "workers did not start"
        assert all(proc.poll() is None for _, _, proc in workers), [p.stderr.read() for _, _, p in workers]
        time.sleep(0.005)
    go.touch()  # both start together
    reports = {}
    for coder, _, proc in workers:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        reports[coder] = json.loads(out.strip().splitlines()[-1])

    # they really ran at the same time
    p1, p2 = reports["p1"], reports["p2"]
    assert p1["started"] < p2["finished"] and p2["started"] < p1["finished"]

    with Project.open(tmp_path / "proj") as project:
        rows = project.store.codings()
        assert len(rows) == 2 * PER_PROCESS
        keys = Counter((r["transcript"], r["code"], r["coder"], r["start"], r["end"]) for r in rows)
        assert max(keys.values()) == 1
        for coder in ("p1", "p2"):
            mine = {(r["start"], r["end"]) for r in rows if r["coder"] == coder}
            assert mine == expected_spans(), coder
            assert sorted(reports[coder]["ids"]) == sorted(r["id"] for r in rows if r["coder"] == coder)
        assert len({r["id"] for r in rows}) == 2 * PER_PROCESS
        audit = project.store.audit_entries(action_prefix="coding.add")
        assert len(audit) == 2 * PER_PROCESS
        assert Counter(e["actor"] for e in audit) == {"p1": PER_PROCESS, "p2": PER_PROCESS}
        assert {e["target"] for e in audit} == {f"coding:{r['id']}" for r in rows}
        # and their writes were interleaved, not one process after the other
        switches = sum(1 for a, b in zip(audit, audit[1:]) if a["actor"] != b["actor"])
        assert switches >= 2
