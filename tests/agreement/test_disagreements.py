"""The passages where two coders differ, on the project of test_project (codings
at known offsets), on hand-made corpora, and through the CLI (terminal, JSON,
xlsx, docx)."""
from __future__ import annotations

import json

import pytest

from qualcode.agreement import disagreements as dg
from qualcode.agreement.project import Corpus, load
from qualcode.codebook.model import CodeSpec

from .test_project import proj  # noqa: F401  (the fixture)

# T1 = "E : Et la chambre, bien?\nR : Des punaises, sale !\nE : Et les éducs, alors?\n"
#      "R : Ils viennent. Rare !\n..."  (s2 = [29,49), s3 = [54,74), s4 = [79,99))
# ana: hotel [29,49), repit [29,39), equipe [79,99) and [129,149); bob: hotel [29,39) and [79,99),
# equipe [54,64) and [129,149). T2: both coders the same. T3: ana only (excluded).
EXPECTED = [
    # (start, end, kind, code, codes, ana applied, bob applied, before, text, after, segment, speaker)
    (29, 39, "only ana", "benefices/repit", ["benefices/repit"], ["benefices/repit", "freins/hotel"],
     ["freins/hotel"], "", "Des punais", "es, sale !", 2, "R"),
    (39, 49, "only ana", "freins/hotel", ["freins/hotel"], ["freins/hotel"], [],
     "Des punais", "es, sale !", "", 2, "R"),
    (54, 64, "only bob", "freins/equipe", ["freins/equipe"], [], ["freins/equipe"],
     "", "Et les édu", "cs, alors?", 3, "E"),
    # hotel (bob only) and equipe (ana only) on the same turn: different codes of the family freins
    (79, 99, "different codes", "freins", ["freins/equipe", "freins/hotel"], ["freins/equipe"],
     ["freins/hotel"], "", "Ils viennent. Rare !", "", 4, "R"),
]


def summary(p):
    return (p.start, p.end, p.kind, p.code, p.codes, p.applied["ana"], p.applied["bob"],
            p.before, p.text, p.after, p.segment, p.speaker)


def test_passages_where_two_coders_differ(proj):  # noqa: F811
    result = dg.find(load(proj, ["ana", "bob"]))
    assert result.transcripts == ["T1", "T2"] and result.excluded == {"T3": ["bob"]}
    assert [p.transcript for p in result.passages] == ["T1"] * 4
    assert [summary(p) for p in result.passages] == EXPECTED
    assert result.passages[1].context == "Des punaises, sale !"  # the whole sentence around the passage
    assert result.trivial == 0


def test_code_filter_and_respondents_scope(proj):  # noqa: F811
    corpus = load(proj, ["ana", "bob"])
    hotel = dg.find(corpus, within=["freins/hotel"]).passages
    assert [(p.start, p.code) for p in hotel] == [(39, "freins/hotel"), (79, "freins")]
    assert [p.code for p in dg.find(corpus, within=["benefices"]).passages] == ["benefices/repit"]
    respondents = dg.find(corpus, scope="respondents").passages
    assert [p.start for p in respondents] == [29, 39, 79]  # bob's [54,64) is in an interviewer turn
    with pytest.raises(Exception, match="exactly two coders"):
        dg.find(load(proj, ["ana", "bob", "cleo"]))


def corpus(text, codings, codes=("x", "y")):
    segments = [{"idx": 1, "speaker": "R", "role": "respondent", "start": 0, "end": len(text)}]
    return Corpus(["a", "b"], [CodeSpec(c, c.upper()) for c in codes], {"T": text}, {"T": segments},
                  [dict(zip(("coder", "code", "start", "end"), c), transcript="T") for c in codings], {})


def test_punctuation_only_differences_are_left_out_and_touching_runs_merge():
    text = "Il dit. Les punaises sont partout, vraiment. Après on verra."
    #       0      7                                    44
    found = dg.find(corpus(text, [("a", "x", 8, 44), ("b", "x", 8, 43),  # b leaves out the final "."
                                  ("a", "y", 0, 7), ("b", "y", 8, 20)]))
    assert found.trivial == 1  # x differs by "." only
    # y: a only [0,7) "Il dit.", then b only [8,20): the gap [7,8) is a space, so two passages
    assert [(p.start, p.end, p.kind) for p in found.passages] == [(0, 7, "only a"), (8, 20, "only b")]
    touching = dg.find(corpus(text, [("a", "y", 0, 10), ("b", "y", 10, 20)])).passages
    assert [(p.start, p.end, p.kind, p.applied) for p in touching] == [
        (0, 20, dg.DIFFERENT_EXTENT, {"a": ["y"], "b": ["y"]})]


def test_different_codes_only_within_a_family():
    codes = ("f", "f/a", "f/b", "g")
    text = "Une phrase assez longue pour deux codes. Fin."
    found = dg.find(corpus(text, [("a", "f/a", 0, 40), ("b", "f/b", 0, 40), ("b", "g", 0, 40)], codes))
    # f/a vs f/b: one passage of the family f; g (another family) stays a passage of its own
    assert [(p.kind, p.code, p.codes) for p in found.passages] == [
        (dg.DIFFERENT_CODES, "f", ["f/a", "f/b"]), ("only b", "g", ["g"])]
    assert found.passages[0].applied == {"a": ["f/a"], "b": ["f/b", "g"]}


def test_a_passage_between_turns_has_no_segment():
    text = "A : Bonjour.\nB : Salut."
    between = corpus(text, [("a", "x", 0, 3)])
    between.segments["T"] = [{"idx": 1, "speaker": "A", "role": "respondent", "start": 4, "end": 12},
                             {"idx": 2, "speaker": "B", "role": "interviewer", "start": 17, "end": 24}]
    (p,) = dg.find(between).passages
    assert (p.text, p.segment, p.speaker, p.before + "|" + p.after) == ("A :", None, "", "| Bonjour.")


def test_context_is_the_whole_sentences_within_the_turn():
    text = "R : Avant. Il dit que les punaises sont partout. Après ça ?\nE : Question."
    start = text.index("punaises")
    assert dg.context(text, start, start + 8) == ("Il dit que les ", " sont partout.")
    # a passage over two sentences keeps both, whole; the next line (another turn) is left out
    end = text.index("Après") + 5
    assert dg.context(text, start, end, 4) == ("Il dit que les ", " ça ?")
    long = "mot " * 300 + "cible " + "mot " * 300
    before, after = dg.context(long, 1200, 1205)
    assert before.startswith("…") and after.endswith("…") and len(before) <= dg.CONTEXT_LIMIT + 1


def test_cli_disagreements_terminal_json_and_files(proj, cli, tmp_path):  # noqa: F811
    from docx import Document
    from openpyxl import load_workbook

    shown = cli("disagreements", "--coders", "ana", "bob", "--min-chars", "0", "-p", proj.root)
    assert shown.code == 0, shown.err
    out = " ".join(shown.out.split())
    assert "segment 4 · R · [79:99] · different codes · freins" in out
    assert "« Ils viennent. Rare ! »" in out and "ana: freins/equipe" in out and "bob: freins/hotel" in out
    assert "« Des punaises, sale ! »" in out and "bob: —" in out
    assert "4 passages where ana and bob differ in 2 transcripts (T1, T2); excluded (not coded by both): T3" in out
    data = json.loads(cli("disagreements", "--coders", "ana", "bob", "--min-chars", "0", "--json", "-p", proj.root).out)
    assert [(p["start"], p["end"], p["kind"], p["code"]) for p in data["passages"]] == [e[:4] for e in EXPECTED]
    assert data["passages"][3]["applied"] == {"ana": ["freins/equipe"], "bob": ["freins/hotel"]}
    assert data["passages"][1]["context"] == "Des punaises, sale !"

    assert cli("disagreements", "--coders", "ana", "bob", "--min-chars", "0", "-p", proj.root, "--out", tmp_path / "d.xlsx").code == 0
    rows = [[c.value for c in row] for row in load_workbook(tmp_path / "d.xlsx").active.iter_rows()]
    assert rows[0] == ["Entretien", "Tour", "Locuteur", "Début", "Fin", "Type", "Code", "Appliqué par ana",
                       "Appliqué par bob", "Passage", "Contexte"]  # French headers (issue 14, S7)
    assert rows[4] == ["T1", 4, "R", 79, 99, "codes différents de la même famille", "freins", "freins/equipe",
                       "freins/hotel", "Ils viennent. Rare !", "Ils viennent. Rare !"]
    assert len(rows) == 5

    assert cli("disagreements", "--coders", "ana", "bob", "--min-chars", "0", "-p", proj.root, "--out", tmp_path / "d.docx").code == 0
    doc = Document(str(tmp_path / "d.docx"))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == [("Title", "Désaccords de codage : ana / bob"), ("Heading 1", "Entretien T1"),
                        ("Heading 2", "benefices/repit — Répit"), ("Heading 2", "freins — Freins"),
                        ("Heading 2", "freins/equipe — Équipe"), ("Heading 2", "freins/hotel — Hôtel")]
    quotes = [p for p in doc.paragraphs if p.style.name == "Quote"]
    hotel = quotes[-1]  # freins/hotel: [39,49) in its sentence, the passage in bold
    assert hotel.text == "Des punaises, sale !" and [r.text for r in hotel.runs if r.bold] == ["es, sale !"]
    texts = [p.text for p in doc.paragraphs]
    assert "segment 2 · R · caractères 39–49 · seulement ana" in texts and "ana : freins/hotel" in texts
    assert "bob : —" in texts and "segment 4 · R · caractères 79–99 · codes différents de la même famille" in texts

    bad = cli("disagreements", "--coders", "ana", "bob", "cleo", "-p", proj.root)
    assert bad.code == 1 and "exactly two coders" in bad.err
