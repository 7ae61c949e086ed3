"""Suggest, review and evaluate: the assistance workflow over a project.

Suggestions are stored apart from codings (table `suggestions`) with their span,
code, score, method and explanation. Accepting one creates a coding of the
reviewer with its provenance; rejections are kept and weigh as negatives when
the model is trained again.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from qualcode.assist import units as unit_ops
from qualcode.assist.nlp import Pipeline
from qualcode.errors import QualcodeError

METHODS = ("rules", "model")


@dataclass
class SuggestReport:
    transcripts: int = 0
    parsed: int = 0
    units: int = 0
    stored: dict = field(default_factory=dict)
    trained_codes: int = 0
    training_units: int = 0


def family_of(code: str, families: set[str]) -> str:
    parts = code.split("/")
    for i in range(len(parts), 0, -1):
        candidate = "/".join(parts[:i])
        if candidate in families:
            return candidate
    return parts[0]


def _methods(method: str) -> list[str]:
    if method == "both":
        return list(METHODS)
    if method not in METHODS:
        raise QualcodeError(f"unknown method '{method}' (rules, model, both)")
    return [method]


class Corpus:
    """Texts, docs and units of a set of transcripts, parsed once."""

    def __init__(self, project, transcript_ids, *, include_interviewer=False, progress=None, keywords=()):
        self.project = project
        self.ids = list(transcript_ids)
        self._unit_texts: dict[str, list[str]] = {}
        self.texts = {t: project.store.transcript(t)["text"] for t in self.ids}
        self.pipeline = Pipeline(project.store, progress)
        self.pipeline.warm(list(self.texts.values()), list(keywords))
        self.docs = dict(zip(self.ids, self.pipeline.docs([self.texts[t] for t in self.ids])))
        self.units = {t: unit_ops.units_for_transcript(self.texts[t], project.store.segments(t),
                                                       include_interviewer=include_interviewer)
                      for t in self.ids}

    def unit_texts(self, tid: str) -> list[str]:
        from qualcode.assist.model import unit_text

        if tid not in self._unit_texts:
            self._unit_texts[tid] = [unit_text(self.docs[tid], u["start"], u["end"]) for u in self.units[tid]]
        return self._unit_texts[tid]


def _coded_transcripts(project, coder: str) -> list[str]:
    return sorted({c["transcript"] for c in project.store.codings(coder=coder)})


def _training(project, corpus: Corpus, coder: str, tids, leaves: set[str], families: set[str]):
    texts, leaf_labels, family_labels, negatives = [], [], [], []
    rejected: dict[str, list[dict]] = {}
    for s in project.store.rejected_suggestions():
        rejected.setdefault(s["transcript"], []).append(s)
    for tid in tids:
        codings = project.store.codings(transcript=tid, coder=coder)
        gold = unit_ops.label_units(corpus.units[tid], codings)
        negs = unit_ops.label_units(corpus.units[tid], rejected.get(tid, []))
        texts += corpus.unit_texts(tid)
        leaf_labels += [{c for c in g if c in leaves} for g in gold]
        family_labels += [{family_of(c, families) for c in g} for g in gold]
        negatives += negs
    return texts, leaf_labels, family_labels, negatives


def train(project, corpus: Corpus, coder: str, tids=None):
    codes = project.codes()
    leaves = {c.id for c in codes} - {c.parent for c in codes if c.parent}
    families = {c.id for c in codes if c.family}
    tids = tids if tids is not None else _coded_transcripts(project, coder)
    texts, leaf_labels, family_labels, negatives = _training(project, corpus, coder, tids, leaves, families)
    if not any(leaf_labels):
        raise QualcodeError(f"coder '{coder}' has no codings to learn from")
    leaf_clf = _fit_cached(project, texts, leaf_labels, negatives, top_k=2)
    family_clf = _fit_cached(project, texts, family_labels, negatives, top_k=1)
    return leaf_clf, family_clf, len(texts)


def _fit_cached(project, texts, labels, negatives, *, top_k: int):
    """Fit, or reuse the model fitted on exactly the same data (cached as arrays)."""
    import json

    from qualcode.assist.model import CodeClassifier
    from qualcode.assist.nlp import model_key
    from qualcode.text import content_hash

    settings = {"top_k": top_k}
    signature = json.dumps([texts, [sorted(x) for x in labels], [sorted(x) for x in negatives],
                            CodeClassifier(**settings).__dict__ | {"v": 1}], ensure_ascii=False, default=str)
    key = content_hash("classifier:" + signature)
    cached = project.store.cached_parse(key, model_key())
    if cached is not None:
        return CodeClassifier.from_bytes(cached, **settings)
    clf = CodeClassifier(**settings).fit(texts, labels, negatives)
    with project.store.transaction():
        project.store.store_parse(key, model_key(), clf.to_bytes())
    return clf


def rule_suggestions(project, corpus: Corpus, tids) -> dict[str, list[dict]]:
    from qualcode.assist.rules import build_matchers, suggest_units

    keyword_codes: dict[str, list[str]] = {}
    for code in project.codes():
        for kw in code.keywords:
            keyword_codes.setdefault(kw, []).append(code.id)
    tokens = corpus.pipeline.keyword_tokens(list(keyword_codes))
    vocab = corpus.docs[tids[0]].vocab if tids else corpus.pipeline.vocab
    run = build_matchers(vocab, keyword_codes, tokens)
    return {t: suggest_units(corpus.units[t], run(corpus.docs[t])) for t in tids}


def _keywords(project) -> list[str]:
    return sorted({kw for c in project.codes() for kw in c.keywords})


def suggest(project, transcripts=None, *, method="both", train_coder=None, include_interviewer=False,
            progress=None) -> SuggestReport:
    """Compute suggestions for the transcripts (default: all) and store them,
    replacing the pending ones of the same methods. Passages already coded with
    the same code by anyone are not suggested again."""
    methods = _methods(method)
    tids = list(transcripts or project.store.transcript_ids())
    for t in tids:
        project.transcript(t)
    if "model" in methods and not train_coder:
        raise QualcodeError("the model needs a coder to learn from: --train-coder NAME")
    training = _coded_transcripts(project, train_coder) if "model" in methods else []
    corpus = Corpus(project, sorted(set(tids) | set(training)), include_interviewer=include_interviewer,
                    progress=progress, keywords=_keywords(project) if "rules" in methods else ())
    report = SuggestReport(transcripts=len(tids), parsed=corpus.pipeline.parsed,
                           units=sum(len(corpus.units[t]) for t in tids))
    found: dict[str, list[dict]] = {t: [] for t in tids}
    if "rules" in methods:
        for t, items in rule_suggestions(project, corpus, tids).items():
            found[t] += items
    if "model" in methods:
        leaf_clf, family_clf, report.training_units = train(project, corpus, train_coder, training)
        report.trained_codes = len(leaf_clf.models) + len(family_clf.models)
        for t in tids:
            texts = corpus.unit_texts(t)
            for clf in (leaf_clf, family_clf):
                for unit, preds in zip(corpus.units[t], clf.predict(texts)):
                    for p in preds:
                        found[t].append({"start": unit["start"], "end": unit["end"], "code": p.code,
                                         "score": round(p.score, 4), "method": "model",
                                         "explanation": "traits : " + ", ".join(p.features)})
    pks = {row["id"]: row["pk"] for row in project.store.codes()}
    store = project.store
    with store.transaction():
        store.delete_pending(tids, methods)
        for t in tids:
            coded: dict[str, list[tuple[int, int]]] = {}
            for c in store.codings(transcript=t):
                coded.setdefault(c["code"], []).append((c["start"], c["end"]))
            for s in found[t]:
                if any(a < s["end"] and s["start"] < b for a, b in coded.get(s["code"], ())):
                    continue
                if store.insert_suggestion({**s, "transcript": t, "code_pk": pks[s["code"]]}):
                    report.stored[s["method"]] = report.stored.get(s["method"], 0) + 1
    return report


# -- review -------------------------------------------------------------------
def _pending(project, ids) -> list[dict]:
    rows = {s["id"]: s for s in project.store.suggestions(status=None, ids=list(ids))}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise QualcodeError(f"no suggestion #{missing[0]}")
    done = [rows[i] for i in ids if rows[i]["status"] != "pending"]
    if done:
        raise QualcodeError(f"suggestion #{done[0]['id']} is already {done[0]['status']}")
    return [rows[i] for i in ids]


def accept(project, ids, reviewer: str, *, code: str | None = None, span: tuple[int, int] | None = None) -> list[dict]:
    """Turn suggestions into codings of `reviewer` (optionally with another code
    or span), recording their provenance."""
    from qualcode import coding

    if (code or span) and len(ids) != 1:
        raise QualcodeError("adjust the code or span of one suggestion at a time")
    store = project.store
    created = []
    with store.transaction():
        for s in _pending(project, ids):
            start, end = span or (s["start"], s["end"])
            provenance = {"suggestion": s["id"], "method": s["method"], "score": s["score"],
                          "suggested_code": s["code"], "suggested_span": [s["start"], s["end"]],
                          "adjusted": bool((code and code != s["code"]) or (span and tuple(span) != (s["start"], s["end"])))}
            c = coding.add(project, s["transcript"], code or s["code"], reviewer, start, end,
                           origin="suggestion", provenance=provenance)
            store.set_suggestion_status(s["id"], "accepted", reviewer, c["id"])
            store.record(reviewer, "suggestion.accept", f"suggestion:{s['id']}",
                         {"code": s["code"], "start": s["start"], "end": s["end"]},
                         {"coding": c["id"], "code": c["code"], "start": start, "end": end})
            created.append(c)
    return created


def reject(project, ids, reviewer: str) -> int:
    store = project.store
    with store.transaction():
        for s in _pending(project, ids):
            store.set_suggestion_status(s["id"], "rejected", reviewer)
            store.record(reviewer, "suggestion.reject", f"suggestion:{s['id']}",
                         {"code": s["code"], "start": s["start"], "end": s["end"]}, None)
    return len(ids)


# -- measured quality -------------------------------------------------------------
def evaluate(project, coder: str, *, folds: int = 5, method: str = "model", progress=None) -> dict:
    """Cross-validation by transcript against `coder`'s codings: precision, recall
    and F1 per leaf code and per family, micro and macro, at the unit level."""
    from qualcode.assist import metrics

    tids = _coded_transcripts(project, coder)
    if len(tids) < 2:
        raise QualcodeError(f"coder '{coder}' has coded {len(tids)} transcript(s); need at least 2")
    folds = max(2, min(folds, len(tids)))
    codes = project.codes()
    leaves = {c.id for c in codes} - {c.parent for c in codes if c.parent}
    families = {c.id for c in codes if c.family}
    corpus = Corpus(project, tids, progress=progress, keywords=_keywords(project) if method == "rules" else ())
    gold_leaf, pred_leaf, gold_fam, pred_fam = [], [], [], []
    if method == "rules":
        found = rule_suggestions(project, corpus, tids)
    for k in range(folds):
        test = [t for i, t in enumerate(tids) if i % folds == k]
        if method == "model":
            leaf_clf, family_clf, _ = train(project, corpus, coder, [t for t in tids if t not in test])
        for t in test:
            gold = unit_ops.label_units(corpus.units[t], project.store.codings(transcript=t, coder=coder))
            if method == "model":
                texts = corpus.unit_texts(t)
                leaf_pred = [{p.code for p in ps} for ps in leaf_clf.predict(texts, explain=False)]
                fam_pred = [{p.code for p in ps} for ps in family_clf.predict(texts, explain=False)]
            else:
                leaf_pred = [set() for _ in corpus.units[t]]
                index = {(u["start"], u["end"]): i for i, u in enumerate(corpus.units[t])}
                for s in found[t]:
                    leaf_pred[index[(s["start"], s["end"])]].add(s["code"])
                fam_pred = [{family_of(c, families) for c in p} for p in leaf_pred]
                leaf_pred = [{c for c in p if c in leaves} for p in leaf_pred]
            gold_leaf += [{c for c in g if c in leaves} for g in gold]
            gold_fam += [{family_of(c, families) for c in g} for g in gold]
            pred_leaf += leaf_pred
            pred_fam += [f | {family_of(c, families) for c in lp} for f, lp in zip(fam_pred, leaf_pred)]
    leaf_labels = sorted({c for g in gold_leaf for c in g})
    family_labels = sorted({c for g in gold_fam for c in g})
    return {"coder": coder, "method": method, "folds": folds, "transcripts": len(tids),
            "units": len(gold_leaf),
            "leaf": metrics.evaluate(gold_leaf, pred_leaf, leaf_labels),
            "family": metrics.evaluate(gold_fam, pred_fam, family_labels)}
