"""A small project with the Assore codebook and two short transcripts whose
text is known, shared by the assist tests (spaCy loads once per session)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

T1 = """---
id: H1
interviewer: Claire
---
Claire : Comment ça se passe à l'hôtel ?
R : Les punaises de lit, j'en avais partout, j'ai dormi dehors trois nuits. Franchement c'était la galère.
Claire : Et les éducs ?
R : Les éducs passent tous les quinze jours maintenant, avant c'était chaque semaine. Ils sont débordés.
Claire : Et la santé ?
R : Le suivi addictologique, ils m'ont emmené au CSAPA. J'ai été hébergé ici après deux ans dehors.
"""

T2 = """---
id: H2
interviewer: Samir
---
Samir : Parlez-moi de votre chambre.
R : Il y a des cafards et des punaises, l'humidité partout, une fenêtre qui ferme pas.
Samir : Et les tickets ?
R : Douze euros par semaine, les tickets-service, c'est rien du tout pour manger.
"""


@pytest.fixture
def assist_project(tmp_path):
    from qualcode import Project

    (tmp_path / "H1.txt").write_text(T1, encoding="utf-8")
    (tmp_path / "H2.txt").write_text(T2, encoding="utf-8")
    project = Project.init(tmp_path / "proj")
    project.import_files([tmp_path / "H1.txt", tmp_path / "H2.txt"])
    codebook = tmp_path / "assore.yaml"  # a copy: codebook edits write back to the file
    codebook.write_text((ROOT / "codebooks" / "assore.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    project.load_codebook(codebook)
    yield project
    project.close()


def span_of(project, tid: str, quote: str) -> tuple[int, int]:
    text = project.transcript(tid)["text"]
    start = text.index(quote)
    return start, start + len(quote)
