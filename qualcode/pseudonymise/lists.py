"""Word lists: the project list of names (detector), the allow-list (never
proposed), coarse places (cities, countries, regions: never proposed alone) and
generic French words and acronyms that NER flags wrongly.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from qualcode.pseudonymise.forms import form_key, occurrences
from qualcode.pseudonymise.patterns import TITLES, Candidate

# What a new project's allow-list holds: the programme's and institutions' names.
DEFAULT_ALLOW = ["Assore", "Aurore", "ARS", "ARS Île-de-France", "Gaïa", "Gaïa-Paris", "Paris", "Samusocial",
                 "Fluid Crack", "Phase", "CAARUD", "CSAPA", "SCMR", "PASS", "CMP", "ACT", "Île-de-France"]
# Generic words, acronyms and brands that NER tags as entities in this kind of text.
GENERIC = {form_key(w) for w in (
    "CRS", "RSA", "AME", "CSS", "CAF", "CPAM", "SIAO", "JAP", "SPIP", "DALO", "SAMU", "SMUR", "PMI", "MDPH", "AAH",
    "OFPRA", "OFII", "CADA", "ASE", "CHU", "CHRS", "LHSS", "HAS", "SDF", "VIH", "TSO", "Covid", "Subutex",
    "Skenan", "Valium", "Rivotril", "Lyrica", "Méthadone", "Excel", "Word", "Zoom", "Teams", "WhatsApp",
    "Franprix", "Monoprix", "Carrefour", "Lidl", "Restos du cœur", "Restos", "Sécu", "Carte Vitale", "Vitale",
    "Dieu", "Coran", "Noël", "Ramadan", "État", "Etat", "Ville", "Préfecture", "Police", "Justice",
    "Transcription", "Entretien", "Monsieur", "Madame", "Docteur", "Plan crack", "Untel")}
# Keys of transcript attributes that hold people's names (project list).
NAME_ATTRIBUTES = {"interviewer", "enqueteur", "enqueteur_rice", "enqueteurrice", "enqueteuse", "respondent",
                   "interviewee", "name", "nom", "prenom", "participant", "coder"}
SPEAKER_LABELS = re.compile(r"^(?:E\d*|R\d*|I\d*|P\d*|Q|A|Int|Interviewer|Interviewee|Enquêt\w*|Intervieweu?\w*|"
                            r"Répondant\w*|Participant\w*|Animat\w*|Modérat\w*|Speaker\s*\d*|Locuteur\s*\d*|Inconnu\w*)$",
                            re.I)


@functools.lru_cache(maxsize=1)
def coarse_places() -> frozenset[str]:
    path = Path(__file__).with_name("data") / "coarse_places.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(form_key(line) for line in lines if line.strip() and not line.startswith("#"))


def is_coarse_place(surface: str) -> bool:
    key = form_key(surface)
    for prefix in ("a ", "au ", "en ", "le ", "la ", "les ", "l'", "du ", "de ", "d'"):
        if key.startswith(prefix) and key[len(prefix):] in coarse_places():
            return True
    return key in coarse_places()


def strip_title(name: str) -> tuple[str, int, str]:
    """("Monsieur Fabrice") -> ("Fabrice", offset of the name, gender hint)."""
    words = name.split()
    if len(words) > 1 and words[0].lower().rstrip(".") in {t.rstrip(".") for t in TITLES}:
        rest = name[len(words[0]):].lstrip()
        return rest, len(name) - len(rest), TITLES.get(words[0].lower(), TITLES.get(words[0].lower() + ".", ""))
    return name, 0, ""


def speaker_names(speakers) -> set[str]:
    """Person names among speaker labels ("Monsieur Fabrice" -> "Fabrice"; E, R1 are not names)."""
    names = set()
    for speaker in speakers:
        speaker = (speaker or "").strip()
        if not speaker or SPEAKER_LABELS.match(speaker) or not speaker[0].isupper():
            continue
        names.add(strip_title(speaker)[0])
    return names


def attribute_names(attributes: dict[str, str]) -> set[str]:
    from qualcode.importers.metadata import attribute_key

    return {v.strip() for k, v in attributes.items()
            if attribute_key(k) in NAME_ATTRIBUTES and v and v.strip()[:1].isupper()}


def list_candidates(text: str, names: dict[str, str]) -> list[Candidate]:
    """Occurrences of project-list names (form key -> kind) in `text`."""
    out = []
    for start, end, key in occurrences(text, names):
        out.append(Candidate(start, end, text[start:end], names[key], "list", 1.0))
    return out
