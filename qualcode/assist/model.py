"""A multi-label classifier of suggestion units, trained on one coder's codings.

Engine: TF-IDF over spaCy lemmas (1-2 grams) with one logistic regression per
code (liblinear, C=10, balanced classes). Chosen by measurement on a 2-core CPU
(see shared notes and `qualcode suggest evaluate`): on 825 short segments with
24 labels it ranked as well as spaCy's textcat_multilabel (top-1 .25 vs .24,
top-3 .45 vs .45) but trains in ~5 s instead of 24-37 s, so it can be retrained
on every `suggest`. Its probabilities are used to rank: each unit gets at most
`top_k` codes whose probability passes the threshold.

Settings measured on the demo corpus (bench/assist_choices.py, 5-fold
cross-validation by transcript against coder-a, 3,500 units): threshold 0.4 with
the top 2 leaves and top family per unit gives the best F1 (leaf micro .40,
macro .35, P .50 R .34; family micro .48); 0.5 trades F1 .38 for precision .57,
0.7 drops to .32. Units are sentence windows of a respondent turn rather than
whole turns: whole turns score higher per unit (leaf micro .42, P .82) but on
3.5x fewer, far longer units, so a reviewer would get a turn-long span where the
coders code a few sentences.

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
    """Fitted with scikit-learn, then kept as plain arrays (vocabulary, idf,
    weights, intercepts) so that predicting needs no scikit-learn and a fitted
    model can be cached in the project without pickle."""

    def __init__(self, *, C: float = 10.0, threshold: float = 0.4, top_k: int = 2):
        self.C = C
        self.threshold = threshold
        self.top_k = top_k
        self.codes: list[str] = []
        self.terms: list[str] = []
        self.idf = None
        self.weights = None  # codes x terms
        self.intercepts = None

    @property
    def models(self) -> list[str]:
        return self.codes

    def fit(self, texts: list[str], labels: list[set[str]], negatives: list[set[str]] | None = None):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(tokenizer=str.split, lowercase=False, token_pattern=None,
                                     ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        X = vectorizer.fit_transform(texts)
        self.terms = list(vectorizer.get_feature_names_out())
        self.idf = vectorizer.idf_.astype("float64")
        counts: dict[str, int] = {}
        for label_set in labels:
            for code in label_set:
                counts[code] = counts.get(code, 0) + 1
        negatives = negatives or [set() for _ in texts]
        self.codes = sorted(c for c, n in counts.items() if n >= MIN_POSITIVES)
        weights, intercepts = [], []
        for code in self.codes:
            y = [1 if code in s else 0 for s in labels]
            sample_weight = [3.0 if code in neg and not yi else 1.0 for yi, neg in zip(y, negatives)]
            model = LogisticRegression(C=self.C, solver="liblinear", class_weight="balanced", max_iter=200)
            model.fit(X, y, sample_weight=sample_weight)
            weights.append(model.coef_[0])
            intercepts.append(model.intercept_[0])
        self.weights = np.array(weights, dtype="float32").reshape(len(self.codes), len(self.terms))
        self.intercepts = np.array(intercepts, dtype="float64")
        return self

    def transform(self, texts: list[str]):
        """TF-IDF as fitted: unigrams and bigrams, sublinear tf, idf, l2 norm."""
        import numpy as np
        from scipy.sparse import csr_matrix

        index = {t: i for i, t in enumerate(self.terms)}
        rows, cols, values = [], [], []
        for r, text in enumerate(texts):
            tokens = text.split()
            grams = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
            counts: dict[int, int] = {}
            for g in grams:
                j = index.get(g)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            if not counts:
                continue
            js = list(counts)
            vals = (1 + np.log([counts[j] for j in js])) * self.idf[js]
            vals /= np.sqrt((vals ** 2).sum())
            rows += [r] * len(js)
            cols += js
            values += list(vals)
        return csr_matrix((values, (rows, cols)), shape=(len(texts), len(self.terms)))

    def probabilities(self, X):
        import numpy as np

        return 1 / (1 + np.exp(-(X @ self.weights.T + self.intercepts)))

    def predict(self, texts: list[str], *, explain: bool = True) -> list[list[Prediction]]:
        import numpy as np

        if not self.codes or not texts:
            return [[] for _ in texts]
        X = self.transform(texts)
        P = np.asarray(self.probabilities(X))
        out = []
        for i in range(len(texts)):
            order = np.argsort(-P[i])[: self.top_k]
            preds = []
            for j in order:
                if P[i, j] < self.threshold:
                    break
                features = []
                if explain:
                    lo, hi = X.indptr[i], X.indptr[i + 1]
                    cols = X.indices[lo:hi]
                    contrib = X.data[lo:hi] * self.weights[j, cols]
                    features = [self.terms[cols[k]] for k in np.argsort(-contrib)[:4] if contrib[k] > 0]
                preds.append(Prediction(self.codes[j], float(P[i, j]), features))
            out.append(preds)
        return out

    # -- a fitted model as bytes: arrays and JSON only, never pickle -------------------
    def to_bytes(self) -> bytes:
        import io
        import json

        import numpy as np

        buffer = io.BytesIO()
        np.savez_compressed(buffer, idf=self.idf, weights=self.weights, intercepts=self.intercepts,
                            meta=np.frombuffer(json.dumps({"codes": self.codes, "terms": self.terms}).encode(), dtype=np.uint8))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, **settings) -> "CodeClassifier":
        import io
        import json

        import numpy as np

        arrays = np.load(io.BytesIO(data), allow_pickle=False)
        clf = cls(**settings)
        meta = json.loads(arrays["meta"].tobytes().decode())
        clf.codes, clf.terms = meta["codes"], meta["terms"]
        clf.idf, clf.weights, clf.intercepts = arrays["idf"], arrays["weights"], arrays["intercepts"]
        return clf
