"""Measured quality of suggestions: cross-validation by transcript against a coder.

For the model, `evaluate` reports leaf and family precision, recall and F1
(micro and macro) on sentence windows at the thresholds the model chooses (the
precision a reviewer sees), the same on whole turns, the cold-start score (the
codebook's text alone, no codings), and a learning curve (training on 2, 4, 8,
16 and all transcripts of each fold). Thresholds are chosen inside each
training fold, never on the transcripts scored. For the rules: the same
figures without training.
"""
from __future__ import annotations

import random
import resource

from qualcode.assist import metrics
from qualcode.assist import units as unit_ops
from qualcode.errors import QualcodeError

CURVE = (2, 4, 8, 16)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def score(gold: list[set[str]], predicted: list[set[str]], hierarchy) -> dict:
    """Leaf and family figures of predicted code sets (leaves or families) against gold."""
    h = hierarchy
    gold_leaf = [{c for c in g if c in h.leaves} for g in gold]
    gold_fam = [{h.family_of(c) for c in g} for g in gold]
    pred_leaf = [{c for c in p if c in h.leaves} for p in predicted]
    pred_fam = [{h.family_of(c) for c in p} for p in predicted]
    return {"leaf": metrics.evaluate(gold_leaf, pred_leaf, sorted(set().union(*gold_leaf))),
            "family": metrics.evaluate(gold_fam, pred_fam, sorted(set().union(*gold_fam)))}


def crossfit(examples, codebook, hierarchy, folds: int, *, size: int | None = None, seed: int = 0, fit=None,
             **options):
    """Predicted code sets for every example, each by a model trained on the other
    folds' transcripts (all of them, or `size` of them drawn at random) and the
    codebook. `fit(examples)` trains (default: `training.train` with `options`).
    Returns (predictions, the models' leaf thresholds, family thresholds)."""
    from qualcode.assist import training

    fit = fit or (lambda ex: training.train(ex, hierarchy.family_of, leaves=hierarchy.leaves, **options))
    tids = sorted({e.group for e in examples})
    predicted: list[set[str] | None] = [None] * len(examples)
    leaf_t, fam_t = [], []
    for k, fold in enumerate(training.folds_of(tids, folds)):
        train_tids = [t for t in tids if t not in fold]
        if size is not None:
            train_tids = random.Random(seed + k).sample(train_tids, min(size, len(train_tids)))
        chosen = set(train_tids)
        model = fit([e for e in examples if e.group in chosen] + codebook)
        rows = [i for i, e in enumerate(examples) if e.group in fold]
        for i, preds in zip(rows, model.predict([examples[i].features for i in rows], explain=False)):
            predicted[i] = {p.code for p in preds}
        leaf_t += [float(x) for x in model.thresholds]
        fam_t.append(model.family_threshold)
    return predicted, leaf_t, fam_t


def _median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else None


def evaluate(project, coder: str, *, folds: int = 5, method: str = "model", progress=None, spacy_model=None,
             curve=True, turns=True, cold=True, options=None) -> dict:
    """Cross-validation by transcript against `coder`'s codings (see the module doc)."""
    from qualcode.assist import training
    from qualcode.assist.suggest import Corpus, Hierarchy, _cached, _coded_transcripts, _keywords, unit_examples

    started = _cpu()
    tids = _coded_transcripts(project, coder)
    if len(tids) < 2:
        raise QualcodeError(f"coder '{coder}' has coded {len(tids)} transcript(s); need at least 2")
    folds = max(2, min(folds, len(tids)))
    h = Hierarchy(project.codes())
    corpus = Corpus(project, tids, progress=progress, spacy_model=spacy_model, codebook=method == "model",
                    keywords=_keywords(project) if method == "rules" else ())
    examples = unit_examples(project, corpus, coder, tids)
    gold = [e.labels for e in examples]
    result = {"coder": coder, "method": method, "folds": folds, "transcripts": len(tids), "units": len(examples),
              "spacy_model": corpus.pipeline.model}
    if method == "rules":
        found = rule_predictions(project, corpus, tids)
        result |= score(gold, found, h)
        result["precision_at_threshold"] = result["leaf"]["micro"]["precision"]
        result["cpu_seconds"] = round(_cpu() - started, 1)
        return result
    codebook = corpus.codebook_examples()
    options = options or {}
    # cached like `suggest`'s models: `suggest --blind` after this reuses the same fold models
    cached = lambda ex: _cached(project, corpus, ["train", options], ex,  # noqa: E731
                                lambda e: training.train(e, h.family_of, leaves=h.leaves, **options))
    predicted, leaf_t, fam_t = crossfit(examples, codebook, h, folds, fit=cached)
    result |= score(gold, predicted, h)
    result["precision_at_threshold"] = result["leaf"]["micro"]["precision"]
    result["thresholds"] = {"leaf_median": _median(leaf_t), "leaf_min": min(leaf_t, default=None),
                            "leaf_max": max(leaf_t, default=None), "family_median": _median(fam_t)}
    if turns:
        turn_corpus = Corpus(project, tids, spacy_model=spacy_model, codebook=True, unit="turn")
        turn_examples = unit_examples(project, turn_corpus, coder, tids)
        turn_pred, _, _ = crossfit(turn_examples, codebook, h, folds, **options)
        result["turns"] = {"units": len(turn_examples)} | score([e.labels for e in turn_examples], turn_pred, h)
    if cold:
        result["cold"] = cold_score(examples, codebook, h, gold)
    if curve:
        points = []
        for size in [n for n in CURVE if n < len(tids) - len(tids) // folds]:
            sized, _, _ = crossfit(examples, codebook, h, folds, size=size, **options)
            points.append(_point(size, score(gold, sized, h)))
        points.append(_point(len(tids) - len(tids) // folds, result, label="all"))
        result["curve"] = points
    result["cpu_seconds"] = round(_cpu() - started, 1)
    return result


def _point(size, figures, label=None) -> dict:
    leaf, fam = figures["leaf"], figures["family"]
    return {"transcripts": label or size, "train_transcripts": size, "leaf_macro_f1": leaf["macro"]["f1"],
            "leaf_micro_f1": leaf["micro"]["f1"], "leaf_precision": leaf["micro"]["precision"],
            "family_macro_f1": fam["macro"]["f1"]}


def cold_score(examples, codebook, hierarchy, gold) -> dict:
    """The model from the codebook's text alone (taught on the units, never on
    their codes), scored against the coder on every unit."""
    from qualcode.assist import training

    rows = [e.features for e in examples]
    model = training.train_cold(codebook, rows, hierarchy.family_of, leaves=hierarchy.leaves)
    predicted = [{p.code for p in ps} for ps in model.predict(rows, explain=False)]
    return score(gold, predicted, hierarchy)


def rule_predictions(project, corpus, tids) -> list[set[str]]:
    """The keyword rules' codes per unit of `tids`, in unit order."""
    from qualcode.assist.suggest import rule_suggestions

    found = rule_suggestions(project, corpus, tids)
    out = []
    for t in tids:
        index = {(u["start"], u["end"]): i for i, u in enumerate(corpus.units[t])}
        sets = [set() for _ in corpus.units[t]]
        for s in found[t]:
            sets[index[(s["start"], s["end"])]].add(s["code"])
        out += sets
    return out


def rule_stats(project, corpus, coder: str, tids) -> dict:
    """Per code: the rules' figures (kappa included) against `coder` on `tids`."""
    from qualcode.assist.suggest import Hierarchy

    h = Hierarchy(project.codes())
    gold = [g for t in tids for g in unit_ops.label_units(corpus.units[t], project.store.codings(transcript=t, coder=coder))]
    predicted = rule_predictions(project, corpus, tids)
    figures = score(gold, predicted, h)
    leaf = {c: m for c, m in figures["leaf"]["per_label"].items()}
    return leaf | figures["family"]["per_label"]
