"""Screenshots of the HTML report for the README: the matrix and one transcript.

Run after `make demo`:  .venv/bin/python docs/screenshots.py
It writes the report of `demo/` to a temporary folder, opens it in Debian's
headless Chromium through Playwright (no browser download), and saves
docs/report-matrix.png and docs/report-transcript.png.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.report.conftest import CHROMIUM, FLAGS  # noqa: E402


def main() -> None:
    from playwright.sync_api import sync_playwright

    from qualcode import Project
    from qualcode.htmlreport import build

    with tempfile.TemporaryDirectory() as tmp, Project.open(ROOT / "demo") as project:
        site = build(project, Path(tmp) / "site")
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(Path(tmp) / "profile"), executable_path=str(CHROMIUM), headless=True, args=FLAGS,
                viewport={"width": 1280, "height": 900})
            for page_name, shot in (("matrix.html", "report-matrix.png"), ("transcripts/U02.html", "report-transcript.png")):
                page = context.new_page()
                page.goto((site.folder / page_name).as_uri())
                page.wait_for_load_state("load")
                page.screenshot(path=str(ROOT / "docs" / shot))
                print(f"wrote docs/{shot}")
            context.close()


if __name__ == "__main__":
    main()
