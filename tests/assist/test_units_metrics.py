"""Units (sentence windows that never rely on a segmenter alone) and
precision/recall/F1, on hand-made cases."""
from __future__ import annotations

import pytest

from qualcode.assist.metrics import evaluate
from qualcode.assist.units import label_units, sentence_spans, units_for_segment


def test_sentences_cut_at_punctuation_only():
    text = "Bon. Les punaises partout ! Et alors ? Voilà."
    spans = sentence_spans(text, 0, len(text))
    assert [text[s:e] for s, e in spans] == ["Bon.", "Les punaises partout !", "Et alors ?", "Voilà."]


def test_short_sentences_merge_until_min_words():
    text = "Oui. Non. " + " ".join(["mot"] * 12) + "."
    units = units_for_segment(text, 0, len(text), min_words=12)
    assert len(units) == 1 and units[0] == (0, len(text))


def test_unpunctuated_captions_are_cut_into_word_windows():
    words = [f"m{i}" for i in range(130)]
    text = " ".join(words)
    units = units_for_segment(text, 0, len(text))
    pieces = [text[s:e].split() for s, e in units]
    assert [len(p) for p in pieces] == [40, 40, 40, 10] or [len(p) for p in pieces] == [40, 40, 50]
    assert sum(pieces, []) == words  # nothing lost, nothing doubled


def test_units_keep_exact_offsets_inside_a_segment():
    text = "E : Question ?\nR : " + "Première phrase assez longue pour faire une unité à elle seule. " * 2
    start = text.index("Première")
    units = units_for_segment(text, start, len(text.rstrip()), min_words=5)
    assert all(text[s:e].startswith("Première") for s, e in units)
    assert units[-1][1] == len(text.rstrip())


def test_label_units_by_half_overlap():
    units = [{"start": 0, "end": 100}, {"start": 100, "end": 200}]
    codings = [{"start": 90, "end": 130, "code": "a"},   # 30 of 40 in unit 2 -> unit 2 only
               {"start": 0, "end": 100, "code": "b"}]
    assert label_units(units, codings) == [{"b"}, {"a"}]


def test_precision_recall_f1_by_hand():
    gold = [{"a"}, {"a", "b"}, set(), {"b"}]
    pred = [{"a"}, {"b"}, {"a"}, set()]
    # a: tp 1 (unit 0), fp 1 (unit 2), fn 1 (unit 1) -> P 1/2, R 1/2, F1 1/2
    # b: tp 1 (unit 1), fp 0, fn 1 (unit 3)          -> P 1, R 1/2, F1 2/3
    result = evaluate(gold, pred)
    a, b = result["per_label"]["a"], result["per_label"]["b"]
    assert (a["precision"], a["recall"], a["f1"]) == (0.5, 0.5, 0.5)
    assert (b["precision"], b["recall"]) == (1.0, 0.5) and b["f1"] == pytest.approx(2 / 3)
    # micro: tp 2, fp 1, fn 2 -> P 2/3, R 1/2, F1 4/7
    assert result["micro"]["precision"] == pytest.approx(2 / 3)
    assert result["micro"]["f1"] == pytest.approx(4 / 7)
    assert result["macro"]["f1"] == pytest.approx((0.5 + 2 / 3) / 2)


def test_undefined_figures_are_none_not_nan():
    result = evaluate([set(), set()], [set(), set()], labels=["a"])
    a = result["per_label"]["a"]
    assert a["precision"] is None and a["recall"] is None and a["f1"] is None
    assert result["macro"]["f1"] is None
