"""The coding screen, driven with Textual's Pilot: picker, selections, number
keys, memo, remove, change, undo, other coders, progress, help and errors.
Assertions are on the database (codings and audit trail), since every action
is saved at once."""
from __future__ import annotations

import pytest

from qualcode import coding as ops
from qualcode.errors import QualcodeError
from qualcode.textnav import sentence_at, sentences
from qualcode.tui.tag import TagApp, run_tag
from qualcode.tui.dialogs import HelpScreen, MemoEditor
from qualcode.tui.widgets import CodePicker

from tests.tui.conftest import CODER, HOTEL, SIZE, actions, mine, pick, screen_text, text_of, turns


def test_transcript_has_the_expected_turns(proj):
    segs = turns(proj)
    assert [s["role"] for s in segs] == ["interviewer", "respondent", "interviewer", "respondent"]
    assert text_of(proj)[segs[1]["start"]:segs[1]["end"]].startswith("Je suis éducatrice.")


async def test_whole_turn_through_the_picker_with_a_query_without_accents(proj):
    seg = turns(proj)[1]
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("}", "t")  # next turn, select it
        assert app.selection() == (seg["start"], seg["end"])
        await pilot.press("c")
        picker = app.screen
        assert isinstance(picker, CodePicker)
        await pilot.press(*"hotel")
        # the definition is shown before applying
        details = str(picker.query_one("#picker-details").content)
        assert "État des chambres" in details and "Punaises, cafards" in details
        assert "Changements de chambre" in details and "j'en avais partout" in details
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, CodePicker)
        assert app.selection() is None  # applied: the selection is cleared
    assert mine(proj) == [(HOTEL, seg["start"], seg["end"])]
    entries = proj.store.audit_entries(action_prefix="coding.")
    assert [(e["actor"], e["action"]) for e in entries] == [(CODER, "coding.add")]
    assert entries[0]["after"]["quote"].startswith("Je suis éducatrice.")


async def test_nothing_selected_codes_the_current_turn_and_escape_cancels(proj):
    seg = turns(proj)[3]
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "b", "escape")
        await pilot.pause()
        assert mine(proj) == []
        await pilot.press("end")  # the last turn
        await pick(pilot, "ben")
    assert mine(proj) == [("benefices", seg["start"], seg["end"])]


async def test_sentence_selection_and_s_again_takes_the_next_sentence(proj):
    text = text_of(proj)
    first = text.index("L'hôtel est sale…")
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end", "s")
        assert app.selection() == (first, first + len("L'hôtel est sale…"))
        await pilot.press("s")  # the same key again: the next sentence
        assert text[slice(*app.selection())] == "On a des cafards."
        await pilot.press("escape", "(", "(")  # back to the first sentence's start
        assert app.cursor == first
        await pilot.press("s")
        await pick(pilot, "cond hot")
    assert mine(proj) == [(HOTEL, first, first + len("L'hôtel est sale…"))]


def test_sentence_bounds():
    text = "Oui. Bon… on verra ! Et puis voilà"
    assert sentences(text, 0, len(text)) == [(0, 4), (5, 9), (10, 20), (21, len(text))]
    assert sentence_at(text, 0, len(text), 4) == (0, 4)  # the space after a sentence belongs to it
    assert sentence_at(text, 0, len(text), 12) == (10, 20)


async def test_selection_extends_by_character_and_word_and_snaps_to_words(proj):
    seg = turns(proj)[1]
    s, end = seg["start"], seg["end"]
    text = text_of(proj)
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("}", "shift+right", "shift+right", "shift+right")
        assert app.selection() == (s, s + 3)
        await pilot.press("ctrl+shift+right")  # to the end of "suis"
        assert text[s:app.cursor] == "Je suis"
        await pilot.press("W")  # W is the same as ctrl+shift+right
        assert text[s:app.cursor] == "Je suis éducatrice"
        await pilot.press("shift+left")
        assert app.selection() == (s, s + len("Je suis éducatric"))
        await pick(pilot, "ben")  # a cut word is coded whole
        await pilot.press("}", "left")  # left from a turn's start: the previous turn's end
        assert app.cursor == end and app.selection() is None
        await pilot.press("ctrl+shift+left", "ctrl+shift+left")  # leftwards: the anchor stays at the end
        assert app.selection() == (end - len("mieux maintenant."), end)
        await pick(pilot, "san")
        await pilot.press("shift+left", "escape")
        assert app.selection() is None
    assert sorted(mine(proj)) == sorted([
        ("benefices", s, s + len("Je suis éducatrice")),
        ("benefices/sante", end - len("mieux maintenant."), end),
    ])


async def test_number_keys_keep_their_numbers(proj):
    segs = turns(proj)
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9")  # nothing there yet: a warning, no crash
        assert app.messages and "key 9" in app.messages[-1]
        await pilot.press("}")
        await pick(pilot, "hot")
        await pilot.press("end")
        await pick(pilot, "ben")
        assert app.slots.codes[:2] == [HOTEL, "benefices"]
        bar = str(app.query_one("#slots").content)
        assert bar.index("1Conditions hôtelières") < bar.index("2Bénéfices")
        await pilot.press("home", "2")  # turn 1 gets key 2's code; numbers do not move
        assert app.slots.codes[:2] == [HOTEL, "benefices"]
        await pilot.press("}", "}", "1")  # turn 3 gets key 1's code
        assert str(app.query_one("#slots").content) == bar
    assert sorted(mine(proj)) == sorted([
        (HOTEL, segs[1]["start"], segs[1]["end"]),
        ("benefices", segs[3]["start"], segs[3]["end"]),
        ("benefices", segs[0]["start"], segs[0]["end"]),
        (HOTEL, segs[2]["start"], segs[2]["end"]),
    ])


def test_number_keys_start_from_this_coders_earlier_codings(proj):
    segs = turns(proj)
    ops.add(proj, "T1", "benefices", CODER, segs[1]["start"], segs[1]["end"])
    ops.add(proj, "T1", HOTEL, "bob", segs[1]["start"], segs[1]["end"])
    assert TagApp(proj, "T1", CODER).slots.codes[:2] == ["benefices", None]


async def test_multi_line_memo_remove_and_undo_of_each_audited_as_undo(proj):
    seg = turns(proj)[1]
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("}")
        await pick(pilot, "hot")
        [coding] = proj.store.codings(transcript="T1")
        await pilot.press("m", "z", "escape")  # escape: no change
        assert proj.store.coding(coding["id"])["memo"] == ""
        await pilot.press("m")
        assert isinstance(app.screen, MemoEditor)
        await pilot.press("o", "k", "enter", "À", " ", "v", "o", "i", "r", "ctrl+s")
        await pilot.pause()
        assert proj.store.coding(coding["id"])["memo"] == "ok\nÀ voir"
        await pilot.press("x")
        assert mine(proj) == []
        await pilot.press("u")  # undo remove: same span, code and memo
        [back] = proj.store.codings(transcript="T1")
        assert (back["code"], back["start"], back["end"], back["memo"]) == (HOTEL, seg["start"], seg["end"], "ok\nÀ voir")
        await pilot.press("u")  # undo memo
        assert proj.store.coding(back["id"])["memo"] == ""
        await pilot.press("u")  # undo add
        assert mine(proj) == []
        await pilot.press("u")  # nothing left to undo: a warning
        assert "nothing to undo" in app.messages[-1]
    assert actions(proj) == ["coding.add", "coding.memo", "coding.remove", "coding.add.undo",
                             "coding.memo.undo", "coding.remove.undo"]
    memo_undo = proj.store.audit_entries(action_prefix="coding.memo.undo")[-1]
    assert (memo_undo["before"]["memo"], memo_undo["after"]["memo"]) == ("ok\nÀ voir", "")


async def test_change_code_and_undo(proj):
    seg = turns(proj)[1]
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("}")
        await pick(pilot, "hot")
        [before] = proj.store.codings(transcript="T1")
        await pilot.press("C")
        assert isinstance(app.screen, CodePicker)
        await pilot.press("b", "e", "n", "enter")
        await pilot.pause()
        [after] = proj.store.codings(transcript="T1")
        assert (after["id"], after["code"], after["start"], after["end"]) == (
            before["id"], "benefices", seg["start"], seg["end"])
        assert app.slots.number("benefices") == 2
        await pilot.press("u")
        assert mine(proj) == [(HOTEL, seg["start"], seg["end"])]
    assert actions(proj) == ["coding.add", "coding.update", "coding.update.undo"]
    change, undo = proj.store.audit_entries(action_prefix="coding.update")
    assert (change["before"]["code"], change["after"]["code"]) == (HOTEL, "benefices")
    assert (undo["before"]["code"], undo["after"]["code"]) == ("benefices", HOTEL)


async def test_remove_takes_the_innermost_coding_under_the_cursor(proj):
    seg = turns(proj)[3]
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end", "t")
        await pick(pilot, "hot")  # the whole turn
        await pilot.press("end", "s")
        await pick(pilot, "ben")  # its first sentence; the cursor is at the sentence's end
        await pilot.press("x")
        assert mine(proj) == [(HOTEL, seg["start"], seg["end"])]
        await pilot.press("x")
        assert mine(proj) == []
        await pilot.press("x")  # nothing left: a warning
        assert "nothing to remove" in app.messages[-1]
        await pilot.press("m")
        assert not isinstance(app.screen, MemoEditor)
        assert "no coding of yours" in app.messages[-1]
    removed = [e["before"]["quote"] for e in proj.store.audit_entries(action_prefix="coding.remove")]
    assert removed == ["L'hôtel est sale…", "L'hôtel est sale… On a des cafards. Voilà."]


async def test_next_and_previous_uncoded_turn(proj):
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(">")  # respondent turns first
        assert app.turn_index() == 1 and app.cursor == turns(proj)[1]["start"]
        await pick(pilot, "hot")
        await pilot.press(">")
        assert app.turn_index() == 3
        await pilot.press("1", ">")  # every respondent turn is coded: any turn, wrapping round
        assert app.turn_index() == 0
        await pilot.press("<")  # backwards from turn 1: turn 3, the other uncoded one
        assert app.turn_index() == 2
        await pilot.press("1", ">", "1", ">")
        assert "every turn" in app.messages[-1]
    assert len(mine(proj)) == 4


async def test_other_coders_stripes_toggle(proj):
    segs = turns(proj)
    ops.add(proj, "T1", "benefices", "bob", segs[1]["start"], segs[1]["end"])
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("}")
        await pick(pilot, "hot")
        columns = lambda: [(col.coder, col.code) for col in app.view.columns()[0]]  # noqa: E731
        assert columns() == [(CODER, HOTEL)] and not app.show_others
        assert "┃Conditions" in screen_text(app) and "bob" not in screen_text(app)
        await pilot.press("o")
        assert app.show_others
        assert columns() == [(CODER, HOTEL), ("bob", "benefices")]
        assert "╏bob: Bénéf" in screen_text(app)
        await pilot.press("{", "}")  # the cursor inside turn 2: bob's coding is listed there too
        assert "bob: Bénéfices" in str(app.query_one("#here").content)
        await pilot.press("o")
        assert "bob" not in screen_text(app)
        await pilot.press("x", "x")  # other coders' codings are never removed
    assert mine(proj, "bob") == [("benefices", segs[1]["start"], segs[1]["end"])]
    assert mine(proj) == []


async def test_progress_and_mark_mode_across_turns(proj):
    segs = turns(proj)
    ops.add(proj, "T1", "benefices", "bob", segs[0]["start"], segs[0]["end"])
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        status = app.query_one("#status")
        assert "coded 0/4" in str(status.content)
        await pilot.press("}")
        await pick(pilot, "hot")
        assert "coded 1/4" in str(status.content)
        # turns 3 and 4: mark, then } to the turn's end, then to the next turn's end
        await pilot.press("}", "v", "}", "}")
        assert app.selection() == (segs[2]["start"], segs[3]["end"])
        assert "MARK" in str(status.content)
        assert f"sel {segs[3]['end'] - segs[2]['start']}" in str(status.content)
        await pick(pilot, "ben")
        assert not app.marking
        assert app.progress() == (3, 4)
        assert "coded 3/4" in str(status.content)
        assert f" · {app.cursor} · " in str(status.content)
        assert "added Bénéfices" in str(status.content)
    assert ("benefices", segs[2]["start"], segs[3]["end"]) in mine(proj)


async def test_help_screen_lists_the_keys(proj):
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one("#help-text").content)
        for key in ("shift + a move", "( )", "{ }", "g ", "/ ?", "n N", "K ", "v ", "s ", "t ", "c ", "i ",
                    "1 … 9", "P ", "x ", "C ", "m ", "u ", "F ", "o ", "p ", "h f1", "q ", "escape", "> <"):
            assert key in shown, key
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_library_errors_become_notifications(proj):
    from qualcode.codebook import operations

    segs = turns(proj)
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("}")
        await pick(pilot, "ben")
        # meanwhile someone deletes the code from the codebook
        operations.delete(proj, "benefices", force=True, actor="admin")
        await pilot.press("end", "1")
        assert app.is_running
        assert "benefices" in app.messages[-1]
        assert any("benefices" in n.message for n in app._notifications)
        await pick(pilot, "hot")  # the screen still works afterwards
    assert mine(proj) == [(HOTEL, segs[3]["start"], segs[3]["end"])]


async def test_q_quits(proj):
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


def test_unknown_transcript_or_missing_coder_is_refused(proj):
    with pytest.raises(QualcodeError, match="unknown transcript"):
        run_tag(proj, "NOPE", CODER)
    with pytest.raises(QualcodeError, match="coder"):
        TagApp(proj, "T1", " ")


async def test_coding_ids_are_never_reused_after_remove_or_undo(proj):
    """E5: each coding has its own id in the audit trail, even after the highest
    one was removed (ids come from AUTOINCREMENT / identity, never max(id) + 1)."""
    seg = turns(proj)[1]
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("}")
        await pick(pilot, "hot")
        [first] = proj.store.codings(transcript="T1")
        await pilot.press("x")  # the newest coding is gone...
        await pick(pilot, "ben")  # ...and the next one does not take its id
        [second] = proj.store.codings(transcript="T1")
        await pilot.press("u", "u")  # undo the add, then the remove: the re-added coding is new too
        [third] = proj.store.codings(transcript="T1")
    assert (third["code"], third["start"], third["end"]) == (HOTEL, seg["start"], seg["end"])
    assert first["id"] < second["id"] < third["id"]
    targets = [(e["target"], e["action"]) for e in proj.store.audit_entries(action_prefix="coding.")]
    assert targets == [(f"coding:{first['id']}", "coding.add"), (f"coding:{first['id']}", "coding.remove"),
                       (f"coding:{second['id']}", "coding.add"), (f"coding:{second['id']}", "coding.remove.undo"),
                       (f"coding:{third['id']}", "coding.add.undo")]
