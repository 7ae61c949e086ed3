"""`qualcode search`: hits with context and exact offsets over French text
(accents, case, inflections with --lemma), filters, and coding all hits in one
audited transaction."""
from __future__ import annotations

import json

import pytest

from qualcode import search as kwic

BOOK = """\
name: Test
version: 1
codes:
  - id: freins
    label: Freins
    family: true
  - id: freins/hotel
    label: Conditions hôtelières
  - id: freins/attente
    label: Attente
"""

U1 = """\
Enquêteur : Vous avez attendu longtemps ?
Marie : J'ai attendu trois heures dans le hall. Les PUNAISES, j'en avais partout. J'attends encore la chambre.
Enquêteur : Et l'hôtel ?
Marie : L'Hôtel est sale. Une punaise sur l'oreiller ! On attendait mieux.
"""

P1 = """\
Enquêteur : Comment se passe l'hébergement ?
Julien : L'hebergement tient, mais les hôtels ont des punaises de lit. On attend les travaux.
Enquêteur : Et les équipes ?
Julien : Elles tiennent.
"""

HOTEL = "freins/hotel"


@pytest.fixture
def proj(project, tmp_path):
    for name, text, actor in (("U1", U1, "usagers"), ("P1", P1, "partenaires")):
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        project.import_files([path], attrs=[f"actor_type={actor}"], actor="setup")
    book = tmp_path / "book.yaml"
    book.write_text(BOOK, encoding="utf-8")
    project.load_codebook(book, actor="setup")
    return project


def run_json(cli, proj, *args) -> list[dict]:
    result = cli("search", *args, "--json", "--project", proj.root)
    assert result.code == 0, result.err
    return json.loads(result.out)


def refused(result, *needles) -> None:
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    line = result.err.strip().splitlines()[-1]
    assert line.startswith("qualcode: error: ")
    for needle in needles:
        assert needle in line, (needle, line)


def test_hits_have_exact_offsets_speaker_turn_and_context(cli, proj):
    hits = run_json(cli, proj, "punaises")
    texts = {t: proj.transcript(t)["text"] for t in ("U1", "P1")}
    assert [(h["transcript"], h["match"]) for h in hits] == [("P1", "punaises"), ("U1", "PUNAISES")]
    for h in hits:
        assert texts[h["transcript"]][h["start"]:h["end"]] == h["match"]
        assert texts[h["transcript"]][h["start"] - len(h["left"]):h["start"]] == h["left"]
    u1 = hits[1]
    assert (u1["speaker"], u1["turn"], u1["role"]) == ("Marie", 2, "respondent")
    assert u1["left"].endswith("dans le hall. Les ") and u1["right"].startswith(", j'en avais")


def test_accents_and_case_optional_in_both_directions(cli, proj):
    assert [h["match"] for h in run_json(cli, proj, "HEBERGEMENT")] == ["hébergement", "hebergement"]
    assert [h["match"] for h in run_json(cli, proj, "hébergement")] == ["hébergement", "hebergement"]
    assert [h["match"] for h in run_json(cli, proj, "l'hotel", "-t", "U1")] == ["l'hôtel", "L'Hôtel"]


def test_without_lemma_inflections_need_a_wildcard(cli, proj):
    none = cli("search", "attendre", "--json", "--project", proj.root)
    assert (none.code, json.loads(none.out)) == (1, [])  # like grep: no hit, exit 1
    assert [h["match"] for h in run_json(cli, proj, "attend*")] == [
        "attend", "attendu", "attendu", "attends", "attendait"]


def test_lemma_finds_french_inflections(cli, proj):
    hits = run_json(cli, proj, "attendre", "--lemma")
    assert [h["match"] for h in hits] == ["attend", "attendu", "attendu", "attends", "attendait"]
    text = proj.transcript("U1")["text"]
    assert all(text[h["start"]:h["end"]] == h["match"] for h in hits if h["transcript"] == "U1")
    # a plural pattern finds the singular, across case and accents
    assert [h["match"] for h in run_json(cli, proj, "PUNAISES", "--lemma", "-t", "U1")] == ["PUNAISES", "punaise"]


def test_filters_by_transcript_attribute_and_role(cli, proj):
    assert {h["transcript"] for h in run_json(cli, proj, "attend*", "--where", "actor_type=partenaires")} == {"P1"}
    assert {h["transcript"] for h in run_json(cli, proj, "attend*", "-t", "P1,U1")} == {"P1", "U1"}
    hits = run_json(cli, proj, "attend*", "--role", "interviewer")
    assert [(h["transcript"], h["turn"], h["speaker"]) for h in hits] == [("U1", 1, "Enquêteur")]


def test_kwic_table_and_no_hits(cli, proj):
    result = cli("search", "punaise*", "--context", "12", "--project", proj.root)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert any("U1 #2 Marie" in line and "PUNAISES" in line for line in lines)
    assert "3 hits in 2 transcripts" in result.out
    result = cli("search", "cafards", "--project", proj.root)
    assert result.code == 1 and "no hits" in result.out


def test_bad_inputs_are_one_line_errors(cli, proj):
    refused(cli("search", "x", "-t", "NOPE", "--project", proj.root), "unknown transcript 'NOPE'")
    refused(cli("search", "x", "--where", "city=Paris", "--project", proj.root), "attribute 'city'")
    refused(cli("search", "x", "--where", "oops", "--project", proj.root), "bad filter 'oops'")
    refused(cli("search", "  ", "--project", proj.root), "empty")
    refused(cli("search", "punais*", "--lemma", "--project", proj.root), "--lemma", "*")
    refused(cli("search", "x", "--role", "boss", "--project", proj.root), "role 'boss'")
    refused(cli("search", "punaises", "--code", HOTEL, "--project", proj.root), "--coder")
    refused(cli("search", "punaises", "--coder", "ana", "--project", proj.root), "--code")
    refused(cli("search", "punaises", "--code", "nope", "--coder", "ana", "--project", proj.root), "unknown code 'nope'")
    refused(cli("search", "punaises", "--code", HOTEL, "--coder", "ana", "--unit", "page", "--project", proj.root),
            "unit 'page'")
    assert proj.store.codings() == []


def test_code_all_hits_needs_yes_without_a_terminal_and_dry_run_changes_nothing(cli, proj):
    refused(cli("search", "punaise*", "--code", HOTEL, "--coder", "ana", "--project", proj.root),
            "3 hits", "--yes")
    result = cli("search", "punaise*", "--code", HOTEL, "--coder", "ana", "--dry-run", "--project", proj.root)
    assert result.code == 0, result.err
    assert "3 hit passages to code" in " ".join(result.out.split()) and "dry run" in result.out
    assert proj.store.codings() == []
    assert proj.store.audit_entries(action_prefix="coding") == []


def test_code_all_hits_in_one_audited_transaction(cli, proj):
    result = cli("search", "punaise*", "--code", HOTEL, "--coder", "ana", "--yes", "--project", proj.root)
    assert result.code == 0, result.err
    codings = proj.store.codings(coder="ana")
    texts = {t: proj.transcript(t)["text"] for t in ("U1", "P1")}
    assert sorted(texts[c["transcript"]][c["start"]:c["end"]] for c in codings) == ["PUNAISES", "punaise", "punaises"]
    assert {c["origin"] for c in codings} == {"search"}
    assert codings[0]["provenance"] == {"search": "punaise*", "lemma": False, "unit": "hit"}
    adds = proj.store.audit_entries(action_prefix="coding.add")
    assert len(adds) == 3 and {e["actor"] for e in adds} == {"ana"}
    [summary] = proj.store.audit_entries(action_prefix="search.code")
    assert summary["after"]["codings"] == sorted(c["id"] for c in codings)
    # again: everything is already coded, nothing is added
    result = cli("search", "punaise*", "--code", HOTEL, "--coder", "ana", "--yes", "--project", proj.root)
    assert result.code == 0 and "nothing to code" in result.out
    assert len(proj.store.codings(coder="ana")) == 3


def test_units_sentence_and_turn_merge_hits_and_skip_covered_passages(cli, proj):
    text = proj.transcript("U1")["text"]
    sentence = "Une punaise sur l'oreiller !"
    start = text.index(sentence)
    # a coding of the same code by the same coder already covers the second hit's sentence
    proj.apply_code("U1", HOTEL, "ana", span=(start, start + len(sentence)))
    rows = run_json(cli, proj, "punaise*", "-t", "U1", "--code", HOTEL, "--coder", "ana",
                    "--unit", "sentence", "--dry-run")
    assert [text[r["start"]:r["end"]] for r in rows] == ["Les PUNAISES, j'en avais partout.", sentence]
    assert [r["covered_by"] is not None for r in rows] == [False, True]
    created = run_json(cli, proj, "attend*", "-t", "U1", "--role", "respondent", "--code", "freins/attente",
                       "--coder", "ana", "--unit", "turn", "--yes")
    segs = proj.segments("U1")
    # three hits in turn 2, one in turn 4: two turns coded
    assert [(c["start"], c["end"]) for c in created] == [(segs[1]["start"], segs[1]["end"]),
                                                         (segs[3]["start"], segs[3]["end"])]


def test_a_failure_midway_codes_nothing(proj, monkeypatch):
    from qualcode import coding as ops

    found = kwic.passages(proj, kwic.search(proj, "punaise*"), "hit")
    calls = []
    real_add = ops.add

    def failing_add(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_add(*args, **kwargs)

    monkeypatch.setattr(ops, "add", failing_add)
    with pytest.raises(RuntimeError):
        kwic.code_passages(proj, found, HOTEL, "ana", pattern="punaise*")
    assert proj.store.codings() == [] and proj.store.audit_entries(action_prefix="coding") == []
