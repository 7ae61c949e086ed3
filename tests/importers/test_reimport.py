"""Re-importing: an unchanged file changes nothing; a changed file is refused
unless --replace, which re-anchors codings by their quotes and reports (and
keeps) every coding it cannot place."""
from __future__ import annotations

import shutil

import pytest

from qualcode.codebook.model import CodeSpec

ORIGINAL = """---
id: R01
title: Entretien de test
interviewer: Claire
---
Claire : Bonjour Monsieur Didier. Parlez-moi de l'hôtel.
Didier : La chambre est petite mais propre. Les punaises de lit reviennent chaque été.
Claire : Et les tickets-service ?
Didier : Les tickets-service, c'est douze euros par semaine. Ça paie le pain.
Claire : Et l'équipe ?
Didier : Mon éducatrice est partie en juin, il faut tout réexpliquer. Les tickets-service arrivent le jeudi.
Claire : Merci.
"""

# new turns inserted before the quotes, text edited around them, one quoted
# passage deleted ("Mon éducatrice est partie en juin, ...")
CHANGED = """---
id: R01
title: Entretien de test (relu)
interviewer: Claire
---
Claire : Bonjour Monsieur Didier. Parlez-moi de l'hôtel.
Claire : Vous êtes ici depuis quand, d'abord ?
Didier : Depuis deux ans, à peu près. Avant c'était le 115.
Didier : Franchement, la chambre est petite mais propre, hein. Bon. Les punaises de lit reviennent chaque été, vous savez.
Claire : Et les tickets-service ?
Didier : Alors les tickets-service, c'est douze euros par semaine. Ça paie le pain, pas plus.
Claire : Et l'équipe ?
Didier : Les tickets-service arrivent le jeudi.
Claire : Merci.
"""


@pytest.fixture
def setup(project, tmp_path, import_ok):
    """R01 imported from a file, three codes and six codings at known quotes."""
    path = tmp_path / "R01.txt"
    path.write_text(ORIGINAL, encoding="utf-8")
    import_ok(path)
    store = project.store
    text = project.transcript("R01")["text"]

    def at(quote, occurrence=1):
        start = -1
        for _ in range(occurrence):
            start = text.index(quote, start + 1)
        return start, start + len(quote)

    with store.transaction():
        pks = {cid: store.insert_code(CodeSpec(id=cid, label=cid.title()), i)
               for i, cid in enumerate(["punaises", "tickets", "turnover", "accueil"])}
        quotes = {
            "greeting": ("accueil", "coder-a", "Bonjour Monsieur Didier", 1),
            "bugs": ("punaises", "coder-a", "Les punaises de lit reviennent chaque été", 1),
            "bugs_b": ("punaises", "coder-b", "Les punaises de lit reviennent chaque été", 1),
            "room": ("punaises", "coder-b", "La chambre est petite mais propre", 1),
            "tickets": ("tickets", "coder-a", "c'est douze euros par semaine", 1),
            "thursday": ("tickets", "coder-b", "Les tickets-service", 2),
            "left": ("turnover", "coder-a", "Mon éducatrice est partie en juin, il faut tout réexpliquer.", 1),
        }
        ids = {}
        for name, (code, coder, quote, occurrence) in quotes.items():
            start, end = at(quote, occurrence)
            ids[name] = store.insert_coding("R01", pks[code], coder, start, end, memo=f"memo {name}")
    return path, ids, {name: q[2] for name, q in quotes.items()}


def test_unchanged_file_says_so_and_changes_nothing(project, cli, setup, dump):
    path, _, _ = setup
    before = dump(project.store.path)
    result = cli("import", path, "--project", project.root)
    assert result.code == 0
    assert "R01: unchanged, nothing to do (R01.txt)" in result.out
    assert "0 imported, 0 replaced, 1 unchanged." in result.out
    assert dump(project.store.path) == before
    # --replace on an unchanged file is also a no-op
    result = cli("import", path, "--replace", "--project", project.root)
    assert result.code == 0 and "unchanged" in result.out
    assert dump(project.store.path) == before


def test_same_text_different_line_ends_is_unchanged(project, cli, setup, dump):
    path, _, _ = setup
    before = dump(project.store.path)
    path.write_bytes(ORIGINAL.replace("\n", "\r\n").encode("utf-8-sig"))  # same text once normalised
    result = cli("import", path, "--project", project.root)
    assert result.code == 0 and "R01: unchanged" in result.out
    assert dump(project.store.path) == before


def test_changed_file_is_refused_without_replace(project, cli, setup, dump):
    path, _, _ = setup
    before = dump(project.store.path)
    path.write_text(CHANGED, encoding="utf-8")
    result = cli("import", path, "--project", project.root)
    assert result.code == 1
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0]
    assert "R01" in lines[0] and "--replace" in lines[0]
    assert "Traceback" not in result.err
    assert dump(project.store.path) == before


def test_replace_reanchors_codings_and_reports_the_lost_one(project, cli, setup):
    path, ids, quotes = setup
    store = project.store
    before = {c["id"]: c for c in store.codings(transcript="R01")}
    path.write_text(CHANGED, encoding="utf-8")

    result = cli("import", path, "--replace", "--project", project.root)
    assert result.code == 0, result.err
    assert "R01: replaced from R01.txt; 5 codings re-anchored, 1 could not be placed" in result.out
    lost = [line for line in result.out.splitlines() if "not placed" in line]
    assert len(lost) == 1
    assert (f"coding {ids['left']} turnover by coder-a" in lost[0]
            and "«Mon éducatrice est partie en juin, il faut tout réexpliquer.»" in lost[0]
            and "quote not found" in lost[0])

    info = project.transcript("R01")
    text = info["text"]
    assert info["title"] == "Entretien de test (relu)"
    assert text.startswith("Claire : Bonjour Monsieur Didier.")
    after = {c["id"]: c for c in store.codings(transcript="R01")}
    assert set(after) == set(before) - {ids["left"]}

    def quote_of(name):
        c = after[ids[name]]
        return text[c["start"]:c["end"]]

    # exact quotes moved with the text
    for name in ("greeting", "bugs", "bugs_b", "tickets", "thursday"):
        assert quote_of(name) == quotes[name], name
    assert after[ids["greeting"]]["start"] == before[ids["greeting"]]["start"]  # before any change
    assert after[ids["bugs"]]["start"] > before[ids["bugs"]]["start"]
    # the second "Les tickets-service" stays the second one (in the last answer)
    thursday = after[ids["thursday"]]
    assert text[thursday["start"]:].startswith("Les tickets-service arrivent le jeudi.")
    # a quote whose case changed is found again (tolerant search)
    assert quote_of("room") == "la chambre est petite mais propre"
    # codings keep their coder, code and memo
    for cid, coding in after.items():
        assert (coding["code"], coding["coder"], coding["memo"]) == (
            before[cid]["code"], before[cid]["coder"], before[cid]["memo"])

    # the lost coding is kept apart, never dropped silently
    detached = store.detached_codings()
    assert len(detached) == 1
    d = detached[0]
    assert (d["transcript_id"], d["code"], d["coder"], d["quote"], d["memo"]) == (
        "R01", "turnover", "coder-a", quotes["left"], "memo left")
    assert (d["old_start"], d["old_end"]) == (before[ids["left"]]["start"], before[ids["left"]]["end"])
    assert d["reason"] == "quote not found in the new text"

    # audit: one reanchor per moved coding, one detach, one replace
    audit = store.audit_entries()
    reanchors = [a for a in audit if a["action"] == "coding.reanchor"]
    assert sorted(a["target"] for a in reanchors) == sorted(
        f"coding:{ids[n]}" for n in ("bugs", "bugs_b", "room", "tickets", "thursday"))
    for a in reanchors:
        cid = int(a["target"].split(":")[1])
        assert a["before"] == {"start": before[cid]["start"], "end": before[cid]["end"]}
        assert a["after"] == {"start": after[cid]["start"], "end": after[cid]["end"]}
    detaches = [a for a in audit if a["action"] == "coding.detach"]
    assert len(detaches) == 1 and detaches[0]["target"] == f"coding:{ids['left']}"
    assert detaches[0]["before"]["quote"] == quotes["left"]
    replaces = [a for a in audit if a["action"] == "transcript.replace"]
    assert len(replaces) == 1 and replaces[0]["after"]["detached"] == 1

    # segments follow the new text
    segs = project.segments("R01")
    assert [s["speaker"] for s in segs] == ["Claire", "Claire", "Didier", "Didier", "Claire", "Didier",
                                            "Claire", "Didier", "Claire"]
    assert all(text[s["start"]:s["end"]] == s["text"] for s in segs)

    # importing the same changed file again: unchanged
    again = cli("import", path, "--replace", "--project", project.root)
    assert "R01: unchanged" in again.out


def test_replace_does_not_detach_a_coding_moving_onto_anothers_old_place(project, cli, tmp_path, import_ok):
    """Two codings of one code by one coder on equal-length quotes: after text is
    inserted before them, the first moves exactly to where the second was. Both
    must be re-anchored; neither is a duplicate."""
    path = tmp_path / "R02.txt"
    original = ("E : Première question ?\nR : Alpha beta.\nE : Deuxième question ?\nR : Gamma delt.\n"
                "E : Merci.\n")
    path.write_text(original, encoding="utf-8")
    import_ok(path)
    store = project.store
    text = project.transcript("R02")["text"]
    a = (text.index("Alpha beta."), text.index("Alpha beta.") + 11)
    b = (text.index("Gamma delt."), text.index("Gamma delt.") + 11)
    shift = b[0] - a[0]
    with store.transaction():
        pk = store.insert_code(CodeSpec(id="logement", label="Logement"), 0)
        ida = store.insert_coding("R02", pk, "ana", *a)
        idb = store.insert_coding("R02", pk, "ana", *b)
    # insert exactly `shift` characters before both quotes
    inserted = "E : " + "x" * (shift - 5) + "\n"
    assert len(inserted) == shift
    path.write_text(inserted + original, encoding="utf-8")
    result = cli("import", path, "--replace", "--project", project.root)
    assert result.code == 0, result.err
    assert "2 codings re-anchored, 0 could not be placed" in result.out
    new_text = project.transcript("R02")["text"]
    codings = {c["id"]: c for c in store.codings(transcript="R02")}
    assert new_text[codings[ida]["start"]:codings[ida]["end"]] == "Alpha beta."
    assert new_text[codings[idb]["start"]:codings[idb]["end"]] == "Gamma delt."
    assert store.detached_codings() == []


def test_replace_reports_true_duplicates(project, cli, tmp_path, import_ok):
    """Two codings of one code by one coder on two occurrences of a phrase; the
    edit deletes one occurrence: one coding is placed, the other is reported."""
    path = tmp_path / "R03.txt"
    path.write_text("E : Et l'hôtel ?\nR : Les punaises, encore.\nE : Et après ?\nR : Les punaises, encore.\n",
                    encoding="utf-8")
    import_ok(path)
    store = project.store
    text = project.transcript("R03")["text"]
    first = text.index("Les punaises")
    second = text.index("Les punaises", first + 1)
    with store.transaction():
        pk = store.insert_code(CodeSpec(id="punaises", label="Punaises"), 0)
        store.insert_coding("R03", pk, "ana", first, first + 12)
        store.insert_coding("R03", pk, "ana", second, second + 12)
    path.write_text("E : Et l'hôtel ?\nR : Les punaises, encore.\nE : Et après ?\nR : Rien.\n", encoding="utf-8")
    result = cli("import", path, "--replace", "--project", project.root)
    assert result.code == 0, result.err
    assert "1 could not be placed" in result.out
    assert len(store.codings(transcript="R03")) == 1
    assert len(store.detached_codings("R03")) == 1
    assert store.count_codings() + len(store.detached_codings()) == 2


def test_replace_with_docx_keeps_codings(project, cli, tmp_path, fixtures, import_ok):
    """The same on a Word file: a paragraph inserted at the top of the dialogue."""
    import docx

    path = tmp_path / "U21.docx"
    shutil.copy(fixtures / "U21-gras.docx", path)
    import_ok(path)
    store = project.store
    text = project.transcript("U21")["text"]
    quote = "On a eu un traitement en juin, ils ont jeté le matelas."
    start = text.index(quote)
    with store.transaction():
        pk = store.insert_code(CodeSpec(id="punaises", label="Punaises"), 0)
        cid = store.insert_coding("U21", pk, "ana", start, start + len(quote))

    document = docx.Document(str(path))
    first_turn = next(p for p in document.paragraphs if p.text.startswith("Claire :"))
    new = first_turn.insert_paragraph_before("")
    new.add_run("Claire :").bold = True
    new.add_run(" On enregistre, c’est d’accord ?")
    document.save(str(path))

    refused = cli("import", path, "--project", project.root)
    assert refused.code == 1 and "U21.docx" in refused.err and len(refused.err.splitlines()) == 1
    result = cli("import", path, "--replace", "--project", project.root)
    assert result.code == 0, result.err
    assert "1 codings re-anchored, 0 could not be placed" in result.out
    coding = store.coding(cid)
    new_text = project.transcript("U21")["text"]
    assert coding["start"] == start + len("Claire : On enregistre, c’est d’accord ?\n")
    assert new_text[coding["start"]:coding["end"]] == quote


def test_manifest_change_on_unchanged_text_is_reported_then_applied_with_replace(cli, tmp_path):
    src = tmp_path / "T9.txt"
    src.write_text("---\nid: T9\n---\nE : Bonjour ?\nR : Les punaises, partout.\n", encoding="utf-8")
    manifest = tmp_path / "m.csv"
    manifest.write_text("id,file,actor_type,people\nT9,T9.txt,usagers,1\n", encoding="utf-8")
    proj = tmp_path / "p"
    assert cli("init", proj).code == 0
    assert cli("import", "--manifest", manifest, "--project", proj).code == 0
    manifest.write_text("id,file,actor_type,people\nT9,T9.txt,partenaires,2\n", encoding="utf-8")
    r = cli("import", "--manifest", manifest, "--project", proj)
    assert r.code == 0 and "attributes differ (actor_type, people)" in r.out
    from qualcode import Project

    with Project.open(proj) as project:
        assert project.transcript("T9")["attributes"]["actor_type"] == "usagers"
    r = cli("import", "--manifest", manifest, "--replace", "--project", proj)
    assert "attributes updated: actor_type=partenaires, people=2" in r.out
    with Project.open(proj) as project:
        attrs = project.transcript("T9")["attributes"]
        assert (attrs["actor_type"], attrs["people"]) == ("partenaires", "2")
        entry = project.store.audit_entries(action_prefix="attribute.set")[-1]
        assert entry["before"] == {"actor_type": "usagers", "people": "1"}
        assert entry["after"] == {"actor_type": "partenaires", "people": "2"}
