"""What the model sees of a unit, and what it learns from the codebook's text.

A unit's features are lower-cased lemmas of its words and their bigrams, plus
its context with a prefix: `c:` the neighbouring units of the same turn, `q:`
the interviewer's last question before the turn, `t:` the whole turn. Measured
on the demo corpus (bench/assist_choices.py): the context lifts family F1 by
about .05 and leaf precision by about .10, because a short sentence window often
only makes sense with the question it answers.

The codebook gives examples too: each code's label, description, include
criteria, example and keywords are positives of that code; each exclude clause
("... (-> other/code)") is a negative of the code and a positive of the code it
points to. Pure functions over parsed docs (`Lemmas`).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

CONTEXT_PREFIXES = {"c:": "contexte", "q:": "question", "t:": "tour"}
_POINTER = re.compile(r"\(\s*->\s*([^)]+?)\s*\)")


@dataclass
class Example:
    """One training row: features, positive codes, codes it is a negative of
    (weighted more, like a reviewer's rejection), a weight, and its group (the
    transcript; None for codebook text) for cross-validation by transcript."""

    features: list[str]
    labels: set[str] = field(default_factory=set)
    negatives: set[str] = field(default_factory=set)
    weight: float = 1.0
    group: str | None = None


class Lemmas:
    """The word tokens of a parsed text (alphabetic, 2+ characters) with their
    offsets, sliced by character span. Keeps no reference to the Doc."""

    def __init__(self, doc):
        words = [t for t in doc if t.is_alpha and len(t) > 1]
        self.starts = [t.idx for t in words]
        self.lemmas = [t.lemma_.lower() for t in words]

    def between(self, start: int, end: int) -> list[str]:
        return self.lemmas[bisect_left(self.starts, start):bisect_left(self.starts, end)]


def ngrams(tokens: list[str]) -> list[str]:
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def unit_features(lemmas: Lemmas, units: list[dict], segments: list[dict], *, context: bool = True,
                  turn_context: bool = True) -> list[list[str]]:
    """Features of each unit of one transcript (see the module doc). `units` carry
    their segment's idx; `segments` are the transcript's turns in order.
    `context`: neighbours and question; `turn_context`: the whole turn."""
    position = {s["idx"]: i for i, s in enumerate(segments)}
    question: dict[int, list[str]] = {}
    last: list[str] = []
    for s in segments:
        if s["role"] == "interviewer":
            last = ["q:" + w for w in lemmas.between(s["start"], s["end"])]
        else:
            question[s["idx"]] = last
    own = [lemmas.between(u["start"], u["end"]) for u in units]
    turns: dict[int, list[str]] = {}
    out = []
    for i, u in enumerate(units):
        seg = u["segment"]
        features = ngrams(own[i])
        if not context:
            out.append(features)
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(units) and units[j]["segment"] == seg:
                features += ["c:" + w for w in own[j]]
        features += question.get(seg, [])
        if turn_context:
            if seg not in turns:
                s = segments[position[seg]]
                turns[seg] = ["t:" + w for w in lemmas.between(s["start"], s["end"])]
            features += turns[seg]
        out.append(features)
    return out


def codebook_texts(codes) -> list[tuple[str, str, str | None]]:
    """(code, text, target) for every piece of codebook text; target is None for
    positives, or the code an exclude clause points to ('' when it points nowhere)."""
    known = {c.id for c in codes}
    out = []
    for c in codes:
        for text in (c.label, c.description, c.include, c.example):
            if text and text.strip():
                out.append((c.id, text, None))
        if c.keywords:
            out.append((c.id, " ; ".join(c.keywords), None))
        for clause in re.split(r"\s*;\s*", c.exclude or ""):
            pointer = _POINTER.search(clause)
            text = _POINTER.sub("", clause).strip(" .")
            if text:
                target = pointer.group(1) if pointer and pointer.group(1) in known else ""
                out.append((c.id, text, target))
    return out


def codebook_examples(texts: list[tuple[str, str, str | None]], lemmas_of: dict[str, Lemmas], *,
                      weight: float = 1.0) -> list[Example]:
    """Training rows from `codebook_texts`, given each text's parsed lemmas."""
    out = []
    for code, text, target in texts:
        lem = lemmas_of[text]
        features = ngrams(lem.lemmas)
        if not features:
            continue
        if target is None:
            out.append(Example(features, {code}, set(), weight))
        else:
            out.append(Example(features, {target} if target else set(), {code}, weight))
    return out


def readable(feature: str) -> str:
    """A feature as a reviewer reads it: 'q:hôtel' -> 'hôtel (question)'."""
    for prefix, name in CONTEXT_PREFIXES.items():
        if feature.startswith(prefix):
            return f"{feature[len(prefix):]} ({name})"
    return feature
