"""Training the suggestion model, with what cross-validation decides.

- `train`: fit on a coder's units plus the codebook's text; an inner
  cross-validation by transcript (3 folds) scores every training unit with a
  model that did not see its transcript, and from those scores come the leaf
  threshold (one per code, halfway between the code's best and the global
  best; "best": the best F1 whose precision reaches 0.60, so that most of what
  a reviewer is shown is right), the family threshold (best F1), and each
  code's cross-validated precision, recall, F1 and Cohen's kappa against the
  coder (`--only-reliable` reads them).
- `train_cold`: no codings yet. Fit on the codebook's text alone, then teach
  itself twice on the 30 % of the corpus' units it is surest of (their
  context features are what the codebook cannot give); suggest on the 60 % of
  units it scores highest.
Pure functions of examples; numpy and scikit-learn only.
"""
from __future__ import annotations

from qualcode.assist.features import Example
from qualcode.assist.model import SuggestionModel, decide

INNER_FOLDS = 3
SHRINK = 0.5  # per-code threshold = (1 - SHRINK) * code's best + SHRINK * global best
MIN_SUPPORT = 3  # a code needs this many gold units to get its own threshold
MIN_PRECISION = 0.6  # thresholds: best F1 among those whose cross-validated precision reaches this
COLD_C = 1.0
COLD_ROUNDS = 2
COLD_SHARE = 0.3
COLD_COVERAGE = 0.6


def grid():
    import numpy as np

    return np.round(np.arange(0.15, 0.91, 0.05), 2)


def folds_of(groups, k: int) -> list[list[str]]:
    """Groups (transcripts) into k folds, in sorted order, round robin."""
    ordered = sorted(set(groups))
    k = max(1, min(k, len(ordered)))
    return [[g for i, g in enumerate(ordered) if i % k == j] for j in range(k)]


def _f1(tp, n_pred, n_gold) -> float:
    return 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0


def out_of_fold(examples: list[Example], family_of, leaves: set[str], leaf_codes: list[str], k: int, **fit):
    """Leaf scores (columns: leaf_codes) of every grouped example by a model fitted
    without its group; ungrouped examples (codebook text) are always trained on.
    Returns (indices of the grouped examples, scores)."""
    import numpy as np

    grouped = [i for i, e in enumerate(examples) if e.group is not None]
    column = {c: j for j, c in enumerate(leaf_codes)}
    Q = np.zeros((len(grouped), len(leaf_codes)))
    position = {i: r for r, i in enumerate(grouped)}
    for fold in folds_of([examples[i].group for i in grouped], k):
        held = set(fold)
        model = SuggestionModel.fit([e for e in examples if e.group not in held], family_of, leaves=leaves, **fit)
        rows = [i for i in grouped if examples[i].group in held]
        _, q, _ = model.scores([examples[i].features for i in rows])
        cols = [column[c] for c in model.leaf_codes]
        Q[np.ix_([position[i] for i in rows], cols)] = q
    return grouped, Q


def _pick(tps, predicted, n_gold, min_precision=None) -> float:
    """The grid threshold with the best F1 (among those reaching `min_precision`
    when given; the highest threshold when none does)."""
    f1 = [_f1(tp, n, n_gold) for tp, n in zip(tps, predicted)]
    candidates = range(len(f1))
    if min_precision is not None:
        candidates = [i for i in candidates if predicted[i] and tps[i] / predicted[i] >= min_precision]
        if not candidates:
            return float(grid()[-1])
    return float(grid()[max(candidates, key=lambda i: (f1[i], -i))])


def choose_thresholds(Q, gold: list[set[str]], fam_gold: list[set[str]], leaf_codes: list[str],
                      leaf_families: list[str], *, shrink=SHRINK, per_code=True, min_precision=None):
    """(per-leaf thresholds, global leaf threshold, family threshold) maximizing F1
    of the decisions on out-of-fold scores Q against gold code and family sets
    (leaf thresholds: under a precision floor when `min_precision` is given)."""
    import numpy as np

    top = Q.argmax(axis=1)
    best = Q[np.arange(len(Q)), top]
    hit = np.array([leaf_codes[t] in g for t, g in zip(top, gold)])
    n_gold = sum(len({c for c in g if c in set(leaf_codes)}) for g in gold)
    passes = [best >= t for t in grid()]
    global_t = _pick([(hit & p).sum() for p in passes], [p.sum() for p in passes], n_gold, min_precision)
    thresholds = np.full(len(leaf_codes), global_t)
    if per_code:
        for j, code in enumerate(leaf_codes):
            support = sum(code in g for g in gold)
            if support < MIN_SUPPORT:
                continue
            mine = top == j
            own = _pick([(mine & hit & p).sum() for p in passes], [(mine & p).sum() for p in passes], support,
                        min_precision)
            thresholds[j] = (1 - shrink) * own + shrink * global_t
    fam_hit = np.array([leaf_families[t] in g for t, g in zip(top, fam_gold)])
    n_fam = sum(len(g) for g in fam_gold)
    leaf_pass = best >= thresholds[top]
    family_scores = [_f1((fam_hit & (leaf_pass | (best >= t))).sum(), (leaf_pass | (best >= t)).sum(), n_fam)
                     for t in grid()]
    return thresholds, global_t, float(grid()[int(np.argmax(family_scores))])


def code_stats(Q, gold: list[set[str]], fam_gold: list[set[str]], leaf_codes: list[str], leaf_families: list[str],
               thresholds, family_threshold: float) -> dict:
    """Per code (leaves and families): precision, recall, F1, Cohen's kappa and
    support of the decisions against gold, units as the unit of agreement."""
    from qualcode.assist import metrics

    top, level = decide(Q, thresholds, family_threshold)
    predicted = [({leaf_codes[t]} if lv == 2 else set()) | ({leaf_families[t]} if lv >= 1 else set())
                 for t, lv in zip(top, level)]
    truth = [set(g) | f for g, f in zip(gold, fam_gold)]
    per_label = metrics.evaluate(truth, predicted, list(leaf_codes) + sorted(set(leaf_families)))["per_label"]
    return {code: {k: m[k] for k in ("precision", "recall", "f1", "kappa", "support")} | {"predicted": m["tp"] + m["fp"]}
            for code, m in per_label.items()}


def train(examples: list[Example], family_of, *, leaves: set[str], inner_folds: int = INNER_FOLDS,
          per_code: bool = True, shrink: float = SHRINK, min_precision: float | None = MIN_PRECISION) -> SuggestionModel:
    """The model fitted on all examples, with thresholds and per-code figures from
    an inner cross-validation by group when there are 2 groups or more."""
    model = SuggestionModel.fit(examples, family_of, leaves=leaves)
    groups = {e.group for e in examples if e.group is not None}
    model.info = {"units": sum(e.group is not None for e in examples), "transcripts": len(groups),
                  "codebook_examples": sum(e.group is None for e in examples), "cold": False, "cv_folds": 0}
    if len(groups) < 2 or not model.leaf_codes:
        return model
    k = min(inner_folds, len(groups))
    rows, Q = out_of_fold(examples, family_of, leaves, model.leaf_codes, k)
    gold = [examples[i].labels for i in rows]
    fam_gold = [{family_of(c) for c in g} for g in gold]
    families = [family_of(c) for c in model.leaf_codes]
    model.thresholds, global_t, model.family_threshold = choose_thresholds(
        Q, gold, fam_gold, model.leaf_codes, families, per_code=per_code, shrink=shrink, min_precision=min_precision)
    model.stats = code_stats(Q, gold, fam_gold, model.leaf_codes, families, model.thresholds, model.family_threshold)
    model.info |= {"cv_folds": k, "global_threshold": global_t}
    return model


def train_cold(codebook: list[Example], rows: list[list[str]], family_of, *, leaves: set[str],
               rounds: int = COLD_ROUNDS, share: float = COLD_SHARE, coverage: float = COLD_COVERAGE) -> SuggestionModel:
    """A model from the codebook's text alone, taught on its surest units (see the module doc)."""
    import numpy as np

    model = SuggestionModel.fit(codebook, family_of, leaves=leaves, C=COLD_C, min_df=1)
    if not model.leaf_codes:
        return model
    for _ in range(rounds if rows else 0):
        _, Q, _ = model.scores(rows)
        top, best = Q.argmax(axis=1), Q.max(axis=1)
        cut = np.quantile(best, 1 - share)
        taught = [Example(rows[i], {model.leaf_codes[top[i]]}, set(), 0.5) for i in np.flatnonzero(best >= cut)]
        model = SuggestionModel.fit(codebook + taught, family_of, leaves=leaves, C=COLD_C, min_df=1)
    if rows:
        _, Q, _ = model.scores(rows)
        cut = float(np.quantile(Q.max(axis=1), 1 - coverage))
        model.thresholds = np.full(len(model.leaf_codes), cut)
        model.family_threshold = cut
    model.info = {"units": 0, "transcripts": 0, "codebook_examples": len(codebook), "cold": True,
                  "cv_folds": 0, "taught_on": len(rows)}
    return model
