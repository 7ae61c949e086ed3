"""`code`, `uncode`, `codings`, `memo` and `log`: every selector stores the exact
offsets, every refusal is one clear line with exit 1 and changes nothing, and
the audit trail holds every change with who, when and before/after."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from qualcode import coding as ops

JSON_FIELDS = {"id", "transcript", "code", "coder", "start", "end", "quote", "memo", "time"}


def ok(result):
    assert result.code == 0, result.err
    return result


def refused(result, *needles) -> str:
    assert result.code == 1, (result.out, result.err)
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("qualcode: error: ")
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def codings(cli, proj, *args) -> list[dict]:
    return json.loads(ok(cli("codings", *args, "--json", "--project", proj.root)).out)


def log(cli, proj, *args) -> list[dict]:
    return json.loads(ok(cli("log", *args, "--json", "--project", proj.root)).out)


def text_of(proj, tid="T1") -> str:
    return proj.transcript(tid)["text"]


def code(cli, proj, *args):
    return cli("code", *args, "--project", proj.root)


# -- selectors ------------------------------------------------------------------
def test_segment_selector(cli, proj):
    seg = proj.segments("T1")[1]
    result = ok(code(cli, proj, "T1", "freins/hotel", "--coder", "ana", "--segment", "2", "--json"))
    stored = json.loads(result.out)
    assert (stored["start"], stored["end"]) == (seg["start"], seg["end"])
    assert stored["quote"] == seg["text"] == text_of(proj)[seg["start"]:seg["end"]]
    assert stored["quote"].startswith("Depuis un an")
    [listed] = codings(cli, proj)
    assert (listed["start"], listed["end"], listed["coder"], listed["code"]) == (
        seg["start"], seg["end"], "ana", "freins/hotel")


def test_quote_selector(cli, proj):
    text = text_of(proj)
    start = text.index("Les punaises, j'en avais partout.")
    out = ok(code(cli, proj, "T1", "freins/hotel/punaises", "--coder", "ana",
                  "--quote", "Les punaises, j'en avais partout.")).out
    assert f"[{start}:{start + 33}]" in out
    [c] = codings(cli, proj)
    assert (c["start"], c["end"]) == (start, start + len("Les punaises, j'en avais partout."))
    assert c["quote"] == "Les punaises, j'en avais partout."


def test_quote_with_occurrence(cli, proj):
    text = text_of(proj)
    starts = [m.start() for m in re.finditer("je sais pas", text)]
    assert len(starts) == 3
    for k in (3, 1, 2):
        ok(code(cli, proj, "T1", "freins/visites", "--coder", "ana", "--quote", "je sais pas",
                "--occurrence", str(k)))
    got = sorted((c["start"], c["end"]) for c in codings(cli, proj))
    assert got == [(s, s + len("je sais pas")) for s in starts]


def test_quote_inside_segment(cli, proj):
    text = text_of(proj)
    seg2, seg4 = proj.segments("T1")[1], proj.segments("T1")[3]
    # one occurrence in segment 2: no --occurrence needed although it repeats in the text
    ok(code(cli, proj, "T1", "freins/visites", "--coder", "ana", "--segment", "2", "--quote", "je sais pas"))
    # two in segment 4: --occurrence counts inside the segment
    ok(code(cli, proj, "T1", "freins/visites", "--coder", "ana", "--segment", "4", "--quote", "je sais pas",
            "--occurrence", "2"))
    first = text.index("je sais pas", seg2["start"])
    second = text.index("je sais pas", text.index("je sais pas", seg4["start"]) + 1)
    assert second < seg4["end"]
    got = sorted((c["start"], c["end"]) for c in codings(cli, proj))
    assert got == [(first, first + 11), (second, second + 11)]
    refused(code(cli, proj, "T1", "freins/visites", "--coder", "ana", "--segment", "4", "--quote", "je sais pas"),
            "occurs 2 times in transcript 'T1' segment 4", "--occurrence")
    refused(code(cli, proj, "T1", "freins/visites", "--coder", "ana", "--segment", "3", "--quote", "punaises"),
            "quote not found in transcript 'T1' segment 3")


def test_span_selector(cli, proj):
    text = text_of(proj)
    ok(code(cli, proj, "T1", "benefices/sante", "--coder", "ana", "--span", "10:25", "--memo", "à revoir"))
    [c] = codings(cli, proj)
    assert (c["start"], c["end"], c["quote"], c["memo"]) == (10, 25, text[10:25], "à revoir")
    ok(code(cli, proj, "T1", "benefices/sante", "--coder", "ana", "--span", f"0:{len(text)}"))
    assert {(c["start"], c["end"]) for c in codings(cli, proj)} == {(10, 25), (0, len(text))}


def test_tolerant_quote_and_identical_coding(cli, proj):
    text = text_of(proj)
    # straight apostrophe and different case for the text's typographic one
    ok(code(cli, proj, "T1", "freins/hotel", "--coder", "ana", "--quote", "VOUS êtes à l'hôtel"))
    start = text.index("Vous êtes à l’hôtel")
    [c] = codings(cli, proj)
    assert (c["start"], c["end"]) == (start, start + len("Vous êtes à l’hôtel"))
    # coding the same passage again returns the same coding, stored once
    again = json.loads(ok(code(cli, proj, "T1", "freins/hotel", "--coder", "ana", "--span",
                                  f"{c['start']}:{c['end']}", "--json")).out)
    assert again["id"] == c["id"]
    assert len(codings(cli, proj)) == 1
    assert len(proj.store.audit_entries(action_prefix="coding.add")) == 1


# -- refusals -------------------------------------------------------------------
@pytest.mark.parametrize("args, needles", [
    (("T1", "freins/hotell", "--coder", "ana", "--segment", "2"),
     ("unknown code 'freins/hotell'", "did you mean freins/hotel")),
    (("T9", "freins/hotel", "--coder", "ana", "--segment", "2"), ("unknown transcript 'T9'", "T1")),
    (("T1", "freins/hotel", "--coder", "ana", "--span", "0:100000"), ("span 0:100000 is outside transcript 'T1'",)),
    (("T1", "freins/hotel", "--coder", "ana", "--span", "-5:10"), ("outside transcript 'T1'",)),
    (("T1", "freins/hotel", "--coder", "ana", "--span", "12:12"), ("span 12:12", "empty")),
    (("T1", "freins/hotel", "--coder", "ana", "--span", "20:12"), ("span 20:12", "empty")),
    (("T1", "freins/hotel", "--coder", "ana", "--span", "a:b"), ("bad span 'a:b'", "START:END")),
    (("T1", "freins/hotel", "--coder", "ana", "--segment", "99"), ("segments 1 to 4, not 99",)),
    (("T1", "freins/hotel", "--coder", "ana", "--quote", "des cafards partout"),
     ("quote not found in transcript 'T1'", "des cafards partout")),
    (("T1", "freins/hotel", "--coder", "ana", "--quote", "je sais pas"),
     ("quote occurs 3 times in transcript 'T1'", "--occurrence K")),
    (("T1", "freins/hotel", "--coder", "ana", "--quote", "je sais pas", "--occurrence", "4"),
     ("quote occurs 3 time(s) in transcript 'T1', not 4",)),
    (("T1", "freins/hotel", "--coder", "ana", "--quote", "je sais pas", "--occurrence", "0"),
     ("not 0",)),
    (("T1", "freins/hotel", "--coder", "ana", "--segment", "2", "--span", "1:5"), ("choose one selector",)),
    (("T1", "freins/hotel", "--coder", "ana", "--quote", "Bonjour", "--span", "1:5"), ("choose one selector",)),
    (("T1", "freins/hotel", "--coder", "ana"), ("choose one selector",)),
    (("T1", "freins/hotel", "--coder", "ana", "--segment", "2", "--occurrence", "2"),
     ("--occurrence K goes with --quote",)),
    (("T1", "freins/hotel", "--segment", "2"), ("needs a coder name", "--coder")),
    (("T1", "freins/hotel", "--coder", "  ", "--segment", "2"), ("needs a coder name",)),
])
def test_code_refusals(cli, proj, args, needles):
    audit_before = len(proj.store.audit_entries())
    refused(code(cli, proj, *args), *needles)
    assert proj.store.codings() == []
    assert len(proj.store.audit_entries()) == audit_before


def test_outside_a_project(cli, tmp_path):
    refused(cli("code", "T1", "freins", "--coder", "ana", "--segment", "1", cwd=tmp_path), "not a qualcode project")


# -- uncode ---------------------------------------------------------------------
def test_uncode_by_selectors_and_id(cli, proj):
    text = text_of(proj)
    ok(code(cli, proj, "T1", "freins/hotel", "--coder", "ana", "--segment", "2"))
    ok(code(cli, proj, "T1", "freins/hotel", "--coder", "bob", "--segment", "2"))
    ok(code(cli, proj, "T1", "freins/visites", "--coder", "ana", "--quote", "je sais pas", "--occurrence", "2"))
    ok(code(cli, proj, "T1", "benefices/sante", "--coder", "ana", "--span", "3:9"))
    ok(code(cli, proj, "T2", "benefices/sante", "--coder", "ana", "--segment", "4"))
    assert len(codings(cli, proj)) == 5

    out = ok(cli("uncode", "T1", "freins/hotel", "--coder", "ana", "--segment", "2", "--project", proj.root)).out
    assert "removed coding" in out
    assert {(c["coder"], c["code"]) for c in codings(cli, proj, "--transcript", "T1")} == {
        ("bob", "freins/hotel"), ("ana", "freins/visites"), ("ana", "benefices/sante")}
    ok(cli("uncode", "T1", "freins/visites", "--coder", "ana", "--quote", "je sais pas", "--occurrence", "2",
           "--project", proj.root))
    ok(cli("uncode", "T1", "benefices/sante", "--coder", "ana", "--span", "3:9", "--project", proj.root,
           "--by", "superviseur"))
    [t2] = [c for c in codings(cli, proj) if c["transcript"] == "T2"]
    ok(cli("uncode", "--id", str(t2["id"]), "--project", proj.root))
    left = codings(cli, proj)
    assert [(c["coder"], c["code"]) for c in left] == [("bob", "freins/hotel")]

    removals = proj.store.audit_entries(action_prefix="coding.remove")
    assert len(removals) == 4
    assert [r["actor"] for r in removals] == ["ana", "ana", "superviseur", "ana"]
    span_removal = removals[2]
    assert span_removal["before"] == {"transcript": "T1", "code": "benefices/sante", "coder": "ana",
                                      "start": 3, "end": 9, "quote": text[3:9], "memo": ""}
    assert span_removal["after"] is None

    refused(cli("uncode", "T1", "freins/hotel", "--coder", "ana", "--segment", "2", "--project", proj.root),
            "no coding of freins/hotel by ana on T1")
    refused(cli("uncode", "--id", "999", "--project", proj.root), "no coding #999")
    refused(cli("uncode", "T1", "freins/hotel", "--project", proj.root), "give --id N")
    assert len(codings(cli, proj)) == 1


# -- listing --------------------------------------------------------------------
@pytest.fixture
def many(cli, proj):
    """Five codings over two transcripts, three codes, two coders."""
    for args in [
        ("T1", "freins/hotel", "--coder", "ana", "--segment", "2"),
        ("T1", "freins/hotel/punaises", "--coder", "bob", "--quote", "Les punaises", "--memo", "lésions ?"),
        ("T1", "freins/visites", "--coder", "ana", "--segment", "4"),
        ("T2", "freins/visites", "--coder", "bob", "--segment", "2"),
        ("T2", "benefices/sante", "--coder", "ana", "--segment", "4"),
    ]:
        ok(code(cli, proj, *args))
    return proj


def test_codings_json_fields(cli, many):
    rows = codings(cli, many)
    assert len(rows) == 5
    texts = {t: text_of(many, t) for t in ("T1", "T2")}
    for row in rows:
        assert JSON_FIELDS <= set(row)
        assert isinstance(row["id"], int)
        assert row["quote"] == texts[row["transcript"]][row["start"]:row["end"]]
        stamp = datetime.fromisoformat(row["time"])
        assert abs(datetime.now(timezone.utc) - stamp) < timedelta(minutes=5)
    [memo] = [r for r in rows if r["memo"]]
    assert (memo["code"], memo["coder"], memo["memo"], memo["quote"]) == (
        "freins/hotel/punaises", "bob", "lésions ?", "Les punaises")


def test_codings_filters(cli, many):
    def keys(*args):
        return sorted((r["transcript"], r["code"], r["coder"]) for r in codings(cli, many, *args))

    assert keys("--transcript", "T2") == [("T2", "benefices/sante", "ana"), ("T2", "freins/visites", "bob")]
    # a code includes its descendants, and only them (not 'freins/hotelxyz'-like siblings)
    assert keys("--code", "freins/hotel") == [("T1", "freins/hotel", "ana"), ("T1", "freins/hotel/punaises", "bob")]
    assert keys("--code", "freins") == [("T1", "freins/hotel", "ana"), ("T1", "freins/hotel/punaises", "bob"),
                                        ("T1", "freins/visites", "ana"), ("T2", "freins/visites", "bob")]
    assert keys("--coder", "bob") == [("T1", "freins/hotel/punaises", "bob"), ("T2", "freins/visites", "bob")]
    assert keys("--actor-type", "pilotage") == [("T2", "benefices/sante", "ana"), ("T2", "freins/visites", "bob")]
    assert keys("--actor-type", "usagers", "--coder", "ana", "--code", "freins") == [
        ("T1", "freins/hotel", "ana"), ("T1", "freins/visites", "ana")]
    assert keys("--actor-type", "partenaires") == []
    refused(cli("codings", "--code", "freins/hotell", "--project", many.root), "did you mean freins/hotel")
    table = " ".join(ok(cli("codings", "--coder", "bob", "--project", many.root)).out.split())
    assert "2 codings" in table and "Les punaises" in table and "lésions ?" in table


# -- memos ----------------------------------------------------------------------
def test_memos_on_coding_code_and_transcript(cli, many):
    proj = many
    [c] = [r for r in codings(cli, proj) if r["code"] == "freins/visites" and r["transcript"] == "T2"]
    for kind, target, text in [("coding", str(c["id"]), "passage clé"), ("code", "freins/visites", "à préciser"),
                               ("transcript", "T2", "entretien écourté")]:
        assert ok(cli("memo", kind, target, "--project", proj.root)).out == "\n"
        ok(cli("memo", kind, target, text, "--by", "lea", "--project", proj.root))
        assert ok(cli("memo", kind, target, "--project", proj.root)).out == text + "\n"
        assert ops.get_memo(proj, kind, target) == text
    assert [r["memo"] for r in codings(cli, proj) if r["id"] == c["id"]] == ["passage clé"]

    coding_memo = proj.store.audit_entries(action_prefix="coding.memo")[-1]
    assert coding_memo["actor"] == "lea" and coding_memo["target"] == f"coding:{c['id']}"
    assert coding_memo["before"]["memo"] == "" and coding_memo["after"]["memo"] == "passage clé"
    assert coding_memo["after"]["quote"] == c["quote"]
    code_memo = proj.store.audit_entries(action_prefix="code.memo")[-1]
    assert (code_memo["actor"], code_memo["target"], code_memo["before"], code_memo["after"]) == (
        "lea", "code:freins/visites", {"memo": ""}, {"memo": "à préciser"})
    t_memo = proj.store.audit_entries(action_prefix="transcript.memo")[-1]
    assert (t_memo["actor"], t_memo["target"], t_memo["before"], t_memo["after"]) == (
        "lea", "transcript:T2", {"memo": ""}, {"memo": "entretien écourté"})
    # changing a memo records the old text
    ok(cli("memo", "code", "freins/visites", "précisé", "--by", "lea", "--project", proj.root))
    assert proj.store.audit_entries(action_prefix="code.memo")[-1]["before"] == {"memo": "à préciser"}

    refused(cli("memo", "coding", "abc", "x", "--project", proj.root), "coding id must be a number")
    refused(cli("memo", "coding", "999", "x", "--project", proj.root), "no coding #999")
    refused(cli("memo", "code", "nope", "x", "--project", proj.root), "unknown code 'nope'")
    refused(cli("memo", "transcript", "T9", "x", "--project", proj.root), "unknown transcript 'T9'")
    refused(cli("memo", "segment", "1", "x", "--project", proj.root), "memos go on a coding, a code or a transcript")


# -- log ------------------------------------------------------------------------
def test_log_shows_every_change(cli, proj, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # the readable log keeps one line per change
    ok(code(cli, proj, "T1", "freins/hotel", "--coder", "ana", "--segment", "2"))
    ok(code(cli, proj, "T1", "freins/visites", "--coder", "bob", "--segment", "4"))
    [first, second] = codings(cli, proj)
    ops.update(proj, first["id"], code="freins/hotel/punaises", start=first["start"] + 4, actor="ana")
    ok(cli("uncode", "--id", str(second["id"]), "--project", proj.root))
    ok(cli("codebook", "rename", "freins/visites", "--label", "Visites", "--by", "chef", "--project", proj.root))
    ok(cli("codebook", "add", "benefices/logement", "--label", "Logement", "--by", "chef", "--project", proj.root))

    entries = log(cli, proj)
    actions = [e["action"] for e in entries]
    assert actions[:2] == ["transcript.import", "transcript.import"]
    assert actions.count("code.add") == 7  # six loaded, one added
    assert actions[-6:] == ["coding.add", "coding.add", "coding.update", "coding.remove", "code.rename", "code.add"]
    for entry in entries:
        assert {"id", "at", "actor", "action", "target", "before", "after"} <= set(entry)
        datetime.fromisoformat(entry["at"])
    add1, _, update, remove, rename, add = entries[-6:]
    text = text_of(proj)
    assert (add1["actor"], add1["before"], add1["after"]["code"], add1["after"]["quote"]) == (
        "ana", None, "freins/hotel", text[first["start"]:first["end"]])
    assert update["actor"] == "ana" and update["target"] == f"coding:{first['id']}"
    assert (update["before"]["code"], update["before"]["start"]) == ("freins/hotel", first["start"])
    assert (update["after"]["code"], update["after"]["start"]) == ("freins/hotel/punaises", first["start"] + 4)
    assert update["after"]["quote"] == text[first["start"] + 4:first["end"]]
    assert remove["actor"] == "bob" and remove["before"]["code"] == "freins/visites" and remove["after"] is None
    assert rename["actor"] == "chef"
    assert rename["before"] == {"id": "freins/visites", "label": "Fréquence des visites"}
    assert rename["after"] == {"id": "freins/visites", "label": "Visites"}
    assert add["actor"] == "chef" and add["after"]["id"] == "benefices/logement"

    # the readable log says the same, one line per change
    shown = ok(cli("log", "--project", proj.root)).out
    assert f"{len(entries)} changes" in shown
    [line] = [x for x in shown.splitlines() if "coding.update" in x]
    assert "ana" in line and "code: 'freins/hotel' → 'freins/hotel/punaises'" in line
    [line] = [x for x in shown.splitlines() if "code.rename" in x]
    assert "chef" in line and "label: Fréquence des visites → Visites" in line


def test_log_filters(cli, proj, monkeypatch):
    times = iter(["2022-09-12T09:00:00+00:00", "2022-09-20T14:30:00+00:00", "2022-10-01T08:00:00+00:00",
                  "2022-10-14T18:00:00+00:00"])
    current = {"t": None}

    def fake_now():
        return current["t"]

    monkeypatch.setattr("qualcode.store.now", fake_now)
    for coder, args in [("ana", ("--segment", "2")), ("bob", ("--segment", "4")), ("ana", ("--span", "0:5"))]:
        current["t"] = next(times)
        ok(code(cli, proj, "T1", "freins/hotel", "--coder", coder, *args))
    current["t"] = next(times)
    ok(cli("codebook", "rename", "freins/hotel", "--label", "Hôtels", "--by", "ana", "--project", proj.root))

    def summary(*args):
        return [(e["at"][:10], e["actor"], e["action"]) for e in log(cli, proj, *args)]

    assert summary("--coder", "bob") == [("2022-09-20", "bob", "coding.add")]
    assert summary("--coder", "ana", "--action", "coding") == [
        ("2022-09-12", "ana", "coding.add"), ("2022-10-01", "ana", "coding.add")]
    assert summary("--since", "2022-09-15", "--until", "2022-10-05") == [
        ("2022-09-20", "bob", "coding.add"), ("2022-10-01", "ana", "coding.add")]
    # (the project's setup was logged today, after all of these)
    assert summary("--since", "2022-10-01", "--until", "2023-01-01") == [
        ("2022-10-01", "ana", "coding.add"), ("2022-10-14", "ana", "code.rename")]
    assert summary("--since", "2023-01-01", "--action", "code.rename") == []
    assert summary("--until", "2022-09-13", "--action", "coding") == [("2022-09-12", "ana", "coding.add")]
    assert summary("--action", "code.rename") == [("2022-10-14", "ana", "code.rename")]
    assert summary("--action", "coding", "--limit", "1") == [("2022-10-01", "ana", "coding.add")]
    # an unknown person is refused in one line, with the people of the log (issue 14)
    refused(cli("log", "--coder", "nobody", "--project", proj.root), "no changes by nobody", "ana, bob")
    refused(cli("log", "--coder", "Ana", "--project", proj.root), "did you mean ana?")
    # the stored coding carries the time it was made
    times_by_coder = {(c["coder"], c["time"][:10]) for c in codings(cli, proj)}
    assert times_by_coder == {("ana", "2022-09-12"), ("bob", "2022-09-20"), ("ana", "2022-10-01")}
