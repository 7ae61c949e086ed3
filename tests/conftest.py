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
