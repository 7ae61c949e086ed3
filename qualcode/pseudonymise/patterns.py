"""Pattern detectors (no model): contacts (phones, e-mails, postal addresses,
postcodes), places introduced by a keyword ("rue …", "hôtel …", "métro …"),
names after a title ("Monsieur Fabrice", "Mme Diallo") and exact ages or dates
of birth tied to a person ("j'ai quarante-sept ans", "née le 3 mars 1980").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("person", "place", "org", "contact", "date")


@dataclass
class Candidate:
    start: int
    end: int
    text: str
    kind: str
    source: str
    score: float
    subtype: str = ""  # place: rue, hôtel...; contact: téléphone, courriel...; person: M/F gender hint

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


_CAP = r"[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ][\w'’-]*"
_PARTICLE = r"(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’]|la\s+|le\s+|les\s+|l['’])"
_NAME = rf"{_CAP}(?:[ -](?:{_PARTICLE})?{_CAP})*"
TITLES = {"monsieur": "M", "m.": "M", "mr": "M", "madame": "F", "mme": "F", "mademoiselle": "F",
          "mlle": "F", "docteur": "", "dr": "", "maître": "", "me": ""}
_TITLE = re.compile(r"(?<![\w.])(Monsieur|Madame|Mademoiselle|Docteur|Maître|M\.|Mr\.?|Mme\.?|Mlle\.?|Dr\.?)"
                    rf"\s+({_CAP}(?:\s+{_CAP})?)")
PLACE_WORDS = {"rue": "rue", "avenue": "avenue", "av.": "avenue", "boulevard": "boulevard", "bd": "boulevard",
               "place": "place", "square": "square", "impasse": "rue", "allée": "rue", "passage": "rue",
               "quai": "quai", "cours": "rue", "villa": "rue", "cité": "cité", "porte": "porte",
               "gare": "gare", "station": "métro", "métro": "métro", "hôtel": "hôtel", "hotel": "hôtel",
               "jardin": "jardin", "jardins": "jardin", "parc": "parc", "résidence": "résidence",
               "foyer": "foyer", "église": "lieu", "mosquée": "lieu", "hôpital": "hôpital", "clinique": "hôpital"}
_PLACE_WORD = "|".join(sorted((re.escape(w) for w in PLACE_WORDS), key=len, reverse=True))
_PLACE = re.compile(rf"(?<![\w])(?i:({_PLACE_WORD}))\s+(?:{_PARTICLE})?({_NAME})")
_STREET_NO = re.compile(rf"(?<![\w])(\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?i:rue|avenue|boulevard|bd|place|impasse|allée|quai|passage|cours)"
                        rf"\s+(?:{_PARTICLE})?{_NAME}(?:,?\s+\d{{5}}(?:\s+{_CAP}(?:-{_CAP})*)?)?)")
_PHONE = re.compile(r"(?<![\w+])(?:\+33\s?\(?0?\)?\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?<![.])")
_POSTCODE = re.compile(rf"(?<![\w])((?:75|77|78|91|92|93|94|95)\d{{3}})(?:\s+({_CAP}(?:-{_CAP})*))?(?![\w])")
_UNITS = ("un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
          "dix-sept|dix-huit|dix-neuf")
_TENS = "vingt|trente|quarante|cinquante|soixante|soixante-dix|quatre-vingts?|quatre-vingt-dix"
_NUMBER = rf"(?:\d{{1,3}}|(?:{_TENS})(?:(?:-et-|\s+et\s+|-)(?:{_UNITS}))?|{_UNITS})"
_AGE_VERB = re.compile(rf"(?i:\b(?:j['’]ai|il a|elle a|j['’]avais|il avait|elle avait|âgée? de|qui a)\s+)"
                       rf"((?i:{_NUMBER})\s+ans)(?!\s+(?:de|d['’]|à|au|en|dans|que|qu['’]|sans|déjà|plus))",)
_AGE_APPOSED = re.compile(rf"{_TITLE.pattern}\s*[,.]\s+((?i:{_NUMBER})\s+ans)(?=\s*[,.;)])")
_MONTHS = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
_BIRTH = re.compile(rf"(?i:\bnée?s?\s+(?:le|en)\s+)((?i:\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\s+)?(?:19|20)\d\d|"
                    rf"\d{{1,2}}/\d{{1,2}}/(?:19|20)?\d\d)")


def title_names(text: str) -> list[Candidate]:
    """The name after a title; the title itself stays in the text ("Monsieur [Prénom 3]")."""
    out = []
    for m in _TITLE.finditer(text):
        title = m.group(1).lower().rstrip(".") if m.group(1).lower() not in ("m.",) else "m."
        out.append(Candidate(m.start(2), m.end(2), m.group(2), "person", "pattern", 0.9,
                             TITLES.get(title, TITLES.get(title + ".", ""))))
    return out


def places(text: str) -> list[Candidate]:
    """A place keyword and the capitalised name after it: "rue de la Chapelle",
    "hôtel Bellevue", "porte de la Villette", "métro Stalingrad"."""
    out = []
    for m in _PLACE.finditer(text):
        word = m.group(1).lower()
        if word in ("place", "cours", "passage", "foyer", "station", "porte", "gare") and m.group(1)[0].islower() \
                and not re.match(rf"\s+{_PARTICLE}?[A-ZÀ-Ý]", text[m.end(1):m.end()]):
            continue
        out.append(Candidate(m.start(), m.end(), m.group(0), "place", "pattern", 0.85, PLACE_WORDS[word]))
    return out


def contacts(text: str) -> list[Candidate]:
    out = [Candidate(m.start(), m.end(), m.group(0), "contact", "pattern", 0.95, "adresse")
           for m in _STREET_NO.finditer(text)]
    out += [Candidate(m.start(), m.end(), m.group(0), "contact", "pattern", 0.95, "téléphone")
            for m in _PHONE.finditer(text)]
    out += [Candidate(m.start(), m.end(), m.group(0), "contact", "pattern", 0.95, "courriel")
            for m in _EMAIL.finditer(text)]
    for m in _POSTCODE.finditer(text):
        if m.group(2) or m.group(1).startswith("75"):
            end = m.end(2) if m.group(2) else m.end(1)
            out.append(Candidate(m.start(1), end, text[m.start(1):end], "contact", "pattern", 0.8, "code postal"))
    return out


def ages(text: str) -> list[Candidate]:
    out = [Candidate(m.start(1), m.end(1), m.group(1), "date", "pattern", 0.7, "âge")
           for m in _AGE_VERB.finditer(text)]
    out += [Candidate(m.start(3), m.end(3), m.group(3), "date", "pattern", 0.8, "âge")
            for m in _AGE_APPOSED.finditer(text)]
    out += [Candidate(m.start(1), m.end(1), m.group(1), "date", "pattern", 0.9, "date de naissance")
            for m in _BIRTH.finditer(text)]
    return out


def detect(text: str) -> list[Candidate]:
    """Every pattern candidate in `text` (may overlap; `combine` resolves)."""
    return title_names(text) + places(text) + contacts(text) + ages(text)
