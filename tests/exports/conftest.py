"""A hand-made project for the export tests: four .txt interviews with known turns,
a six-code codebook and two coders' codings at known offsets.

    U1 usagers, bas_seuil     U2 usagers, haut_seuil     G1 pilotage, group of 3
    X1 partenaires, no coding

Codings (turn numbers in brackets; speakers are recognised as they speak twice):
    U1  a punaises [2]  a hotel [2]  b punaises [2, longer span]
        a sante from turn 3 into turn 4 [3, 4]  a equipe [4, inside the sante span]
    U2  a punaises [2]  b hotel [2, same span]
    G1  a equipe [2, R1]  b equipe [2, same span]  a sante [5, R2, memo]  b sante [3]
"""
from __future__ import annotations

import pytest

PUN, HOT, EQU, SAN = "freins/hotel/punaises", "freins/hotel", "freins/equipe", "benefices/sante"

CODEBOOK = """name: Petit
version: 1
codes:
  - id: freins
    label: Freins
    family: true
    description: Obstacles au dispositif.
  - id: freins/hotel
    label: Conditions hôtelières
    description: État des chambres.
  - id: freins/hotel/punaises
    label: Punaises de lit
    description: Punaises et nuisibles.
  - id: freins/equipe
    label: Équipe débordée
    description: Manque de temps des équipes.
  - id: benefices
    label: Bénéfices
    family: true
    description: Effets positifs.
  - id: benefices/sante
    label: Santé
    description: Soins et santé.
"""


def transcript(tid: str, attributes: dict, turns: list[tuple[str, str]]) -> str:
    head = "\n".join(f"{k}: {v}" for k, v in {"id": tid, **attributes}.items())
    return f"---\n{head}\n---\n" + "".join(f"{who} : {text}\n" for who, text in turns)


TRANSCRIPTS = {
    "U1": transcript("U1", {"actor_type": "usagers", "hotel_type": "bas_seuil", "structure": "Assore", "people": 1},
                     [("Claire", "Comment est la chambre ?"),
                      ("R", "Il y a des punaises partout. La fenêtre ferme pas."),
                      ("Claire", "Et l'équipe ?"),
                      ("R", "Ils passent peu. Mais je me soigne mieux.")]),
    "U2": transcript("U2", {"actor_type": "usagers", "hotel_type": "haut_seuil", "people": 1},
                     [("Samir", "Et la chambre ?"), ("R", "Des punaises, encore des punaises.")]),
    "G1": transcript("G1", {"actor_type": "pilotage", "structure": "Équipe 19e", "people": 3},
                     [("Claire", "Vos difficultés ?"), ("R1", "On manque de temps, vraiment."), ("R2", "Oui, on court."),
                      ("Claire", "Et la santé ?"), ("R2", "Les soins ont repris."), ("R1", "Oui.")]),
    "X1": transcript("X1", {"actor_type": "partenaires", "structure": "CAARUD", "people": 1},
                     [("Samir", "Bonjour."), ("R", "Bonjour, rien à signaler.")]),
}

# (transcript, code, coder, first words, last words or None for the same quote, memo)
CODINGS = [
    ("U1", PUN, "a", "Il y a des punaises partout.", None, ""),
    ("U1", HOT, "a", "La fenêtre ferme pas.", None, ""),
    ("U1", PUN, "b", "Il y a des punaises partout.", "La fenêtre ferme pas.", ""),
    ("U1", SAN, "a", "Et l'équipe ?", "je me soigne mieux.", ""),
    ("U1", EQU, "a", "Ils passent peu.", None, ""),
    ("U2", PUN, "a", "Des punaises, encore des punaises.", None, ""),
    ("U2", HOT, "b", "Des punaises, encore des punaises.", None, ""),
    ("G1", EQU, "a", "On manque de temps, vraiment.", None, ""),
    ("G1", EQU, "b", "On manque de temps, vraiment.", None, ""),
    ("G1", SAN, "a", "Les soins ont repris.", None, "reprise des soins"),
    ("G1", SAN, "b", "Oui, on court.", None, ""),
]


def span(text: str, first: str, last: str | None) -> tuple[int, int]:
    start = text.index(first)
    end = text.index(last, start) + len(last) if last else start + len(first)
    return start, end


@pytest.fixture
def small(tmp_path, backend, request):
    """The project described above (coders "a" and "b"), on each backend."""
    from qualcode import coding
    from tests.conftest import new_project

    files = []
    for tid, text in TRANSCRIPTS.items():
        files.append(tmp_path / f"{tid}.txt")
        files[-1].write_text(text, encoding="utf-8")
    (tmp_path / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    project = new_project(backend, tmp_path / "proj", request)
    project.import_files(files)
    project.load_codebook(tmp_path / "book.yaml")
    for tid, code, coder, first, last, memo in CODINGS:
        start, end = span(project.transcript(tid)["text"], first, last)
        coding.add(project, tid, code, coder, start, end, memo=memo)
    yield project
    project.close()
