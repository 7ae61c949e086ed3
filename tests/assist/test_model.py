"""The classifier: it learns, rejections weigh as negatives, and a fitted model
survives its array serialisation (no pickle) with identical predictions."""
from __future__ import annotations

import pytest

from qualcode.assist.model import CodeClassifier

TEXTS = (["punaise chambre gratter nuit"] * 6 + ["ticket euro manger semaine"] * 6
         + ["éduc visite passer quinze jour"] * 6 + ["punaise ticket"] * 2)
LABELS = [{"hotel"}] * 6 + [{"tickets"}] * 6 + [{"visits"}] * 6 + [set(), set()]


def test_learns_and_ranks():
    clf = CodeClassifier(threshold=0.5, top_k=2).fit(TEXTS, LABELS)
    preds = clf.predict(["les punaise dans la chambre", "un ticket pour manger"])
    assert preds[0][0].code == "hotel" and preds[1][0].code == "tickets"
    assert "punaise" in preds[0][0].features


def test_rejections_lower_the_score():
    plain = CodeClassifier(threshold=0.0).fit(TEXTS, LABELS)
    negatives = [set()] * 18 + [{"hotel"}, {"hotel"}]  # "punaise ticket" was rejected as hotel
    taught = CodeClassifier(threshold=0.0).fit(TEXTS, LABELS, negatives)
    before = {p.code: p.score for p in plain.predict(["punaise ticket"], explain=False)[0]}
    after = {p.code: p.score for p in taught.predict(["punaise ticket"], explain=False)[0]}
    assert after.get("hotel", 0) < before["hotel"]


def test_round_trip_through_bytes_gives_identical_predictions():
    clf = CodeClassifier(threshold=0.2).fit(TEXTS, LABELS)
    data = clf.to_bytes()
    assert b"pickle" not in data[:200]
    again = CodeClassifier.from_bytes(data, threshold=0.2)
    probe = ["punaise chambre", "éduc passer", "rien à voir"]
    a, b = clf.predict(probe), again.predict(probe)
    assert [[(p.code, p.features) for p in ps] for ps in a] == [[(p.code, p.features) for p in ps] for ps in b]
    scores_a = [p.score for ps in a for p in ps]
    scores_b = [p.score for ps in b for p in ps]
    assert scores_a == pytest.approx(scores_b, rel=1e-6)


def test_matches_scikit_learn_probabilities():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    clf = CodeClassifier().fit(TEXTS, LABELS)
    vec = TfidfVectorizer(tokenizer=str.split, lowercase=False, token_pattern=None, ngram_range=(1, 2),
                          min_df=2, sublinear_tf=True).fit(TEXTS)
    X = vec.transform(TEXTS)
    ours = clf.transform(TEXTS)
    assert abs(ours - X).max() < 1e-9
    y = [1 if "hotel" in s else 0 for s in LABELS]
    ref = LogisticRegression(C=10, solver="liblinear", class_weight="balanced", max_iter=200).fit(X, y)
    j = clf.codes.index("hotel")
    assert clf.probabilities(ours)[:, j] == pytest.approx(ref.predict_proba(X)[:, 1], abs=1e-5)
