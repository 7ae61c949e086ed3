"""Default pseudonyms: consistent and readable, of the same kind as what they
replace. Labels ("[Prénom 7]", "[rue A]", "[hôtel B]", "[téléphone]") or, with
the "names" style, a French first name from Faker's fr_FR lists that keeps the
grammatical gender when it can be told (title, or the name's own list).
"""
from __future__ import annotations

import random
import string

from qualcode.pseudonymise.forms import fold

STYLES = ("labels", "names")
CONSTANT = {"téléphone": "[téléphone]", "courriel": "[courriel]", "adresse": "[adresse]",
            "code postal": "[code postal]", "âge": "[âge]", "date de naissance": "[date de naissance]"}
EPICENE = ["Camille", "Dominique", "Claude", "Alix", "Sacha", "Charlie", "Morgan", "Lou", "Maxime", "Eden",
           "Noa", "Andréa", "Ange", "Gaël", "Marion", "Yannick", "Loïc", "Jordan", "Louison", "Swann"]


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = string.ascii_uppercase[r] + out
    return out


def label_for(kind: str, subtype: str, used: list[str]) -> str:
    """The next free label of this kind: "[Prénom 3]", "[rue B]", "[lieu C]"."""
    if subtype in CONSTANT:
        return CONSTANT[subtype]
    if kind == "contact":
        return "[coordonnées]"
    if kind == "date":
        return "[âge]"
    if kind == "person":
        n = 1 + sum(1 for u in used if u.startswith("[Prénom "))
        while f"[Prénom {n}]" in used:
            n += 1
        return f"[Prénom {n}]"
    prefix = subtype if kind == "place" and subtype else ("structure" if kind == "org" else "lieu")
    n = sum(1 for u in used if u.startswith(f"[{prefix} "))
    while f"[{prefix} {_letters(n)}]" in used:
        n += 1
    return f"[{prefix} {_letters(n)}]"


def _first_names():
    from faker.providers.person.fr_FR import Provider

    return list(dict.fromkeys(Provider.first_names_male)), list(dict.fromkeys(Provider.first_names_female))


def gender_of(surface: str, hint: str = "") -> str:
    """M, F or '' (unknown): the title's hint, else the name's own Faker list."""
    if hint in ("M", "F"):
        return hint
    male, female = _first_names()
    first = fold(surface.split()[0]) if surface.split() else ""
    in_m = first in {fold(n) for n in male}
    in_f = first in {fold(n) for n in female}
    return "M" if in_m and not in_f else "F" if in_f and not in_m else ""


def name_for(gender: str, used: list[str], avoid: set[str], seed: int) -> str:
    """A French first name of that gender (epicene when unknown), not used yet
    and not one of the real forms (`avoid`, folded)."""
    male, female = _first_names()
    pool = male if gender == "M" else female if gender == "F" else EPICENE
    rng = random.Random(seed)
    choices = [n for n in pool if n not in used and fold(n) not in avoid]
    if not choices:
        return label_for("person", "", used)
    return rng.choice(choices)


def default_replacement(kind: str, subtype: str, style: str, used: list[str], *, surface: str = "",
                        gender: str = "", avoid: set[str] = frozenset(), seed: int = 0) -> str:
    if style == "names" and kind == "person":
        return name_for(gender_of(surface, gender), used, avoid, seed)
    return label_for(kind, subtype, used)


def fit_case(original: str, replacement: str) -> str:
    """Keep the case of a place keyword: "Rue de la Paix" (a sentence start, or a
    name like "Porte de la Chapelle") -> "[Rue A]", "rue de la Paix" -> "[rue A]";
    other labels and names keep their own case."""
    if not original or not replacement.startswith("[") or len(replacement) < 2:
        return replacement
    word = replacement[1:].split()[0] if replacement[1:].split() else ""
    if fold(original.split()[0]) == fold(word) and original[0].isupper():
        return "[" + replacement[1].upper() + replacement[2:]
    return replacement
