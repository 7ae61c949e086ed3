"""The suggestion model: it learns, rejections weigh as negatives, a leaf's
score is smoothed by its family's, a unit gets its leaf or only its family, and
a fitted model survives its array serialisation (no pickle) unchanged."""
from __future__ import annotations

import numpy as np
import pytest

from qualcode.assist.features import Example, ngrams
from qualcode.assist.model import SuggestionModel, Vocabulary, decide

FAMILY = {"hotel/bugs": "hotel", "hotel/noise": "hotel", "money/tickets": "money"}
LEAVES = set(FAMILY)


def family_of(code):
    return FAMILY.get(code, code.split("/")[0])


def ex(text, labels=(), negatives=(), group="T1"):
    return Example(ngrams(text.split()), set(labels), set(negatives), 1.0, group)


EXAMPLES = ([ex("punaise chambre gratter nuit", ["hotel/bugs"])] * 6
            + [ex("bruit couloir nuit voisin", ["hotel/noise"])] * 6
            + [ex("ticket euro manger semaine", ["money/tickets"])] * 6
            + [ex("punaise ticket")] * 2 + [ex("rien de spécial ici")] * 4)


def test_learns_leaves_and_families_and_explains():
    model = SuggestionModel.fit(EXAMPLES, family_of, leaves=LEAVES)
    assert model.leaf_codes == ["hotel/bugs", "hotel/noise", "money/tickets"]
    assert model.family_codes == ["hotel", "money"]
    preds = model.predict([ngrams("les punaise dans la chambre".split()), ngrams("un ticket pour manger".split())])
    assert preds[0][0].code == "hotel/bugs" and preds[1][0].code == "money/tickets"
    assert "punaise" in preds[0][0].features


def test_leaf_score_is_smoothed_by_its_family():
    model = SuggestionModel.fit(EXAMPLES, family_of, leaves=LEAVES)
    X, Q, PF = model.scores([ngrams("punaise chambre".split())])
    PL = 1 / (1 + np.exp(-(X @ model.leaf_weights.T + model.leaf_intercepts)))
    j = model.leaf_codes.index("hotel/bugs")
    assert Q[0, j] == pytest.approx(np.sqrt(PL[0, j] * PF[0, model.family_codes.index("hotel")]))


def test_decide_leaf_family_or_nothing():
    Q = np.array([[0.9, 0.1], [0.3, 0.2], [0.1, 0.05]])
    top, level = decide(Q, np.array([0.5, 0.5]), 0.25)
    assert top.tolist() == [0, 0, 0] and level.tolist() == [2, 1, 0]
    # per-code thresholds: the same score passes one code's threshold and not another's
    top, level = decide(np.array([[0.4, 0.1], [0.1, 0.4]]), np.array([0.3, 0.5]), 0.9)
    assert level.tolist() == [2, 0]


def test_family_prediction_when_leaf_is_unsure():
    model = SuggestionModel.fit(EXAMPLES, family_of, leaves=LEAVES)
    model.thresholds = np.full(3, 0.99)
    model.family_threshold = 0.01
    pred = model.predict([ngrams("punaise chambre".split())])[0][0]
    assert (pred.code, pred.level) == ("hotel", "family")


def test_rejections_lower_the_score():
    plain = SuggestionModel.fit(EXAMPLES, family_of, leaves=LEAVES)
    taught = SuggestionModel.fit(EXAMPLES[:18] + [ex("punaise ticket", negatives=["hotel/bugs"])] * 2 + EXAMPLES[20:],
                                 family_of, leaves=LEAVES)
    probe = [ngrams("punaise ticket".split())]
    j = plain.leaf_codes.index("hotel/bugs")
    assert taught.scores(probe)[1][0, j] < plain.scores(probe)[1][0, j]


def test_round_trip_through_bytes_gives_identical_predictions():
    model = SuggestionModel.fit(EXAMPLES, family_of, leaves=LEAVES)
    model.thresholds = np.array([0.2, 0.3, 0.4])
    model.stats = {"hotel/bugs": {"kappa": 0.5}}
    data = model.to_bytes()
    assert b"pickle" not in data[:200]
    again = SuggestionModel.from_bytes(data)
    probe = [ngrams(t.split()) for t in ("punaise chambre", "bruit voisin", "rien à voir")]
    a, b = model.predict(probe), again.predict(probe)
    assert [[(p.code, p.features, p.level) for p in ps] for ps in a] == [[(p.code, p.features, p.level) for p in ps] for ps in b]
    assert [p.score for ps in a for p in ps] == pytest.approx([p.score for ps in b for p in ps], rel=1e-6)
    assert again.threshold_of("hotel/noise") == pytest.approx(0.3) and again.stats == model.stats


def test_vocabulary_matches_scikit_learn_and_probabilities_too():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [e.features for e in EXAMPLES]
    ours = Vocabulary.fit(rows, 2).transform(rows)
    ref = TfidfVectorizer(analyzer=lambda x: x, min_df=2, sublinear_tf=True).fit(rows)
    assert abs(ours - ref.transform(rows)).max() < 1e-9
    model = SuggestionModel.fit(EXAMPLES, family_of, leaves=LEAVES)
    y = [e.labels == {"money/tickets"} for e in EXAMPLES]
    lr = LogisticRegression(C=10, solver="liblinear", dual=True, tol=1e-6, class_weight="balanced").fit(ours, y)
    X = model.vocabulary.transform(rows)
    j = model.leaf_codes.index("money/tickets")
    PL = 1 / (1 + np.exp(-(X @ model.leaf_weights[j] + model.leaf_intercepts[j])))
    assert PL == pytest.approx(lr.predict_proba(ours)[:, 1], abs=0.02)
