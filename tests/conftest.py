"""Shared fixtures: run the CLI in-process, make projects, find shared samples."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """cli(*args, cwd=None) -> CliResult, running `qualcode` in this process."""
    from qualcode.cli import main

    def run(*args, cwd=None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def project(tmp_path):
    """A fresh, empty project."""
    from qualcode import Project

    proj = Project.init(tmp_path / "proj")
    yield proj
    proj.close()


def shared_dir() -> Path | None:
    """The shared/ folder beside the repository (CI clones it there)."""
    for candidate in (ROOT.parent / "shared", Path("/work/shared")):
        if candidate.is_dir():
            return candidate
    return None


def pytest_configure(config):
    os.environ.setdefault("QUALCODE_USER", "tester")


# -- PostgreSQL: a throw-away cluster for the whole session, one database per test --
PG_REQUIRED = os.environ.get("QUALCODE_REQUIRE_POSTGRES") == "1"
PG_SKIP = ("PostgreSQL tests skipped: no PostgreSQL server binaries (initdb, pg_ctl) found. "
           "To run them: apt-get install postgresql (Debian), or set QUALCODE_PG_BIN to the folder "
           "holding initdb; .ci/run installs it and sets QUALCODE_REQUIRE_POSTGRES=1 so they cannot skip.")
_pg_skipped: list[str] = []


@pytest.fixture(scope="session")
def pg_cluster():
    from qualcode.team.cluster import LocalCluster, find_bindir

    if find_bindir() is None:
        if PG_REQUIRED:
            pytest.fail("QUALCODE_REQUIRE_POSTGRES=1 but no PostgreSQL binaries were found")
        _pg_skipped.append("x")
        pytest.skip(PG_SKIP)
    cluster = LocalCluster().start()
    yield cluster
    cluster.stop()


_databases = iter(range(1, 10**6))


@pytest.fixture
def pg_url(pg_cluster):
    """The URL of a new, empty database (as the cluster's superuser)."""
    return pg_cluster.create_database(f"t{next(_databases)}")


@pytest.fixture(scope="session")
def pg_shared_db(pg_cluster):
    """One database for the behaviour tests; each test gets a schema of its own."""
    pg_cluster.create_database("behaviour")
    return "behaviour"


@pytest.fixture
def pg_schema_url(pg_cluster, pg_shared_db):
    """The URL of a new, empty schema (cheaper than a database per test)."""
    name = f"s{next(_databases)}"
    pg_cluster.psql_admin(f"CREATE SCHEMA {name}", database=pg_shared_db)
    return pg_cluster.url(pg_shared_db) + f"&options=-csearch_path%3D{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    """Parametrises a test over both backends; see `new_project`."""
    return request.param


def new_project(backend: str, folder: Path, request):
    """A new project in `folder` on `backend` (the server database is fresh)."""
    from qualcode import Project

    if backend == "sqlite":
        return Project.init(folder)
    return Project.init(folder, server=request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def any_project(backend, tmp_path, request):
    """A fresh, empty project on each backend."""
    proj = new_project(backend, tmp_path / "proj", request)
    yield proj
    proj.close()


def pytest_terminal_summary(terminalreporter):
    if _pg_skipped:
        terminalreporter.write_line(PG_SKIP, yellow=True)
