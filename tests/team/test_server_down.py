"""The server stops in the middle of a `codings import`: one line of error, a
non-zero exit, nothing half-written; after a restart the same command works."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

WORDS = 700
CODES = ("freins", "freins/hotel", "benefices")


@pytest.fixture
def own_cluster(pg_cluster):  # pg_cluster: skip or fail like the other PostgreSQL tests
    from qualcode.team.cluster import LocalCluster

    cluster = LocalCluster(port=pg_cluster.port + 1).start()
    yield cluster
    cluster.stop()


def in_transaction(cluster, database: str) -> bool:
    import psycopg

    with psycopg.connect(host=str(cluster.socket), port=cluster.port, user="qualcode_admin",
                         dbname="postgres", autocommit=True) as conn:
        return bool(conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND xact_start IS NOT NULL "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'", (database,)).fetchone()[0])


def test_server_stopped_mid_import(own_cluster, tmp_path):
    from qualcode import Project

    url = own_cluster.create_database("fragile")
    text = "".join(f"R : phrase mot{i:04d} fin.\n" for i in range(WORDS))
    (tmp_path / "T1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "book.yaml").write_text("name: T\ncodes:\n" + "".join(
        f"  - id: {c}\n    label: {c}\n" for c in CODES), encoding="utf-8")
    codings = tmp_path / "ana.yaml"
    codings.write_text("coder: ana\ntranscript: T1\ncodings:\n" + "".join(
        f"  - code: {c}\n    quote: mot{i:04d}\n" for i in range(WORDS) for c in CODES), encoding="utf-8")
    with Project.init(tmp_path / "proj", server=url) as project:
        project.import_files([tmp_path / "T1.txt"], actor="setup")
        project.load_codebook(tmp_path / "book.yaml", actor="setup")
    command = [str(Path(sys.executable).with_name("qualcode")), "codings", "import", str(codings), "--project", str(tmp_path / "proj")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 120
    while not in_transaction(own_cluster, "fragile"):  # the import's transaction has begun
        assert proc.poll() is None and time.time() < deadline, "the import ended before the server was stopped"
        time.sleep(0.02)
    time.sleep(0.3)
    own_cluster.stop(remove=False)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qualcode: error:") and "Traceback" not in err, err
    own_cluster.restart()
    with Project.open(tmp_path / "proj") as project:
        assert project.codings() == []
        assert project.store.audit_entries(action_prefix="coding") == []
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    with Project.open(tmp_path / "proj") as project:
        assert len(project.codings()) == WORDS * len(CODES)
