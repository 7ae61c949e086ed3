"""The HTML report in a real headless Chromium: pages load from the disk with no
console error and no network request, and the coding stripes sit on their text."""
from __future__ import annotations

import pytest

PAGES = ["index.html", "matrix.html", "excerpts.html", "agreement.html", "transcripts/U02.html",
         "transcripts/P05.html"]


def open_page(context, site, name):
    """(page, errors, requests) after loading `name` from the site folder."""
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto((site.folder / name).resolve().as_uri())
    page.wait_for_load_state("load")
    return page, errors, requests


@pytest.mark.parametrize("name", PAGES)
def test_pages_load_without_console_errors_or_network(browser_context, demo_site, name):
    page, errors, requests = open_page(browser_context, demo_site, name)
    try:
        assert errors == []
        assert requests and all(url.startswith("file://") for url in requests), requests
        assert page.locator("nav a").count() == 4 and page.locator("h1").inner_text()
    finally:
        page.close()


def known_coding(project, transcript, coder):
    rows = [c for c in project.codings(transcript=transcript, coder=coder) if c["end"] - c["start"] > 200]
    return rows[0]


def test_stripes_sit_on_their_text(browser_context, demo_site, demo_project):
    page, errors, _ = open_page(browser_context, demo_site, "transcripts/U02.html")
    try:
        page.wait_for_function("window.qualcodeStripesDrawn === true")
        for coder in ("coder-a", "coder-b"):
            c = known_coding(demo_project, "U02", coder)
            stripe = page.locator(f'.stripes[data-coder="{coder}"] .stripe[data-code="{c["code"]}"]'
                                  f'[data-start="{c["start"]}"][data-end="{c["end"]}"]')
            assert stripe.count() == 1
            box = stripe.bounding_box()
            text = page.evaluate("""([s, e]) => {
                const rects = [...document.querySelectorAll('.p')]
                  .filter(p => +p.dataset.s < e && +p.dataset.e > s)
                  .flatMap(p => [...p.getClientRects()]);
                return {top: Math.min(...rects.map(r => r.top)) + window.scrollY,
                        bottom: Math.max(...rects.map(r => r.bottom)) + window.scrollY,
                        right: Math.max(...rects.map(r => r.right))};
            }""", [c["start"], c["end"]])
            scroll = page.evaluate("window.scrollY")
            assert abs(box["y"] + scroll - text["top"]) <= 2 and abs(box["y"] + scroll + box["height"] - text["bottom"]) <= 2
            assert box["x"] >= text["right"]  # beside the text, in the coder's column
        # two coders side by side: coder-b's column right of coder-a's; unticking hides it
        a = page.locator('.stripes[data-coder="coder-a"]').bounding_box()
        b = page.locator('.stripes[data-coder="coder-b"]').bounding_box()
        assert b["x"] >= a["x"] + a["width"] - 1
        page.locator('.coder-switch[value="coder-b"]').uncheck()
        assert not page.locator('.stripes[data-coder="coder-b"]').is_visible()
        assert errors == []
    finally:
        page.close()


def test_screenshots_of_matrix_and_transcript(browser_context, demo_site, tmp_path):
    for name, shot in (("matrix.html", "matrix.png"), ("transcripts/U02.html", "transcript.png")):
        page, errors, _ = open_page(browser_context, demo_site, name)
        try:
            page.screenshot(path=str(tmp_path / shot))
            assert errors == [] and (tmp_path / shot).stat().st_size > 20_000
        finally:
            page.close()
