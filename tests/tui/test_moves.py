"""Moving fast on the coding screen: search forward and backward (accents and
case optional, lemmas in the background), hits selected and coded, jumps to a
turn number, sentences and turns, lines, and the cursor kept in view when the
terminal is resized. Assertions on offsets and on the database."""
from __future__ import annotations

from qualcode.tui.dialogs import Prompt
from qualcode.tui.tag import TagApp

from tests.tui.conftest import CODER, HOTEL, SIZE, mine, pick, text_of, turns

LONG = " ".join(f"Phrase numéro {n} sur l'hôtel, les punaises et la suite." for n in range(1, 40))


async def test_search_forward_backward_next_previous_and_code_the_hit(proj):
    text = text_of(proj)
    hotel = [i for i in range(len(text)) if text.startswith("hôtel", i)]
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"HOTEL")
        assert app.query_one(Prompt).display
        assert app.hits == [(s, s + 5) for s in hotel]  # shown while typing, accents and case optional
        await pilot.press("enter")
        assert app.selection() == (hotel[0], hotel[0] + 5)  # the hit is selected
        assert not app.query_one(Prompt).display
        assert "/HOTEL 1/2" in str(app.query_one("#status").content)
        await pilot.press("n")
        assert app.selection() == (hotel[1], hotel[1] + 5)
        await pilot.press("n")  # wraps round
        assert app.selection() == (hotel[0], hotel[0] + 5)
        await pilot.press("N")
        assert app.selection() == (hotel[1], hotel[1] + 5)
        await pick(pilot, "hot")  # the selected hit is coded
        await pilot.press("end", "?", *"punaises", "enter")  # backward from the last turn
        start = text.index("punaises")
        assert app.selection() == (start, start + len("punaises"))
        await pilot.press("/", *"cafard", "escape")  # cancelled: back where it was
        assert app.selection() == (start, start + len("punaises"))
    assert mine(proj) == [(HOTEL, hotel[1], hotel[1] + 5)]


async def test_search_without_hits_and_bad_turn_numbers_are_warnings(proj):
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("}", "/", *"girafe", "enter")
        assert "no hits" in app.messages[-1]
        assert app.turn_index() == 1 and app.selection() is None
        await pilot.press("n")
        assert "no hits" in app.messages[-1]
        await pilot.press("g", *"12", "enter")
        assert "no turn 12" in app.messages[-1] and app.turn_index() == 1
        await pilot.press("g", "3", "enter")
        assert app.turn_index() == 2 and app.cursor == turns(proj)[2]["start"]


async def test_lemma_search_finds_inflections(proj):
    text = text_of(proj)
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("/", *"punaise", "ctrl+l", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        start = text.index("punaises")
        assert app.hits == [(start, start + len("punaises"))]
        assert app.selection() == (start, start + len("punaises"))
        assert "lemmas of «punaise»" in app.last_action


async def test_jumps_by_sentence_turn_and_line(project, tmp_path):
    source = tmp_path / "L.txt"
    source.write_text(f"Enquêteur : Alors ?\nMarie : {LONG}\nEnquêteur : Et ?\nMarie : Fin.\n", encoding="utf-8")
    project.import_files([source])
    text = project.transcript("L")["text"]
    segs = project.segments("L")
    app = TagApp(project, "L", CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("}")
        assert app.cursor == segs[1]["start"]
        for n in range(1, 6):
            await pilot.press(")")
        assert text[app.cursor:].startswith("Phrase numéro 6 ")
        await pilot.press("(")
        assert text[app.cursor:].startswith("Phrase numéro 5 ")
        await pilot.press("v", ")", ")")
        assert text[slice(*app.selection())] == (
            "Phrase numéro 5 sur l'hôtel, les punaises et la suite. "
            "Phrase numéro 6 sur l'hôtel, les punaises et la suite. ")
        await pilot.press("escape")
        row = app.view.cursor_row()
        await pilot.press("down", "down")  # by screen line, not by turn
        assert app.view.cursor_row() == row + 2 and app.turn_index() == 1
        await pilot.press("up")
        assert app.view.cursor_row() == row + 1
        await pilot.press("g", "4", "enter")
        assert app.cursor == segs[3]["start"]
        await pilot.press("{", "{")
        assert app.cursor == segs[1]["start"]


async def test_resize_keeps_the_cursor_in_view(project, tmp_path):
    source = tmp_path / "L.txt"
    turns_ = "".join(f"Enquêteur : Question {n} ?\nMarie : {LONG[: 300 + n]}\n" for n in range(12))
    source.write_text(turns_, encoding="utf-8")
    project.import_files([source])
    app = TagApp(project, "L", CODER)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("g", *"18", "enter", ")", ")", ")")
        view = app.view

        def cursor_on_screen() -> bool:
            row = view.cursor_row()
            return view.scroll_offset.y <= row < view.scroll_offset.y + view.size.height

        assert cursor_on_screen()
        for size in ((80, 24), (160, 45), (60, 16), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert cursor_on_screen(), size
            assert view.text_width < size[0]
        await pilot.press("right")
        assert cursor_on_screen()


async def test_side_panel_counts_and_jumps_through_a_codes_codings(proj):
    from qualcode import coding as ops

    text = text_of(proj)
    spans = [(text.index(w), text.index(w) + len(w)) for w in ("punaises", "L'hôtel est sale", "cafards")]
    for span in spans:
        ops.add(proj, "T1", HOTEL, CODER, *span)
    ops.add(proj, "T1", HOTEL, "bob", *spans[0])
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        panel = app.query_one("#panel")
        assert panel.display and panel.counts()[HOTEL] == (3, 1) and panel.counts()["freins"] == (3, 1)
        await pilot.press("down", "enter")  # Conditions hôtelières: its codings one after the other
        assert app.selection() == spans[0]
        await pilot.press("enter", "enter")
        assert app.selection() == spans[2]
        await pilot.press("enter")  # wraps round
        assert app.selection() == spans[0]
        await pilot.press("backspace")
        assert app.selection() == spans[2] and "3/3" in app.last_action
        await pilot.press("escape", "s")  # back to the text: keys move the cursor again
        assert app.focused is None and text[slice(*app.selection())] == "On a des cafards."
