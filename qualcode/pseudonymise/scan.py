"""`scan`: run the detectors over a project's transcripts and store the
candidates, grouped by surface form, apart from everything else (like
suggestions). Decisions already taken on a form are kept across scans.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from qualcode.pseudonymise import patterns
from qualcode.pseudonymise.combine import PRIORITY, combine, propagate
from qualcode.pseudonymise.forms import capitalised, form_key
from qualcode.pseudonymise.lists import (DEFAULT_ALLOW, attribute_names, list_candidates, speaker_names)
from qualcode.pseudonymise.patterns import Candidate

DETECTORS = ("ner", "pattern", "list")


@dataclass
class ScanReport:
    transcripts: int = 0
    parsed: int = 0
    candidates: int = 0
    forms: int = 0
    by_kind: dict = field(default_factory=dict)
    by_source: dict = field(default_factory=dict)


def allow_keys(store) -> set[str]:
    """The project's allow-list (a new project starts from DEFAULT_ALLOW)."""
    rows = store.pseudonym_words("allow")
    if not rows and store.get_meta("pseudonym_allow_seeded") is None:
        return {form_key(w) for w in DEFAULT_ALLOW}
    return {r["key"] for r in rows}


def seed_allow(store, actor: str) -> None:
    """Write the default allow-list into the project once, so it can be edited."""
    if store.get_meta("pseudonym_allow_seeded") is None:
        for word in DEFAULT_ALLOW:
            store.add_pseudonym_word("allow", form_key(word), word, "", actor)
        store.set_meta("pseudonym_allow_seeded", "1")


def project_names(store) -> dict[str, str]:
    """The project list: form key -> kind, from speaker names, name attributes
    (interviewer...) and the names the user added."""
    names: dict[str, str] = {}
    for tid in store.transcript_ids():
        found = speaker_names({s["speaker"] for s in store.segments(tid)}) | attribute_names(store.attributes(tid))
        for name in found:
            names[form_key(name)] = "person"
    for row in store.pseudonym_words("names"):
        names[row["key"]] = row["kind"] or "person"
    return names


def lexical_form(surface: str) -> bool:
    from qualcode.pseudonymise.ner import is_lexical

    words = surface.split()
    return len(words) == 1 and is_lexical(words[0])


def detect(text: str, segments: list[dict], *, names: dict[str, str], allow: set[str], ner=None,
           detectors=DETECTORS) -> list[Candidate]:
    """Combined candidates of one text (before propagation of forms)."""
    from qualcode.pseudonymise.ner import ner_candidates

    cands: list[Candidate] = []
    if "pattern" in detectors:
        cands += patterns.detect(text)
    if "list" in detectors:
        cands += [c for c in list_candidates(text, names)
                  if capitalised(c.text) or not lexical_form(c.text)]
    if "ner" in detectors and ner is not None:
        cands += ner_candidates(ner, text, segments)
    return combine(cands, allow)


def known_forms(cands_by_transcript: dict[str, list[Candidate]], store, allow: set[str]) -> dict[str, dict]:
    """Forms to propagate: those found now and those accepted before."""
    forms: dict[str, dict] = {}
    for cands in cands_by_transcript.values():
        best: dict[str, float] = {}
        for c in sorted(cands, key=lambda c: -PRIORITY.get(c.source.split("+")[0], 0)):
            key = form_key(c.text)
            if key in allow or not key:
                continue
            forms.setdefault(key, {"kind": c.kind, "score": 0.0, "subtype": c.subtype, "surface": c.text})
            best[key] = max(best.get(key, 0.0), c.score)
        for key, score in best.items():  # found again in another interview: more likely a name (noisy-or)
            forms[key]["score"] = round(1 - (1 - forms[key]["score"]) * (1 - score), 3)
    for row in store.pseudonym_forms():
        if row["status"] == "accepted" and not row["key"].startswith(("h:", "t:")) and row["key"] not in allow:
            forms.setdefault(row["key"], {"kind": row["kind"], "score": row["score"], "subtype": row["subtype"],
                                          "surface": row["surface"]})
    for key, form in forms.items():
        form["lexical"] = lexical_form(form["surface"])
    return forms


def scan(project, transcripts=None, *, model: str = "sm", detectors=DETECTORS, actor: str,
         progress=None) -> ScanReport:
    from qualcode.errors import QualcodeError
    from qualcode.pseudonymise.ner import NerDetector

    store = project.store
    unknown = [d for d in detectors if d not in DETECTORS]
    if unknown or not detectors:
        raise QualcodeError(f"unknown detector '{(unknown or [''])[0]}' ({', '.join(DETECTORS)})")
    ids = list(transcripts) if transcripts else store.transcript_ids()
    for tid in ids:
        project.transcript(tid)
    allow = allow_keys(store)
    names = {k: v for k, v in project_names(store).items() if k not in allow}  # "Monsieur Paris": by title only
    ner = NerDetector(store, model, progress) if "ner" in detectors else None
    texts = {t: store.transcript(t)["text"] for t in ids}
    found = {t: detect(texts[t], store.segments(t), names=names, allow=allow, ner=ner, detectors=detectors)
             for t in ids}
    forms = known_forms(found, store, allow)
    for tid in ids:
        found[tid] = sorted(found[tid] + propagate(texts[tid], forms, found[tid]), key=lambda c: c.start)
    report = ScanReport(transcripts=len(ids), parsed=ner.parsed if ner else 0)
    kinds, sources = Counter(), Counter()
    with store.transaction():
        seed_allow(store, actor)
        form_ids: dict[str, int] = {}
        for tid in ids:
            store.delete_scanned_candidates(tid)
            rows = []
            for c in found[tid]:
                key = form_key(c.text)
                form = forms.get(key, {"kind": c.kind, "score": c.score, "subtype": c.subtype,
                                       "surface": c.text, "lexical": False})
                if key not in form_ids:
                    form_ids[key] = store.upsert_pseudonym_form(key, form["surface"], form["kind"],
                                                                form["subtype"], form["score"], form["lexical"])
                rows.append({"transcript": tid, "form_id": form_ids[key], "start": c.start, "end": c.end,
                             "text": c.text, "kind": c.kind, "source": c.source, "score": c.score})
                kinds[c.kind] += 1
                sources[c.source] += 1
            store.insert_pseudonym_candidates(rows)
        store.delete_orphan_pseudonym_forms()
        report.candidates = sum(kinds.values())
        report.forms = len(form_ids)
        report.by_kind, report.by_source = dict(kinds), dict(sources)
        store.record(actor, "pseudonym.scan", "transcripts:" + ",".join(ids[:20]) + ("…" if len(ids) > 20 else ""),
                     None, {"model": model if ner else None, "detectors": list(detectors),
                            "candidates": report.candidates, "forms": report.forms})
    return report
