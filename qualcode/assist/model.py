"""A multi-label classifier of suggestion units, trained on one coder's codings.

Engine: TF-IDF over spaCy lemmas (1-2 grams) with one logistic regression per
code (liblinear, C=10, balanced classes). Chosen by measurement on a 2-core CPU
(see shared notes and `qualcode suggest evaluate`): on 825 short segments with
24 labels it ranked as well as spaCy's textcat_multilabel (top-1 .25 vs .24,
top-3 .45 vs .45) but trains in ~5 s instead of 24-37 s, so it can be retrained
on every `suggest`. Its probabilities are used to rank: each unit gets at most
`top_k` codes whose probability passes the threshold.

Rejected suggestions teach the model: the (unit, code) pairs a reviewer rejected
are negatives of that code with triple weight.
"""
from __future__ import annotations

from dataclasses import dataclass

MIN_POSITIVES = 3


@dataclass
class Prediction:
    code: str
    score: float
    features: list[str]


def unit_text(doc, start: int, end: int) -> str:
    """Lower-cased lemmas of the alphabetic tokens of doc between two char offsets."""
    span = doc.char_span(start, end, alignment_mode="expand")
    tokens = span if span is not None else doc
    return " ".join(t.lemma_.lower() for t in tokens if t.is_alpha and len(t) > 1)


class CodeClassifier:
    def __init__(self, *, C: float = 10.0, threshold: float = 0.6, top_k: int = 2):
        self.C = C
        self.threshold = threshold
        self.top_k = top_k
        self.models: dict = {}
        self.vectorizer = None

    def fit(self, texts: list[str], labels: list[set[str]], negatives: list[set[str]] | None = None):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = TfidfVectorizer(tokenizer=str.split, lowercase=False, token_pattern=None,
                                          ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        X = self.vectorizer.fit_transform(texts)
        counts: dict[str, int] = {}
        for label_set in labels:
            for code in label_set:
                counts[code] = counts.get(code, 0) + 1
        negatives = negatives or [set() for _ in texts]
        self.models = {}
        for code, n in counts.items():
            if n < MIN_POSITIVES:
                continue
            y = [1 if code in s else 0 for s in labels]
            weights = [3.0 if code in neg and not yi else 1.0 for yi, neg in zip(y, negatives)]
            model = LogisticRegression(C=self.C, solver="liblinear", class_weight="balanced", max_iter=200)
            model.fit(X, y, sample_weight=weights)
            self.models[code] = model
        return self

    def predict(self, texts: list[str], *, explain: bool = True) -> list[list[Prediction]]:
        if not self.models or not texts:
            return [[] for _ in texts]
        X = self.vectorizer.transform(texts)
        codes = list(self.models)
        probabilities = [self.models[c].predict_proba(X)[:, 1] for c in codes]
        names = self.vectorizer.get_feature_names_out() if explain else None
        out = []
        for i in range(len(texts)):
            ranked = sorted(((probabilities[j][i], c) for j, c in enumerate(codes)), reverse=True)
            chosen = [(p, c) for p, c in ranked[: self.top_k] if p >= self.threshold]
            preds = []
            for p, c in chosen:
                features = []
                if explain:
                    row = X[i]
                    coef = self.models[c].coef_[0]
                    contrib = sorted(((row[0, k] * coef[k], names[k]) for k in row.indices), reverse=True)
                    features = [name for value, name in contrib[:4] if value > 0]
                preds.append(Prediction(c, float(p), features))
            out.append(preds)
        return out
