"""Rule-based suggestions from the codebook's keywords.

Each keyword or phrase is matched on lemmas (PhraseMatcher on LEMMA: "punaises"
finds "punaise de lit", "hébergés" finds "héberger") and on lower-cased forms
(the French lemmatizer errs on rare words: "addictologique" -> "addictologiqu").
A keyword with " ... " between words matches with up to three words in the gap
(Matcher with exact LEMMA patterns, cheaper than IN-sets).
"""
from __future__ import annotations

from bisect import bisect_right


def build_matchers(vocab, keyword_codes: dict[str, list[str]], keyword_tokens: dict):
    """keyword_codes: keyword -> codes that list it; keyword_tokens: keyword ->
    (words, lemmas). Returns a function doc -> [(char_start, code, keyword)]."""
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc

    lemma_matcher = PhraseMatcher(vocab, attr="LEMMA")
    lower_matcher = PhraseMatcher(vocab, attr="LOWER")
    gap_matcher = Matcher(vocab)
    names: dict[int, str] = {}
    for keyword, (words, lemmas) in keyword_tokens.items():
        if not words:
            continue
        key = f"kw:{keyword}"
        names[vocab.strings.add(key)] = keyword
        if "..." in words:
            pattern = []
            for word, lemma in zip(words, lemmas):
                if word == "...":
                    pattern.append({"OP": "?"})
                    pattern.extend({"OP": "?"} for _ in range(2))
                else:
                    pattern.append({"LEMMA": lemma})
            gap_matcher.add(key, [pattern])
            continue
        lemma_matcher.add(key, [Doc(vocab, words=list(words), lemmas=list(lemmas))])
        lower_matcher.add(key, [Doc(vocab, words=[w.lower() for w in words])])

    def run(doc):
        hits = set()
        matchers = [lemma_matcher, lower_matcher] + ([gap_matcher] if len(gap_matcher) else [])
        for matcher in matchers:
            for key, start, _end in matcher(doc):
                hits.add((doc[start].idx, names[key]))
        return [(pos, code, kw) for pos, kw in sorted(hits) for code in keyword_codes[kw]]

    return run


def suggest_units(units: list[dict], hits) -> list[dict]:
    """Group keyword hits by unit: one suggestion per (unit, code), scored by the
    number of distinct keywords found (1 -> 0.5, 2 -> 0.75, 3 -> 0.875...)."""
    starts = [u["start"] for u in units]
    found: dict[tuple[int, str], set[str]] = {}
    for pos, code, keyword in hits:
        i = bisect_right(starts, pos) - 1
        if i >= 0 and units[i]["start"] <= pos < units[i]["end"]:
            found.setdefault((i, code), set()).add(keyword)
    out = []
    for (i, code), keywords in sorted(found.items()):
        out.append({"start": units[i]["start"], "end": units[i]["end"], "code": code,
                    "score": round(1 - 0.5 ** len(keywords), 4), "method": "rules",
                    "explanation": "mots-clés : " + ", ".join(sorted(keywords))})
    return out
