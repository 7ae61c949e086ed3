"""Measure the choices behind the suggestion model on the demo corpus: the
threshold and top-k of the classifier, and the unit (sentence window vs whole
turn). Prints micro/macro F1 at leaf and family level for each variant,
5-fold cross-validation by transcript against coder-a."""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo import demo_project  # noqa: E402

from qualcode.assist import model, suggest, units  # noqa: E402


def run(project, label, **settings):
    original = model.CodeClassifier.__init__

    def patched(self, *, C=10.0, threshold=settings.get("threshold", 0.6), top_k=2):
        original(self, C=C, threshold=threshold, top_k=settings.get("leaf_k", 2) if top_k == 2 else settings.get("family_k", 1))

    model.CodeClassifier.__init__ = patched
    started = time.perf_counter()
    try:
        r = suggest.evaluate(project, "coder-a", folds=5, method="model")
    finally:
        model.CodeClassifier.__init__ = original
    leaf, fam = r["leaf"], r["family"]
    print(f"{label:<38} leaf micro F1 {leaf['micro']['f1']:.3f} (P {leaf['micro']['precision']:.2f} R {leaf['micro']['recall']:.2f})"
          f"  macro {leaf['macro']['f1']:.3f}   family micro F1 {fam['micro']['f1']:.3f}  units {r['units']}"
          f"  {time.perf_counter() - started:.1f} s")


def main():
    project = demo_project()
    for threshold in (0.4, 0.5, 0.6, 0.7):
        for leaf_k, family_k in ((1, 1), (2, 1), (2, 2), (3, 2)):
            run(project, f"window, p>={threshold}, top {leaf_k}/{family_k}", threshold=threshold,
                leaf_k=leaf_k, family_k=family_k)
    original = units.units_for_segment
    units.units_for_segment = lambda text, start, end, **kw: [(start, end)]
    try:
        for threshold in (0.5, 0.6):
            run(project, f"whole turn, p>={threshold}, top 2/1", threshold=threshold, leaf_k=2, family_k=1)
    finally:
        units.units_for_segment = original


if __name__ == "__main__":
    main()
