"""Long texts are parsed in pieces (spaCy refuses texts over max_length): the
joined doc has the same text, offsets and lemmas as a parse in one go, and
`suggest` on a transcript over max_length runs instead of failing."""
from __future__ import annotations

from qualcode.assist import nlp


def test_pieces_join_back_exactly():
    text = "Ligne une.\n" + "mot " * 50 + "\nfin" + "x" * 130
    for size in (7, 40, 100, 10_000):
        parts = nlp.pieces(text, size)
        assert "".join(parts) == text
        assert all(0 < len(p) <= size for p in parts)


def test_a_doc_parsed_in_pieces_is_the_doc_parsed_whole(monkeypatch):
    pipeline = nlp.load_pipeline()
    text = ("Enquêtrice : Comment ça se passe ?\nR : Les punaises étaient partout. "
            "Les éducs passent tous les quinze jours.\n") * 6
    whole = pipeline(text)
    monkeypatch.setattr(nlp, "PIECE_CHARS", 60)
    assert len(nlp.pieces(text)) > 6
    (joined, short) = nlp._parse_in_pieces(pipeline, [text, "Court."])
    assert joined.text == text and short.text == "Court."
    assert [(t.idx, t.text) for t in joined] == [(t.idx, t.text) for t in whole]
    same = sum(a.lemma_ == b.lemma_ for a, b in zip(joined, whole))
    assert same >= 0.95 * len(whole)  # a cut may change a tag next to it, never the offsets


def test_suggest_on_a_transcript_over_max_length(assist_project, monkeypatch):
    pipeline = nlp.load_pipeline()
    monkeypatch.setattr(pipeline, "max_length", 300)  # as if the transcript were over 1,000,000 characters
    monkeypatch.setattr(nlp, "PIECE_CHARS", 200)
    report = assist_project.suggest(["H1"], method="rules")
    assert report.parsed == 1 and report.units > 0
