"""Training: thresholds per code chosen on out-of-fold scores, per-code figures
(kappa) for --only-reliable, the codebook's text as examples, cold start."""
from __future__ import annotations

import numpy as np
import pytest

from qualcode.assist import training
from qualcode.assist.features import Example, Lemmas, codebook_examples, codebook_texts, ngrams
from qualcode.codebook.model import CodeSpec
from tests.assist.test_model import FAMILY, LEAVES, ex, family_of


def test_folds_by_group_round_robin():
    assert training.folds_of(["b", "a", "c", "a", "d"], 2) == [["a", "c"], ["b", "d"]]
    assert training.folds_of(["a"], 3) == [["a"]]


def test_per_code_thresholds_follow_each_codes_scores():
    # code 0 is right from 0.3 up, code 1 only from 0.6 up: their thresholds differ
    Q = np.array([[0.35, 0.0], [0.32, 0.0], [0.31, 0.0], [0.2, 0.0],
                  [0.0, 0.65], [0.0, 0.62], [0.0, 0.61], [0.0, 0.45], [0.0, 0.4]])
    gold = [{"a"}, {"a"}, {"a"}, set(), {"b"}, {"b"}, {"b"}, set(), set()]
    th, global_t, fam_t = training.choose_thresholds(Q, gold, [{"F"} if g else set() for g in gold],
                                                     ["a", "b"], ["F", "F"], shrink=0.0)
    assert 0.2 < th[0] <= 0.3 + 1e-9 and 0.45 < th[1] <= 0.6 + 1e-9
    shrunk, g2, _ = training.choose_thresholds(Q, gold, [{"F"} if g else set() for g in gold], ["a", "b"],
                                               ["F", "F"], shrink=0.5)
    assert shrunk == pytest.approx((th + g2) / 2)
    flat, _, _ = training.choose_thresholds(Q, gold, [set()] * 9, ["a", "b"], ["F", "F"], per_code=False)
    assert flat[0] == flat[1]


def test_code_stats_kappa_by_hand():
    Q = np.array([[0.9, 0.0], [0.9, 0.0], [0.0, 0.9], [0.0, 0.0]])
    gold = [{"a"}, set(), {"b"}, {"a"}]
    stats = training.code_stats(Q, gold, [{"F"}, set(), {"F"}, {"F"}], ["a", "b"], ["F", "F"], np.array([0.5, 0.5]), 0.5)
    # a: tp 1, fp 1, fn 1, tn 1 -> po .5, pe .5 -> kappa 0
    assert stats["a"]["kappa"] == pytest.approx(0.0) and stats["a"]["precision"] == 0.5
    assert stats["b"]["kappa"] == pytest.approx(1.0) and stats["b"]["support"] == 1
    assert stats["F"]["support"] == 3 and stats["F"]["precision"] == pytest.approx(2 / 3)


def test_train_chooses_thresholds_and_figures_by_cross_validation():
    groups = ["T1", "T2", "T3"]
    examples = [Example(e.features, e.labels, e.negatives, 1.0, groups[i % 3])
                for i, e in enumerate([ex("punaise chambre gratter nuit", ["hotel/bugs"]),
                                       ex("bruit couloir nuit voisin", ["hotel/noise"]),
                                       ex("ticket euro manger semaine", ["money/tickets"]),
                                       ex("rien de spécial ici")] * 6)]
    model = training.train(examples, family_of, leaves=LEAVES)
    assert model.info["cv_folds"] == 3 and model.info["transcripts"] == 3
    assert set(model.stats) >= {"hotel/bugs", "money/tickets", "hotel"}
    assert model.stats["money/tickets"]["kappa"] > 0.5
    assert all(0.15 <= t <= 0.9 for t in model.thresholds)


CODES = [CodeSpec("hotel", "Hôtel", family=True),
         CodeSpec("hotel/bugs", "Punaises", description="punaise gratter chambre", keywords=["punaise", "cafard"],
                  exclude="bruit la nuit (-> hotel/noise)"),
         CodeSpec("hotel/noise", "Bruit", description="bruit couloir voisin"),
         CodeSpec("money", "Argent", family=True),
         CodeSpec("money/tickets", "Tickets", description="ticket euro manger", example="douze euros par semaine")]


class _Doc(list):
    pass


class _Tok:
    def __init__(self, word, idx):
        self.idx, self.lemma_, self.is_alpha, self.text = idx, word, word.isalpha(), word

    def __len__(self):
        return len(self.text)


def _lemmas(text):
    doc, pos = _Doc(), 0
    for w in text.split():
        doc.append(_Tok(w, pos))
        pos += len(w) + 1
    return Lemmas(doc)


def test_codebook_text_examples_include_and_exclude():
    texts = codebook_texts(CODES)
    assert ("hotel/bugs", "punaise ; cafard", None) in texts
    assert ("hotel/bugs", "bruit la nuit", "hotel/noise") in texts
    rows = codebook_examples(texts, {t: _lemmas(t) for _, t, _ in texts})
    exclude = [r for r in rows if r.negatives]
    assert len(exclude) == 1 and exclude[0].labels == {"hotel/noise"} and exclude[0].negatives == {"hotel/bugs"}
    assert any(r.labels == {"money/tickets"} and "douze" in r.features for r in rows)


def test_cold_start_from_the_codebook_alone():
    texts = codebook_texts(CODES)
    rows = codebook_examples(texts, {t: _lemmas(t) for _, t, _ in texts})
    units = [ngrams(t.split()) for t in ("une punaise dans la chambre", "douze euros pour manger", "le bruit du voisin",
                                         "il fait beau")] * 3
    model = training.train_cold(rows, units, family_of, leaves=LEAVES)
    assert model.info["cold"] is True
    preds = model.predict(units[:3])
    assert [p[0].code for p in preds if p] and preds[0][0].code in ("hotel/bugs", "hotel")
    assert preds[1] and preds[1][0].code in ("money/tickets", "money")
    assert FAMILY  # the same hierarchy as the model tests


def test_precision_floor_raises_the_threshold():
    # from 0.35 up everything that passes is right; below, 5 of 7
    Q = np.array([[0.8], [0.7], [0.6], [0.3], [0.25], [0.2], [0.2]])
    gold = [{"a"}, {"a"}, {"a"}, set(), {"a"}, set(), {"a"}]
    fam = [{"F"} if g else set() for g in gold]
    f1_best, g1, _ = training.choose_thresholds(Q, gold, fam, ["a"], ["F"], min_precision=None)
    floor, g2, _ = training.choose_thresholds(Q, gold, fam, ["a"], ["F"], min_precision=0.9)
    assert g1 == pytest.approx(0.15) and f1_best[0] == pytest.approx(0.15)  # all seven pass: F1 10/12
    assert g2 == pytest.approx(0.35) and floor[0] == pytest.approx(0.35)  # the three right ones: precision 1
    never, g3, _ = training.choose_thresholds(Q * 0.5, [set()] * 7, [set()] * 7, ["a"], ["F"], min_precision=0.9)
    assert g3 == pytest.approx(0.9)  # no threshold is precise enough: the highest
