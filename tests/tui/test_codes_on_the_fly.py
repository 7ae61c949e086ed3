"""Codes on the fly and marks on the coding screen: an in-vivo or typed new code
(written to the store and to the codebook YAML, audited, then applied), the
refusal of a coding already held by the same code, pinned numbers kept in the
project, the finished mark, and keyword-in-context coding across the project."""
from __future__ import annotations

from qualcode import coding as ops
from qualcode.codebook import yamlfile
from qualcode.codebook.operations import codebook_path
from qualcode.tui.kwic import KwicScreen
from qualcode.tui.slots import load_pins
from qualcode.tui.tag import TagApp
from qualcode.tui.widgets import CodePicker

from tests.tui.conftest import CODER, HOTEL, SIZE, mine, pick, text_of, turns


def yaml_ids(proj) -> list[str]:
    return [s.id for s in yamlfile.read(codebook_path(proj)).codes]


async def test_in_vivo_code_from_the_selection_goes_to_store_yaml_and_audit(proj):
    text = text_of(proj)
    start = text.index("j'en avais partout")
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"j'en avais", "enter", "W")  # the hit, then one more word
        assert text[slice(*app.selection())] == "j'en avais partout"
        await pilot.press("c")
        picker = app.screen
        assert isinstance(picker, CodePicker)
        await pilot.press("down", "down", "down", "down", "down", "down")  # past the codes: the in-vivo line
        await pilot.press("enter")
        await pilot.pause()
        assert "Parent of the new code «j'en avais partout»" in str(app.screen.title_text)
        await pilot.press(*"freins", "enter")
        await pilot.pause()
    new_id = "freins/j-en-avais-partout"
    spec = proj.code(new_id)
    assert spec.label == "j'en avais partout" and spec.example == "« j'en avais partout »"
    assert new_id in yaml_ids(proj)
    assert yaml_ids(proj).index(new_id) == yaml_ids(proj).index(HOTEL) + 1  # under its parent
    assert codebook_path(proj).read_text(encoding="utf-8").startswith("# Test codebook")
    assert mine(proj) == [(new_id, start, start + len("j'en avais partout"))]
    [added] = proj.store.audit_entries(action_prefix="code.add")[-1:]
    assert (added["actor"], added["target"]) == (CODER, f"code:{new_id}")


async def test_typed_new_code_at_top_level_with_the_i_shortcut_refused_without_selection(proj):
    seg = turns(proj)[1]
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        assert "select the words first" in app.messages[-1]
        await pilot.press("}", "c", *"Rapport au temps", "enter")  # no code matches: the new-code line
        await pilot.pause()
        await pilot.press("enter")  # (top level: no parent) comes first
        await pilot.pause()
    assert proj.code("rapport-au-temps").label == "Rapport au temps"
    assert yaml_ids(proj)[-1] == "rapport-au-temps"
    assert mine(proj) == [("rapport-au-temps", seg["start"], seg["end"])]


async def test_a_selection_held_by_the_same_code_is_refused_other_codes_are_not(proj):
    seg = turns(proj)[3]
    text = text_of(proj)
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end", "t")
        await pick(pilot, "hot")
        await pilot.press("end", "s", "s")  # "On a des cafards." inside the coded turn
        await pick(pilot, "hot")
        assert "already holds this selection" in app.messages[-1]
        await pilot.press("1")  # the number key: refused too
        assert "already holds this selection" in app.messages[-1]
        await pick(pilot, "ben")  # another code over the same words is fine
    cafards = text.index("On a des cafards.")
    assert sorted(mine(proj)) == sorted([(HOTEL, seg["start"], seg["end"]),
                                         ("benefices", cafards, cafards + len("On a des cafards."))])
    assert [e["action"] for e in proj.store.audit_entries(action_prefix="coding.")] == ["coding.add"] * 2


async def test_pinned_numbers_are_kept_in_the_project_and_restored(proj):
    segs = turns(proj)
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("}")
        await pick(pilot, "hot")   # key 1
        await pilot.press("end")
        await pick(pilot, "ben")   # key 2
        await pilot.press("P")     # the coding under the cursor is Bénéfices: pinned to 2
        assert load_pins(proj.store, CODER) == {2: "benefices"}
        assert "pinned to 2" in app.last_action
        await pilot.press("home", "P")  # no coding here: a picker to choose the code to pin
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"sante", "enter")
        await pilot.pause()
        assert load_pins(proj.store, CODER) == {2: "benefices", 3: "benefices/sante"}
    ops.add(proj, "T1", "freins", CODER, segs[0]["start"], segs[0]["end"])  # the latest coding
    again = TagApp(proj, "T1", CODER)
    assert again.slots.codes[:4] == ["freins", "benefices", "benefices/sante", HOTEL]
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("end", "P")  # unpin Bénéfices
        assert load_pins(proj.store, CODER) == {3: "benefices/sante"}
        await pilot.press("3")  # Santé retrouvée is still on key 3
        assert again.slots.codes[:4] == ["freins", "benefices", "benefices/sante", HOTEL]
    assert ("benefices/sante", segs[3]["start"], segs[3]["end"]) in mine(proj)


async def test_finished_mark_is_stored_per_coder_and_transcript(proj):
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("F")
        assert proj.finished() == {CODER: {"T1"}}
        assert "✓ finished" in str(app.query_one("#status").content)
        await pilot.press("F")
        assert proj.finished() == {}
        await pilot.press("F")
    assert proj.finished(CODER) == {CODER: {"T1"}}
    assert TagApp(proj, "T1", CODER).is_finished and not TagApp(proj, "T1", "bob").is_finished
    entries = [e["action"] for e in proj.store.audit_entries(action_prefix="transcript.")][1:]  # after the import
    assert entries == ["transcript.finished", "transcript.unfinished", "transcript.finished"]


async def test_keyword_in_context_across_the_project_accepts_hits_one_by_one(proj, tmp_path):
    other = tmp_path / "T2.txt"
    other.write_text("Enquêteur : Et l'hôtel ?\nJulien : Les hôtels, c'est dur.\nEnquêteur : Bien.\n"
                     "Julien : L'HÔTEL du coin.\n", encoding="utf-8")
    proj.import_files([other])
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("K", *"hotel", "enter")
        screen = app.screen
        assert isinstance(screen, KwicScreen)
        await app.workers.wait_for_complete()
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert [(h.transcript, h.match) for h in screen.hits] == [
            ("T1", "hôtel"), ("T1", "hôtel"), ("T2", "hôtel"), ("T2", "HÔTEL")]
        await pilot.press("a")  # no code yet: the picker opens
        await pilot.press(*"hot", "enter")
        await pilot.pause()
        assert screen.code == HOTEL
        await pilot.press("space", "a", "u", "u", "a")  # skip the first; accept the second; then turns
        await pilot.press("escape")
        await pilot.pause()
    t1 = text_of(proj)
    second = t1.index("hôtel", t1.index("hôtel") + 1)
    t2 = proj.segments("T2")
    assert mine(proj) == [(HOTEL, second, second + 5)]
    assert [(c["code"], c["start"], c["end"]) for c in proj.store.codings(transcript="T2")] == [
        (HOTEL, t2[0]["start"], t2[0]["end"])]
    assert {c["origin"] for c in proj.store.codings()} == {"search"}
