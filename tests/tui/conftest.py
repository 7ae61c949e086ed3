"""A small project for the coding-screen tests: one four-turn transcript and a
codebook loaded from a YAML file (so that new codes are written back to it)."""
from __future__ import annotations

import pytest

TRANSCRIPT = """\
Enquêteur : Bonjour. Pouvez-vous vous présenter ?
Marie : Je suis éducatrice. Les punaises, j'en avais partout! Ça va mieux maintenant.
Enquêteur : Et l'hôtel ?
Marie : L'hôtel est sale… On a des cafards. Voilà.
"""

CODEBOOK = """\
# Test codebook (this comment must survive a write-back)
name: Test
version: 1
codes:
  - id: freins
    label: Freins
    family: true
    description: Obstacles rencontrés.
  - id: freins/conditions-hotelieres
    label: Conditions hôtelières
    description: État des chambres et des hôtels.
    include: Punaises, cafards, rats.
    exclude: Changements de chambre.
    example: « Les punaises, j'en avais partout. »
    color: "#c0392b"
  - id: benefices
    label: Bénéfices
    description: Effets positifs du dispositif.
  - id: benefices/sante
    label: Santé retrouvée
    description: Amélioration de la santé.
"""

HOTEL = "freins/conditions-hotelieres"
CODER = "alice"
SIZE = (120, 36)


@pytest.fixture
def proj(project, tmp_path):
    source = tmp_path / "T1.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    project.import_files([source])
    book = tmp_path / "codebook.yaml"
    book.write_text(CODEBOOK, encoding="utf-8")
    project.load_codebook(book)
    return project


def turns(proj):
    return proj.segments("T1")


def text_of(proj):
    return proj.transcript("T1")["text"]


def mine(proj, coder=CODER):
    return [(c["code"], c["start"], c["end"]) for c in proj.store.codings(transcript="T1", coder=coder)]


def actions(proj):
    return [e["action"] for e in proj.store.audit_entries(action_prefix="coding.")]


async def pick(pilot, query: str) -> None:
    """Open the code picker, type a query, apply the highlighted code."""
    await pilot.press("c", *query, "enter")


def screen_text(app) -> str:
    """What the terminal shows, as plain text (one line per row)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)
