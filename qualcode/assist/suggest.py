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
    cold: bool = False
    reliable: dict = field(default_factory=dict)
    unreliable_dropped: int = 0


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
    """Texts, docs, units and unit features of a set of transcripts, parsed once
    (or read from the parse cache)."""

    def __init__(self, project, transcript_ids, *, include_interviewer=False, progress=None, keywords=(),
                 unit="window", spacy_model=None, codebook=False):
        from qualcode.assist.features import Lemmas, codebook_texts

        self.project = project
        self.ids = list(transcript_ids)
        self.unit = unit
        self.texts = {t: project.store.transcript(t)["text"] for t in self.ids}
        self.segments = {t: project.store.segments(t) for t in self.ids}
        self.pipeline = Pipeline(project.store, progress, spacy_model)
        self.codebook_texts = codebook_texts(project.codes()) if codebook else []
        extra = sorted({text for _, text, _ in self.codebook_texts})
        self.pipeline.warm(list(self.texts.values()) + extra, list(keywords))
        self.docs = dict(zip(self.ids, self.pipeline.docs([self.texts[t] for t in self.ids])))
        self.lemmas = {t: Lemmas(d) for t, d in self.docs.items()}
        self.codebook_lemmas = dict(zip(extra, map(Lemmas, self.pipeline.docs(extra)))) if extra else {}
        self.units = {t: unit_ops.units_for_transcript(self.texts[t], self.segments[t], unit=unit,
                                                       include_interviewer=include_interviewer)
                      for t in self.ids}
        self._features: dict[str, list[list[str]]] = {}

    def features(self, tid: str) -> list[list[str]]:
        from qualcode.assist.features import unit_features

        if tid not in self._features:
            self._features[tid] = unit_features(self.lemmas[tid], self.units[tid], self.segments[tid],
                                                turn_context=self.unit == "window")
        return self._features[tid]

    def codebook_examples(self):
        from qualcode.assist.features import codebook_examples

        return codebook_examples(self.codebook_texts, self.codebook_lemmas)


class Hierarchy:
    """Leaves and families of the project's codebook."""

    def __init__(self, codes):
        self.leaves = {c.id for c in codes} - {c.parent for c in codes if c.parent}
        self.families = {c.id for c in codes if c.family}

    def family_of(self, code: str) -> str:
        return family_of(code, self.families)


def _coded_transcripts(project, coder: str) -> list[str]:
    return sorted({c["transcript"] for c in project.store.codings(coder=coder)})


def unit_examples(project, corpus: Corpus, coders, tids):
    """One example per unit of the transcripts: the coders' codes as labels, the
    codes reviewers rejected there as negatives, grouped by transcript."""
    from qualcode.assist.features import Example

    coders = [coders] if isinstance(coders, str) else list(coders)
    rejected: dict[str, list[dict]] = {}
    for s in project.store.rejected_suggestions():
        rejected.setdefault(s["transcript"], []).append(s)
    out = []
    for tid in tids:
        codings = [c for coder in coders for c in project.store.codings(transcript=tid, coder=coder)]
        gold = unit_ops.label_units(corpus.units[tid], codings)
        negatives = unit_ops.label_units(corpus.units[tid], rejected.get(tid, []))
        out += [Example(f, g, n, 1.0, tid) for f, g, n in zip(corpus.features(tid), gold, negatives)]
    return out


def train(project, corpus: Corpus, coders, tids=None, **options):
    """The model trained on the coders' codings of `tids` (default: every
    transcript the first coder coded) and on the codebook's text, cached."""
    from qualcode.assist import training

    coders = [coders] if isinstance(coders, str) else list(coders)
    tids = tids if tids is not None else _coded_transcripts(project, coders[0])
    examples = unit_examples(project, corpus, coders, tids)
    if not any(e.labels for e in examples):
        raise QualcodeError(f"coder '{coders[0]}' has no codings to learn from")
    h = Hierarchy(project.codes())
    return _cached(project, corpus, ["train", options], examples + corpus.codebook_examples(),
                   lambda ex: training.train(ex, h.family_of, leaves=h.leaves, **options))


def train_cold(project, corpus: Corpus, tids):
    """The model learnt from the codebook's text alone, taught on the units of `tids`."""
    from qualcode.assist import training

    h = Hierarchy(project.codes())
    rows = [f for t in tids for f in corpus.features(t)]
    codebook = corpus.codebook_examples()
    if not codebook:
        raise QualcodeError("the codebook has no text to learn from (labels, definitions, examples, keywords)")
    return _cached(project, corpus, ["cold", rows], codebook,
                   lambda ex: training.train_cold(ex, rows, h.family_of, leaves=h.leaves))


def _cached(project, corpus: Corpus, extra, examples, fit):
    """Fit, or reuse the model fitted on exactly the same data (cached as arrays)."""
    import json

    from qualcode.assist.model import SuggestionModel
    from qualcode.text import content_hash

    signature = json.dumps([MODEL_VERSION, extra, [[e.features, sorted(e.labels), sorted(e.negatives), e.weight,
                                                     e.group] for e in examples]], ensure_ascii=False, default=str)
    key = content_hash("suggestion-model:" + signature)
    cached = project.store.cached_parse(key, corpus.pipeline.key)
    if cached is not None:
        return SuggestionModel.from_bytes(cached)
    model = fit(examples)
    with project.store.transaction():
        project.store.store_parse(key, corpus.pipeline.key, model.to_bytes())
    return model


MODEL_VERSION = 2


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


def model_suggestions(model, corpus: Corpus, tids) -> dict[str, list[dict]]:
    """The model's decisions on the units of `tids`, as suggestions to store."""
    out = {}
    for t in tids:
        out[t] = []
        for unit, preds in zip(corpus.units[t], model.predict(corpus.features(t))):
            for p in preds:
                why = "traits : " + ", ".join(p.features)
                if p.level == "family":
                    why = "famille ; " + why
                out[t].append({"start": unit["start"], "end": unit["end"], "code": p.code, "score": round(p.score, 4),
                               "method": "model", "explanation": why})
    return out


def crossfit_suggestions(project, corpus: Corpus, coder: str, training_tids, tids, folds: int = 5, **options):
    """Suggestions for `tids` where each transcript the model learns from gets its
    suggestions from a model trained without it (folds by transcript): the model
    as an independent coder. Returns (suggestions, the last model trained)."""
    from qualcode.assist.training import folds_of

    out: dict[str, list[dict]] = {}
    model = None
    held_out = [t for t in tids if t in set(training_tids)]
    for fold in folds_of(held_out, folds) if len(training_tids) > 1 else []:
        model = train(project, corpus, coder, [t for t in training_tids if t not in fold], **options)
        out |= model_suggestions(model, corpus, fold)
    rest = [t for t in tids if t not in out]
    if rest:
        model = train(project, corpus, coder, training_tids, **options)
        out |= model_suggestions(model, corpus, rest)
    return out, model


def _reliable(stats: dict, threshold: float) -> set[str]:
    return {c for c, s in stats.items() if s.get("kappa") is not None and s["kappa"] >= threshold}


def suggest(project, transcripts=None, *, method="both", train_coder=None, include_interviewer=False,
            progress=None, spacy_model=None, only_reliable=None, blind=False, min_precision=None) -> SuggestReport:
    """Compute suggestions for the transcripts (default: all) and store them,
    replacing the pending ones of the same methods. Passages already coded with
    the same code by anyone are not suggested again, unless `blind`.

    The model learns from `train_coder`'s codings and the codebook's text; with
    no coder it learns from the codebook alone (cold start). `blind`: each
    transcript the coder coded is suggested by a model trained without it, so the
    suggestions can be compared with that coder (`agreement --coders CODER model`).
    `only_reliable`: keep only codes whose cross-validated kappa against the
    training coder is at least this. `min_precision`: the cross-validated
    precision leaf thresholds must reach (default 0.60; 0: best F1)."""
    methods = _methods(method)
    tids = list(transcripts or project.store.transcript_ids())
    for t in tids:
        project.transcript(t)
    if only_reliable is not None and not train_coder:
        raise QualcodeError("--only-reliable needs --train-coder NAME (kappa is measured against that coder)")
    training = _coded_transcripts(project, train_coder) if train_coder else []
    if train_coder and not training:
        raise QualcodeError(f"coder '{train_coder}' has no codings to learn from")
    needs_training = "model" in methods or ("rules" in methods and only_reliable is not None)
    corpus = Corpus(project, sorted(set(tids) | (set(training) if needs_training else set())),
                    include_interviewer=include_interviewer, progress=progress, spacy_model=spacy_model,
                    keywords=_keywords(project) if "rules" in methods else (), codebook="model" in methods)
    report = SuggestReport(transcripts=len(tids), parsed=corpus.pipeline.parsed,
                           units=sum(len(corpus.units[t]) for t in tids))
    found: dict[str, list[dict]] = {t: [] for t in tids}
    keep: dict[str, set[str] | None] = {"rules": None, "model": None}
    if "rules" in methods:
        for t, items in rule_suggestions(project, corpus, tids).items():
            found[t] += items
        if only_reliable is not None:
            from qualcode.assist.evaluate import rule_stats

            keep["rules"] = _reliable(rule_stats(project, corpus, train_coder, training), only_reliable)
    if "model" in methods:
        options = {} if min_precision is None else {"min_precision": min_precision}
        if blind and train_coder:
            items, model = crossfit_suggestions(project, corpus, train_coder, training, tids, **options)
            if only_reliable is not None:  # kappa of the model trained on everything
                model = train(project, corpus, train_coder, training, **options)
        else:
            model = (train(project, corpus, train_coder, training, **options) if train_coder
                     else train_cold(project, corpus, tids))
            items = model_suggestions(model, corpus, tids)
        report.cold = model.info.get("cold", False)
        report.trained_codes = len(model.leaf_codes) + len(model.family_codes)
        report.training_units = model.info.get("units", 0)
        if only_reliable is not None:
            keep["model"] = _reliable(model.stats, only_reliable)
        for t in tids:
            found[t] += items[t]
    if only_reliable is not None:
        report.reliable = {m: sorted(k) for m, k in keep.items() if k is not None}
        for t in tids:
            before = len(found[t])
            found[t] = [s for s in found[t] if keep[s["method"]] is None or s["code"] in keep[s["method"]]]
            report.unreliable_dropped += before - len(found[t])
    _store(project, tids, methods, found, report, skip_coded=not blind)
    return report


def _store(project, tids, methods, found, report, *, skip_coded: bool) -> None:
    pks = {row["id"]: row["pk"] for row in project.store.codes()}
    store = project.store
    with store.transaction():
        store.delete_pending(tids, methods)
        for t in tids:
            coded: dict[str, list[tuple[int, int]]] = {}
            for c in store.codings(transcript=t) if skip_coded else []:
                coded.setdefault(c["code"], []).append((c["start"], c["end"]))
            for s in found[t]:
                if any(a < s["end"] and s["start"] < b for a, b in coded.get(s["code"], ())):
                    continue
                if store.insert_suggestion({**s, "transcript": t, "code_pk": pks[s["code"]]}):
                    report.stored[s["method"]] = report.stored.get(s["method"], 0) + 1


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
