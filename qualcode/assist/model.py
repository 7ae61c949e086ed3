"""The suggestion model: which code, if any, fits a unit, with a score.

Engine: TF-IDF over a unit's features (lemmas, bigrams, context; see
`features`) with one logistic regression per leaf code and one per family
(liblinear, C=10, balanced classes, solved in the dual, which is ~15x faster
than the primal here and gives the same model). A leaf's score is smoothed by its
family's: sqrt(p_leaf · p_family). Each unit gets at most one suggestion: its
best leaf when that score passes the leaf's threshold, else that leaf's family
when the score passes the family threshold. Thresholds are chosen by
cross-validation (`training`); these choices and the ones rejected are measured
in bench/assist_choices.py.

A fitted model is kept as plain arrays (vocabulary, idf, weights, thresholds)
and JSON, never pickle, so it can be cached in the project and predicting
needs no scikit-learn.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from qualcode.assist.features import Example, readable

C = 10.0
MIN_DF = 2
FAMILY_SMOOTHING = 0.5  # leaf score = p_leaf^(1-a) · p_family^a
DEFAULT_LEAF_THRESHOLD = 0.3
DEFAULT_FAMILY_THRESHOLD = 0.2
NEGATIVE_WEIGHT = 3.0
TOLERANCE = 0.1  # liblinear dual stopping tolerance: weights within 0.4 % of tol=1e-4, 2x faster


@dataclass
class Prediction:
    code: str
    score: float
    features: list[str]
    level: str = "leaf"  # "leaf" or "family"


class Vocabulary:
    """Terms and idf (scikit-learn's smooth idf); rows -> sublinear tf·idf, l2-normed."""

    def __init__(self, terms: list[str], idf):
        self.terms = list(terms)
        self.idf = idf
        self.index = {t: i for i, t in enumerate(self.terms)}

    @classmethod
    def fit(cls, rows: list[list[str]], min_df: int = MIN_DF, weights=None) -> "Vocabulary":
        import numpy as np

        df: dict[str, int] = {}
        for row in rows:
            for term in set(row):
                df[term] = df.get(term, 0) + 1
        terms = sorted(t for t, n in df.items() if n >= min_df)
        idf = np.log((1 + len(rows)) / (1 + np.array([df[t] for t in terms], dtype="float64"))) + 1
        return cls(terms, idf)

    def transform(self, rows: list[list[str]]):
        import numpy as np
        from scipy.sparse import csr_matrix

        indptr, cols, values = [0], [], []
        for row in rows:
            counts: dict[int, int] = {}
            for term in row:
                j = self.index.get(term)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            js = sorted(counts)
            if js:
                vals = (1 + np.log([counts[j] for j in js])) * self.idf[js]
                vals /= np.sqrt((vals ** 2).sum())
                cols += js
                values += vals.tolist()
            indptr.append(len(cols))
        return csr_matrix((np.array(values, dtype="float64"), np.array(cols, dtype="int32"), np.array(indptr)),
                          shape=(len(rows), len(self.terms)))


def fit_linear(X, examples: list[Example], label_sets: list[set[str]], negative_sets: list[set[str]], codes, *, C=C):
    """One logistic regression per code: (weights codes x terms, intercepts)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    base = np.array([e.weight for e in examples], dtype="float64")
    weights = np.zeros((len(codes), X.shape[1]), dtype="float32")
    intercepts = np.zeros(len(codes), dtype="float64")
    with threadpool_limits(1):
        for j, code in enumerate(codes):
            y = np.array([code in s for s in label_sets])
            if y.all() or not y.any():
                intercepts[j] = 10.0 if y.all() else -10.0
                continue
            negative = np.array([code in s for s in negative_sets]) & ~y
            model = LogisticRegression(C=C, solver="liblinear", dual=True, tol=TOLERANCE, max_iter=1000,
                                       class_weight="balanced")
            model.fit(X, y, sample_weight=np.where(negative, base * NEGATIVE_WEIGHT, base))
            weights[j] = model.coef_[0]
            intercepts[j] = model.intercept_[0]
    return weights, intercepts


def decide(Q, thresholds, family_threshold: float):
    """(best leaf index, level) per row of leaf scores Q: level 2 = leaf, 1 = its
    family only, 0 = nothing."""
    import numpy as np

    if not Q.shape[1]:
        nothing = np.zeros(Q.shape[0], dtype=int)
        return nothing, nothing
    top = Q.argmax(axis=1)
    best = Q[np.arange(len(Q)), top]
    level = np.where(best >= np.asarray(thresholds)[top], 2, np.where(best >= family_threshold, 1, 0))
    return top, level


@dataclass
class SuggestionModel:
    vocabulary: Vocabulary
    leaf_codes: list[str]
    leaf_weights: object
    leaf_intercepts: object
    family_codes: list[str]
    family_weights: object
    family_intercepts: object
    leaf_family: object  # index into family_codes for each leaf
    thresholds: object = None  # per leaf
    family_threshold: float = DEFAULT_FAMILY_THRESHOLD
    stats: dict = field(default_factory=dict)  # code -> cross-validated figures
    info: dict = field(default_factory=dict)

    def __post_init__(self):
        import numpy as np

        if self.thresholds is None:
            self.thresholds = np.full(len(self.leaf_codes), DEFAULT_LEAF_THRESHOLD)

    @classmethod
    def fit(cls, examples: list[Example], family_of, *, leaves: set[str], C=C, min_df=MIN_DF) -> "SuggestionModel":
        """Fit on examples; `family_of(code)` names a code's family."""
        import numpy as np

        vocabulary = Vocabulary.fit([e.features for e in examples], min_df)
        X = vocabulary.transform([e.features for e in examples])
        leaf_sets = [{c for c in e.labels if c in leaves} for e in examples]
        family_sets = [{family_of(c) for c in e.labels} for e in examples]
        family_negatives = [{family_of(c) for c in e.negatives} - f for e, f in zip(examples, family_sets)]
        leaf_codes = sorted(set().union(*leaf_sets)) if examples else []
        family_codes = sorted({family_of(c) for c in leaf_codes} | set().union(*family_sets)) if examples else []
        lw, lb = fit_linear(X, examples, leaf_sets, [e.negatives for e in examples], leaf_codes, C=C)
        fw, fb = fit_linear(X, examples, family_sets, family_negatives, family_codes, C=C)
        index = {f: i for i, f in enumerate(family_codes)}
        return cls(vocabulary, leaf_codes, lw, lb, family_codes, fw, fb,
                   np.array([index[family_of(c)] for c in leaf_codes], dtype="int64"))

    # -- scoring --------------------------------------------------------------------
    def scores(self, rows: list[list[str]]):
        """(X, leaf scores smoothed by family, family probabilities) for feature rows."""
        import numpy as np

        X = self.vocabulary.transform(rows)
        PL = 1 / (1 + np.exp(-(X @ self.leaf_weights.T + self.leaf_intercepts)))
        PF = 1 / (1 + np.exp(-(X @ self.family_weights.T + self.family_intercepts)))
        a = FAMILY_SMOOTHING
        Q = PL ** (1 - a) * PF[:, self.leaf_family] ** a if len(self.leaf_codes) else PL
        return X, np.asarray(Q), np.asarray(PF)

    def predict(self, rows: list[list[str]], *, explain: bool = True) -> list[list[Prediction]]:
        if not rows:
            return []
        X, Q, _ = self.scores(rows)
        if not self.leaf_codes:
            return [[] for _ in rows]
        top, level = decide(Q, self.thresholds, self.family_threshold)
        out = []
        for i in range(len(rows)):
            if not level[i]:
                out.append([])
                continue
            j = int(top[i])
            if level[i] == 2:
                code, weights = self.leaf_codes[j], self.leaf_weights[j]
            else:
                f = int(self.leaf_family[j])
                code, weights = self.family_codes[f], self.family_weights[f]
            features = self._strongest(X, i, weights) if explain else []
            out.append([Prediction(code, float(Q[i, j]), features, "leaf" if level[i] == 2 else "family")])
        return out

    def _strongest(self, X, i: int, weights, n: int = 5) -> list[str]:
        import numpy as np

        lo, hi = X.indptr[i], X.indptr[i + 1]
        cols = X.indices[lo:hi]
        contrib = X.data[lo:hi] * weights[cols]
        return [readable(self.vocabulary.terms[cols[k]]) for k in np.argsort(-contrib)[:n] if contrib[k] > 0]

    def threshold_of(self, code: str) -> float | None:
        if code in self.leaf_codes:
            return float(self.thresholds[self.leaf_codes.index(code)])
        return self.family_threshold if code in self.family_codes else None

    # -- a fitted model as bytes: arrays and JSON only, never pickle -------------------------
    def to_bytes(self) -> bytes:
        import io
        import json

        import numpy as np

        meta = {"terms": self.vocabulary.terms, "leaf_codes": self.leaf_codes, "family_codes": self.family_codes,
                "family_threshold": self.family_threshold, "stats": self.stats, "info": self.info}
        buffer = io.BytesIO()
        np.savez_compressed(buffer, idf=self.vocabulary.idf, leaf_weights=self.leaf_weights,
                            leaf_intercepts=self.leaf_intercepts, family_weights=self.family_weights,
                            family_intercepts=self.family_intercepts, leaf_family=self.leaf_family,
                            thresholds=np.asarray(self.thresholds, dtype="float64"),
                            meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "SuggestionModel":
        import io
        import json

        import numpy as np

        a = np.load(io.BytesIO(data), allow_pickle=False)
        meta = json.loads(a["meta"].tobytes().decode())
        return cls(Vocabulary(meta["terms"], a["idf"]), meta["leaf_codes"], a["leaf_weights"], a["leaf_intercepts"],
                   meta["family_codes"], a["family_weights"], a["family_intercepts"], a["leaf_family"],
                   a["thresholds"], meta["family_threshold"], meta["stats"], meta["info"])
