"""Speed of `qualcode suggest` on the demo corpus, against its spaCy floor.

Prints: the floor (load the lemma pipeline and run plain `nlp.pipe` over the same
texts, in this process, with and without qualcode's lemmatizer fix), a cold
`suggest` (empty parse cache), the ratio cold / floor (target <= 1.3), a second
`suggest` with the cache (target <= 10 % of cold), and peak memory.
"""
from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo import demo_project  # noqa: E402


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def floor(texts, fixed: bool) -> float:
    import spacy

    from qualcode.assist.nlp import EXCLUDE, MODEL, speed_up_lemmatizer

    def run():
        nlp = spacy.load(MODEL, exclude=EXCLUDE)
        if fixed:
            speed_up_lemmatizer(nlp)
        for _ in nlp.pipe(texts, batch_size=4):
            pass

    return timed(run)[0]


def main():
    from qualcode import Project
    from qualcode.assist import suggest

    demo = demo_project()
    texts = [demo.store.transcript(t)["text"] for t in demo.store.transcript_ids()]
    words = sum(len(t.split()) for t in texts)
    demo.close()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(Path(demo.root) / "qualcode.db", Path(tmp) / "qualcode.db")
        project = Project.open(tmp)
        project.store._exec("DELETE FROM parse_cache")
        project.store._exec("DELETE FROM suggestions")
        plain = floor(texts, fixed=False)
        fixed = floor(texts, fixed=True)
        cold, report = timed(lambda: suggest.suggest(project, method="both", train_coder="coder-a"))
        warm, report2 = timed(lambda: suggest.suggest(project, method="both", train_coder="coder-a"))
        rules_warm, _ = timed(lambda: suggest.suggest(project, method="rules"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {len(texts)} transcripts, {words} words")
    print(f"floor, plain spaCy (load + nlp.pipe):           {plain:6.2f} s  ({words / plain:,.0f} words/s)")
    print(f"floor, with the lemmatizer fix:                 {fixed:6.2f} s  ({words / fixed:,.0f} words/s)")
    print(f"cold suggest (rules + model, empty cache):      {cold:6.2f} s  ratio to plain floor {cold / plain:.2f} "
          f"(target <= 1.3), to fixed floor {cold / fixed:.2f}; parsed {report.parsed}")
    print(f"second suggest (cache):                         {warm:6.2f} s  = {100 * warm / cold:.0f} % of cold "
          f"(target <= 10 %); parsed {report2.parsed}")
    print(f"second suggest, rules only (cache):             {rules_warm:6.2f} s  = {100 * rules_warm / cold:.0f} % of cold")
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
