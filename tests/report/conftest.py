"""The demo corpus as a project (built once per session) and a headless Chromium.

The browser is Debian's Chromium (/usr/bin/chromium, or QUALCODE_CHROMIUM) driven
by Playwright for Python, never a browser Playwright downloads. Without it the
browser tests skip with a message; with QUALCODE_REQUIRE_BROWSER=1 (set by
.ci/run) they fail instead, so CI cannot pass without running them.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path(os.environ.get("QUALCODE_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory):
    """The 33 fictional transcripts, the codebook and both coders' reference codings."""
    from qualcode import Project

    project = Project.init(tmp_path_factory.mktemp("corpus") / "assore")
    project.import_files([ROOT / "transcripts"], manifest=ROOT / "transcripts" / "manifest.csv")
    project.load_codebook(ROOT / "codebooks" / "assore.yaml")
    from qualcode import codings_file

    codings_file.import_files(project, [ROOT / "transcripts" / "codings"])
    yield project
    project.close()


@pytest.fixture(scope="session")
def demo_site(demo_project, tmp_path_factory):
    from qualcode.htmlreport import build

    return build(demo_project, tmp_path_factory.mktemp("site") / "rapport")


def _unavailable(reason: str):
    if os.environ.get("QUALCODE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required (QUALCODE_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(f"browser tests skipped: {reason} (install Debian's chromium and playwright)")


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    """A Playwright context on Debian's Chromium with a fresh user-data folder. Module
    scope: the sync API runs an event loop in this thread while it is open, which
    the asyncio tests that follow (the coding screen) must not find running."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=FLAGS,
            viewport={"width": 1400, "height": 1000})
        yield context
        context.close()
