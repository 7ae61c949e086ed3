"""Reading agreement figures to decide: bands, flags, positive agreement, which
coder codes more, and whether the sample can bear a conclusion.

Pure functions over the figures of `qualcode.agreement.project` (a `Report`, its
`Figure`s) and plain counts. Bands: Landis & Koch (1977) for kappa; Krippendorff
(2004, p. 241) for alpha: α ≥ .800 reliable, .667 ≤ α < .800 tentative
conclusions only, below .667 not reliable.
"""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.6  # kappa under this: the code is flagged for review
KAPPA_BANDS = [(0.81, "quasi parfait"), (0.61, "substantiel"), (0.41, "modéré"), (0.21, "passable"),
               (0.0, "faible"), (float("-inf"), "désaccord")]  # Landis & Koch (1977), in French
ALPHA_BANDS = [(0.800, "fiable"), (0.667, "conclusions provisoires"), (float("-inf"), "non fiable")]
PARTIAL = 0.5  # a coder who coded under this share of the turns the other coded: partial coverage
SMALL_SAMPLE = 2  # transcripts compared: at most this many gets a warning
POSITIVE_NOTE = ("accord positif : part des unités codées par un codeur que l'autre a codées aussi "
                 "(2 × les deux ÷ (codées par A + codées par B)); le pourcentage d'accord brut compte le texte "
                 "que personne n'a codé et frôle 100 % pour tous les codes (il reste dans --json et --out)")


def kappa_band(value: float | None) -> str:
    if value is None:
        return "indéfini"
    return next(label for floor, label in KAPPA_BANDS if value >= floor)


def alpha_band(value: float | None) -> str:
    if value is None:
        return "indéfini"
    return next(label for floor, label in ALPHA_BANDS if value >= floor)


def flagged(value: float | None, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Below the threshold: to review (an undefined figure is not flagged: nothing to compare)."""
    return value is not None and value < threshold


def positive_agreement(counts, m: int) -> float | None:
    """Specific (positive) agreement: for two coders 2·both / (2·both + only A + only B);
    for m coders Σ_k h_k k(k-1) / Σ_k h_k k(m-1), h_k = units coded by exactly k coders
    (Uebersax 1982's generalisation). None when nobody coded anything."""
    hist = [0] * (m + 1)
    for pattern, n in enumerate(counts):
        hist[pattern.bit_count()] += int(n)
    denominator = sum(h * k * (m - 1) for k, h in enumerate(hist))
    return None if denominator == 0 else sum(h * k * (k - 1) for k, h in enumerate(hist)) / denominator


def direction(counts, coders: list[str]) -> tuple[str | None, int, int]:
    """For two coders: (who codes more or None, units only A coded, units only B coded)."""
    if len(coders) != 2:
        return None, 0, 0
    only_a, only_b = int(counts[1]), int(counts[2])
    if only_a == only_b:
        return None, only_a, only_b
    return (coders[0] if only_a > only_b else coders[1]), only_a, only_b


def who_codes_more(counts, coders: list[str], unit: str) -> str:
    """ "coder-b +638 car." ("=" when balanced, "" for 3+ coders)."""
    who, a, b = direction(counts, coders)
    if len(coders) != 2:
        return ""
    if who is None:
        return "="
    short = {"character": "car.", "segment": "seg."}.get(unit, unit)
    return f"{who} +{abs(a - b):,} {short}".replace(",", "\u202f")


@dataclass
class Coverage:
    """How much of a compared transcript each coder coded: turns (respondents' turns
    when the transcript has them) with at least one of their codings."""

    transcript: str
    turns: int
    coded: dict[str, int]
    finished: dict[str, bool]  # marked finished by each coder (qualcode done)

    @property
    def partial(self) -> list[str]:
        """Coders who coded under PARTIAL of what the most thorough coder coded,
        and did not mark the transcript finished."""
        most = max(self.coded.values(), default=0)
        return [c for c, n in self.coded.items() if most and n < PARTIAL * most and not self.finished.get(c)]

    def describe(self) -> str:
        return ", ".join(f"{c} {n}/{self.turns}" for c, n in self.coded.items())


def coverage(segments: dict[str, list[dict]], codings: list[dict], coders: list[str],
             finished: dict[str, set[str]] | None = None) -> list[Coverage]:
    """Per transcript (of `segments`): the turns each coder coded (see `Coverage`)."""
    finished = finished or {}
    out = []
    for tid, segs in segments.items():
        turns = [s for s in segs if s.get("role") == "respondent"] or segs
        coded = {}
        for coder in coders:
            spans = [(c["start"], c["end"]) for c in codings if c["transcript"] == tid and c["coder"] == coder]
            coded[coder] = sum(any(a < s["end"] and b > s["start"] for a, b in spans) for s in turns)
        out.append(Coverage(tid, len(turns), coded, {c: tid in finished.get(c, set()) for c in coders}))
    return out


def warnings(report, cover: list[Coverage], finished: dict[str, set[str]] | None = None) -> list[str]:
    """The lines a supervisor must read before the figures: partial coverage, a tiny
    sample, transcripts compared that their coders did not mark finished."""
    lines = []
    for c in cover:
        if c.partial:
            lines.append(f"{c.transcript}: coded only in part by {', '.join(c.partial)} (turns coded: "
                         f"{c.describe()}); mark finished transcripts with 'qualcode done' and use --finished-only")
    n = len(report.transcripts)
    if n <= SMALL_SAMPLE:
        lines.append(f"only {n} transcript{'s' if n > 1 else ''} compared: too small a sample to judge "
                     "a coder or a code (compare more transcripts before deciding)")
    if finished and any(finished.get(c) for c in report.coders):
        open_ = [t for t in report.transcripts if not all(t in finished.get(c, set()) for c in report.coders)]
        if open_:
            lines.append(f"{len(open_)} compared transcript(s) not marked finished by every coder: "
                         f"{', '.join(open_[:10])}{'…' if len(open_) > 10 else ''} (--finished-only leaves them out)")
    return lines
