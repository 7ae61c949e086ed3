"""Combining detectors: the allow-list filter, overlap resolution, and the
propagation of a known surface form to all its occurrences.

Overlaps: contacts win (an e-mail holds a name), then the project list over
patterns, patterns over NER, and within a source the longer span wins ("12 rue X, 75018 Paris" over "rue X"); the spans
it absorbs add their source and raise its score (noisy-or).
"""
from __future__ import annotations

from qualcode.pseudonymise.forms import capitalised, form_key, occurrences
from qualcode.pseudonymise.patterns import PLACE_WORDS, Candidate

PRIORITY = {"list": 3, "pattern": 2, "ner": 1, "form": 0}
TRUSTED = ("list",)  # sources that may propose an allow-listed word ("Madame Aurore" also: title pattern)


def allowed(cand: Candidate, allow: set[str]) -> bool:
    """True when the allow-list keeps this candidate out: its form, or for a place
    the name after its keyword ("hôtel Assore"). A name after a title or from the
    project list is a person even when the word is allow-listed ("Madame Aurore")."""
    if cand.source in TRUSTED or (cand.source == "pattern" and cand.kind == "person"):
        return False
    key = form_key(cand.text)
    if key in allow:
        return True
    first, _, rest = key.partition(" ")
    if cand.kind == "place" and first in {form_key(w) for w in PLACE_WORDS}:
        for particle in ("de la ", "de l'", "du ", "des ", "de ", "d'", "la ", "le ", "les ", "l'"):
            if rest.startswith(particle):
                rest = rest[len(particle):]
                break
        return rest in allow
    return False


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.start < b.end and b.start < a.end


def combine(cands: list[Candidate], allow: set[str]) -> list[Candidate]:
    """Non-overlapping candidates, in text order, without allow-listed ones."""
    ordered = sorted((c for c in cands if not allowed(c, allow)),
                     key=lambda c: (c.kind != "contact", -PRIORITY.get(c.source, 0), -(c.end - c.start), c.start))
    kept: list[Candidate] = []
    for cand in ordered:
        hit = next((k for k in kept if _overlaps(k, cand)), None)
        if hit is None:
            kept.append(Candidate(**vars(cand)))
        elif cand.source not in hit.source.split("+"):
            hit.source += "+" + cand.source
            hit.score = round(1 - (1 - hit.score) * (1 - cand.score), 3)
            hit.subtype = hit.subtype or cand.subtype
    return sorted(kept, key=lambda c: c.start)


def propagate(text: str, forms: dict[str, dict], present: list[Candidate]) -> list[Candidate]:
    """Candidates for every occurrence of known forms (key -> {kind, score,
    lexical, subtype}) that no present candidate covers. A form that is also a
    common word ("Claire") only reaches capitalised occurrences inside a sentence;
    ages are never propagated."""
    from qualcode.pseudonymise.ner import sentence_initial

    out = []
    for start, end, key in occurrences(text, forms):
        form = forms[key]
        if form.get("kind") == "date":
            continue  # "soixante ans" said of someone else is not that person's age
        if form.get("lexical") and (not capitalised(text[start:end]) or sentence_initial(text, start)):
            continue  # proposals only: a common word at a sentence start is most often that word
        if any(c.start < end and start < c.end for c in present):
            continue
        out.append(Candidate(start, end, text[start:end], form["kind"], "form",
                             round(form["score"] * 0.9, 3), form.get("subtype", "")))
    return out
