"""`qualcode report --html OUTDIR`: a self-contained static site of the project.

Owns reading the project once and writing the pages (see `pages`): the overview
(transcripts by actor type, coders, codebook), the theme matrix as a heatmap
with n per column, one page per transcript with coding stripes per code and per
coder (one coder, or two side by side as in NVivo's coding comparison), each
code's excerpts grouped by actor type, and the agreement dashboard with weak
codes flagged. Plain HTML with one local CSS and one local JS file: it opens
from the disk, with no server and no network. Every text that leaves the
project passes through the pseudonymisation hook when one is given.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

ASSETS = Path(__file__).with_name("assets")


@dataclass
class Site:
    """What was written: the folder, its pages, and notes for the user."""

    folder: Path
    pages: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build(project, outdir: str | Path, *, coders=None, agreement_coders=None, hook=None,
          threshold: float = 0.6) -> Site:
    """Write the site to `outdir` (created; pages are replaced, other files kept).
    `coders`: whose codings the pages show (default: all); `agreement_coders`: the
    pair (or more) the dashboard compares (default: the first two coders who share
    a transcript); `hook`: a pseudonymiser (`qualcode.pseudonymise.apply`)."""
    from qualcode.exports.files import atomic_write
    from qualcode.htmlreport import pages

    folder = Path(outdir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "transcripts").mkdir(exist_ok=True)
    data = pages.Data.load(project, coders=coders, hook=hook)
    site = Site(folder)
    for name in ("report.css", "report.js"):
        shutil.copyfile(ASSETS / name, folder / name)

    def write(name: str, html: str) -> None:
        atomic_write(folder / name, lambda tmp: tmp.write_text(html, encoding="utf-8"))
        site.pages.append(name)

    write("index.html", pages.overview(data))
    write("matrix.html", pages.matrix(data))
    write("excerpts.html", pages.excerpts(data))
    for tid in data.transcripts.index:
        write(f"transcripts/{tid}.html", pages.transcript(data, tid))
    dashboard, notes = pages.agreement(project, data, agreement_coders, threshold)
    write("agreement.html", dashboard)
    site.notes += notes
    return site
