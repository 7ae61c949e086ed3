"""Six coders in six processes add 300 codings each to one project at the same
time, on SQLite and on the server (as six coder roles): no coding lost or
doubled, one audit entry per coding, each recording its coder."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest

CODERS, PER_CODER, CODE = 6, 300, "freins/hotel"

WORKER = """
import os, sys, time
from pathlib import Path
from qualcode import Project, coding

root, coder, go, count, code = sys.argv[1:6]
project = Project.open(root)
while not os.path.exists(go):
    time.sleep(0.005)
for i in range(int(count)):
    coding.add(project, "T1", code, coder, i, i + 1 + i % 7)  # one transaction per coding
project.close()
"""


def make_project(backend, tmp_path, request):
    from qualcode.team import members
    from tests.conftest import new_project

    source = tmp_path / "T1.txt"
    source.write_text("".join(f"{'ER'[n % 2]} : Tour de parole {n}, assez long pour coder.\n" for n in range(30)),
                      encoding="utf-8")
    book = tmp_path / "livre.yaml"
    book.write_text(f"name: T\ncodes:\n  - id: freins\n    label: F\n  - id: {CODE}\n    label: H\n", encoding="utf-8")
    if backend == "sqlite":
        project = new_project("sqlite", tmp_path / "proj", request)
        coders = [f"coder{k}" for k in range(CODERS)]
    else:
        cluster = request.getfixturevalue("pg_cluster")
        database = "loadtest"  # this test runs once per session on the server
        cluster.create_database(database)
        from qualcode import Project

        request.getfixturevalue("monkeypatch").setenv("PGUSER", "qualcode_admin")  # the owner, here
        project = Project.init(tmp_path / "proj", server=cluster.url(database, user=None))
        coders = [f"{database}_c{k}" for k in range(CODERS)]
        for name in coders:
            members.add(project, name, "coder")
    project.import_files([source], actor="setup")
    project.load_codebook(book, actor="setup")
    assert len(project.transcript("T1")["text"]) > PER_CODER + 10
    project.close()
    return tmp_path / "proj", coders


def test_six_coders_at_once(backend, tmp_path, request):
    from qualcode import Project

    folder, coders = make_project(backend, tmp_path, request)
    go = tmp_path / "go"
    procs = []
    for coder in coders:
        env = {**os.environ, "PGUSER": coder} if backend == "postgresql" else dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(sys.path)
        procs.append(subprocess.Popen([sys.executable, "-c", WORKER, str(folder), coder, str(go),
                                       str(PER_CODER), CODE], env=env, stderr=subprocess.PIPE, text=True))
    go.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    with Project.open(folder) as project:
        codings = project.codings()
        spans = Counter((c["coder"], c["start"], c["end"]) for c in codings)
        assert len(codings) == CODERS * PER_CODER and max(spans.values()) == 1
        assert {c["coder"] for c in codings} == set(coders)
        assert len({c["id"] for c in codings}) == len(codings)
        log = project.store.audit_entries(action_prefix="coding.add")
        assert len(log) == CODERS * PER_CODER
        assert Counter(e["actor"] for e in log) == {c: PER_CODER for c in coders}
        assert {e["target"] for e in log} == {f"coding:{c['id']}" for c in codings}
        if backend == "postgresql":
            assert {e["role"] for e in log} == set(coders)  # the server wrote the real role
