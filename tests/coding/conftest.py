"""A small coded project for the coding tests: two transcripts of different
actor types and a three-level codebook."""
from __future__ import annotations

from pathlib import Path

import pytest

BOOK = """\
name: Test
version: 1
codes:
  - id: freins
    label: Freins
    family: true
  - id: freins/hotel
    label: Conditions hôtelières
    description: État des chambres.
  - id: freins/hotel/punaises
    label: Punaises de lit
  - id: freins/visites
    label: Fréquence des visites
  - id: benefices
    label: Bénéfices
    family: true
  - id: benefices/sante
    label: Santé
"""

T1 = """\
E : Bonjour. Vous êtes à l’hôtel depuis quand ?
R : Depuis un an, je sais pas exactement. Les punaises, j'en avais partout.
E : Et les éducs ?
R : Ils passent, je sais pas, tous les quinze jours. Moi je sais pas trop quoi leur dire.
"""

T2 = """\
E : Comment se passe le suivi ?
R : On a trop d'usagers,  on ne peut plus passer chaque semaine dans les hôtels.
E : Et la santé ?
R : Ça va mieux depuis qu'ils ont une chambre. On les soigne enfin.
"""


def make_inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {"T1": folder / "T1.txt", "T2": folder / "T2.txt", "book": folder / "livre.yaml"}
    files["T1"].write_text(T1, encoding="utf-8")
    files["T2"].write_text(T2, encoding="utf-8")
    files["book"].write_text(BOOK, encoding="utf-8")
    return files


def fill(project, folder: Path) -> None:
    """Import T1 (usagers) and T2 (pilotage) and load the codebook."""
    files = make_inputs(folder)
    project.import_files([files["T1"]], attrs=["actor_type=usagers"], actor="setup")
    project.import_files([files["T2"]], attrs=["actor_type=pilotage"], actor="setup")
    project.load_codebook(files["book"], actor="setup")


@pytest.fixture
def proj(any_project, tmp_path):
    """The small coded project, on each backend."""
    fill(any_project, tmp_path / "in")
    return any_project
