"""Precision, recall and F1 of predicted label sets against gold label sets:
per label (with Cohen's kappa over the units, gold and predictions as two
coders), micro (pooled counts) and macro (mean over labels). Pure functions."""
from __future__ import annotations


def _kappa(tp: int, fp: int, fn: int, n: int) -> float | None:
    from qualcode.agreement.stats import cohen_kappa_from_counts

    return cohen_kappa_from_counts(tp, fn, fp, n - tp - fp - fn).value


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if precision is None or recall is None or precision + recall == 0:
        f1 = 0.0 if (tp + fp) and (tp + fn) else None
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn,
            "support": tp + fn}


def evaluate(gold: list[set], predicted: list[set], labels=None) -> dict:
    """{"per_label": {label: prf}, "micro": prf, "macro": {...}} for the given labels
    (default: every label seen in gold or predictions). Macro averages the labels
    that have gold support; undefined figures are None, never NaN."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted must have the same number of units")
    if labels is None:
        labels = sorted(set().union(*gold, *predicted)) if gold else []
    counts = {label: [0, 0, 0] for label in labels}
    for g, p in zip(gold, predicted):
        for label in labels:
            if label in p and label in g:
                counts[label][0] += 1
            elif label in p:
                counts[label][1] += 1
            elif label in g:
                counts[label][2] += 1
    per_label = {label: _prf(*c) | {"kappa": _kappa(*c, len(gold))} for label, c in counts.items()}
    micro = _prf(*(sum(c[i] for c in counts.values()) for i in range(3)))
    supported = [m for m in per_label.values() if m["support"]]

    def mean(key):
        values = [m[key] if m[key] is not None else 0.0 for m in supported]
        return sum(values) / len(values) if values else None

    macro = {"precision": mean("precision"), "recall": mean("recall"), "f1": mean("f1"),
             "labels": len(supported)}
    return {"per_label": per_label, "micro": micro, "macro": macro}
