"""Fixtures for the importer tests: the committed sample files, importing them
through the CLI, and a full dump of the project database to prove that a
refused command changed nothing."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importers"


def dump_database(db_path: Path) -> list[str]:
    """Every table's schema and rows, as SQL text (sqlite3's iterdump)."""
    con = sqlite3.connect(str(db_path))
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def dump():
    return dump_database


@pytest.fixture
def import_ok(cli, project):
    """import_ok(*args) runs `qualcode import ... --project P` and checks it succeeded."""

    def run(*args):
        result = cli("import", *args, "--project", project.root)
        assert result.code == 0, result.err
        assert result.err == ""
        return result

    return run
