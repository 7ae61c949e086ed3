"""The mouse on the coding screen: a click puts the cursor on the clicked
character, a drag selects (snapped to words when coded), shift+click extends,
a double click takes the word, a click on a stripe selects its coding; hovering
a stripe shows its full label. Offsets are checked exactly, codings in the
database."""
from __future__ import annotations

from rich.cells import cell_len

from qualcode import coding as ops
from qualcode.tui.layout import prefix_width
from qualcode.tui.tag import TagApp

from tests.tui.conftest import CODER, HOTEL, SIZE, mine, pick, text_of, turns


def cell_of(app, offset: int) -> tuple[int, int]:
    """Where `offset` shows, relative to the transcript view."""
    view = app.view
    row = view.row_of(offset)
    line = view.lines[row]
    x = prefix_width(line, view.heads[line.turn]) + cell_len(app.text[line.start:offset])
    return x, row - view.scroll_offset.y


async def test_click_places_the_cursor_on_the_clicked_character(proj):
    text = text_of(proj)
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        for word in ("punaises", "éducatrice", "cafards", "Voilà"):
            target = text.index(word) + 2
            await pilot.click(app.view, offset=cell_of(app, target))
            assert app.cursor == target, word
            assert app.selection() is None


async def test_drag_selects_and_the_selection_is_coded_as_whole_words(proj):
    text = text_of(proj)
    start = text.index("punaises") + 3          # inside "punaises"
    end = text.index("partout") + 4              # inside "partout"
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.mouse_down(app.view, offset=cell_of(app, start))
        await pilot.hover(app.view, offset=cell_of(app, end))
        await pilot.mouse_up(app.view, offset=cell_of(app, end))
        assert app.selection() == (start, end)
        await pick(pilot, "hot")
    first = text.index("punaises")
    assert mine(proj) == [(HOTEL, first, text.index("partout") + len("partout"))]


async def test_shift_click_extends_and_double_click_takes_the_word(proj):
    text = text_of(proj)
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        a, b = text.index("L'hôtel est"), text.index("cafards") + len("cafards")
        await pilot.click(app.view, offset=cell_of(app, a))
        await pilot.click(app.view, offset=cell_of(app, b), shift=True)
        assert text[slice(*app.selection())] == "L'hôtel est sale… On a des cafards"
        await pilot.double_click(app.view, offset=cell_of(app, text.index("éducatrice") + 4))
        assert text[slice(*app.selection())] == "éducatrice"


async def test_click_on_a_stripe_selects_its_coding_and_hover_shows_the_label(proj):
    seg = turns(proj)[3]
    text = text_of(proj)
    sentence = text.index("On a des cafards.")
    ops.add(proj, "T1", HOTEL, CODER, sentence, sentence + len("On a des cafards."))
    app = TagApp(proj, "T1", CODER)
    async with app.run_test(size=SIZE) as pilot:
        view = app.view
        row = view.row_of(seg["start"]) - view.scroll_offset.y
        stripe_x = view.text_width + 2
        await pilot.hover(view, offset=(stripe_x, row))
        assert "Conditions hôtelières" in str(app.query_one("#here").content)
        assert f"[{sentence}:{sentence + len('On a des cafards.')}]" in str(app.query_one("#here").content)
        await pilot.click(view, offset=(stripe_x, row))
        assert app.selection() == (sentence, sentence + len("On a des cafards."))
        # the same code over the same words: refused, nothing added
        await pick(pilot, "hot")
        assert "already holds" in app.messages[-1]
    assert mine(proj) == [(HOTEL, sentence, sentence + len("On a des cafards."))]
