"""The coding screen's pure parts: wrapping turns and finding offsets back from
cells, stripe columns, numbered slots, bars that fit their width, colours."""
from __future__ import annotations

from rich.cells import cell_len

from qualcode.codebook.model import CodeSpec
from qualcode.coding import snap_span
from qualcode.tui import bars, stripes
from qualcode.tui.colors import code_colors
from qualcode.tui.layout import INDENT, LineIndex, header, layout, offset_at, prefix_width
from qualcode.tui.slots import Slots

TEXT = ("Bonjour. Je suis éducatrice, et les punaises sont partout dans cet hôtel "
        "incroyablementlongmotquinefinitjamaisvraiment ici.\nDeuxième paragraphe.")
SEG = {"idx": 7, "speaker": "Marie", "start": 0, "end": len(TEXT)}


def shown(line) -> str:
    return TEXT[line.start:line.end]


def test_turns_wrap_at_words_and_every_offset_has_a_line():
    lines = layout(TEXT, [SEG], 40)
    head = header(SEG, 0)
    assert head == "  7 Marie : "
    assert all(prefix_width(line, head) + cell_len(shown(line).rstrip()) <= 39 for line in lines)
    assert "".join(shown(line) for line in lines) == TEXT  # nothing lost, nothing twice
    assert lines[0].first and lines[-1].last and not lines[1].first
    assert any(shown(line).endswith("\n") for line in lines)  # the paragraph break ends a line
    index = LineIndex(lines)
    for offset in range(len(TEXT) + 1):
        line = lines[index.row_of(offset)]
        assert line.start <= offset <= line.end


def test_a_word_longer_than_the_line_is_cut():
    lines = layout(TEXT, [SEG], 30)
    longest = max(len(shown(line)) for line in lines)
    assert longest <= 30 - INDENT - 1


def test_cells_map_back_to_offsets_with_wide_characters():
    text = "漢字 and é"
    seg = {"idx": 1, "speaker": "A", "start": 0, "end": len(text)}
    [line] = layout(text, [seg], 60)
    head = header(seg, 0)
    x0 = prefix_width(line, head)
    assert offset_at(text, line, head, x0) == 0
    assert offset_at(text, line, head, x0 + 1) == 0   # the second cell of 漢
    assert offset_at(text, line, head, x0 + 2) == 1
    assert offset_at(text, line, head, x0 + 5) == 3   # "a"
    assert offset_at(text, line, head, 0) == 0        # on the speaker: the turn's start
    assert offset_at(text, line, head, 999) == len(text)  # past the end: the turn's end


def test_turns_are_separated_by_a_blank_line_and_rows_belong_to_their_turn():
    text = "un deux\ntrois"
    segs = [{"idx": 1, "speaker": "A", "start": 0, "end": 7}, {"idx": 2, "speaker": "B", "start": 8, "end": 13}]
    lines = layout(text, segs, 40)
    assert [line.turn for line in lines] == [0, -1, 1]
    index = LineIndex(lines)
    assert index.row_of(7, turn=0) == 0 and index.row_of(8) == 2


def test_stripe_columns_labels_run_down_the_bar():
    codings = [{"code": "a", "coder": "me", "start": 0, "end": 50},
               {"code": "b", "coder": "me", "start": 30, "end": 35},
               {"code": "a", "coder": "bob", "start": 0, "end": 10},
               {"code": "c", "coder": "me", "start": 500, "end": 600}]
    row_of = lambda offset: offset // 10  # noqa: E731 - ten characters a row
    cols = stripes.columns_in_view(codings, "me", row_of, 0, 20)
    assert [(c.coder, c.code) for c in cols] == [("me", "a"), ("me", "b"), ("bob", "a")]
    assert stripes.cell_text(cols[0], 0, 0, "Alpha beta", 5) == "┃Alph"
    assert stripes.cell_text(cols[0], 1, 0, "Alpha beta", 5) == "┃a be"
    assert stripes.cell_text(cols[0], 4, 0, "Alpha beta", 5) == "┃    "
    assert stripes.cell_text(cols[0], 6, 0, "Alpha beta", 5) is None
    assert stripes.cell_text(cols[2], 0, 0, "bob: Alpha", 5).startswith("╏")
    assert stripes.coding_at(cols[1], 3)["start"] == 30
    assert stripes.layout_columns(3, 20) == (3, 6)
    assert stripes.layout_columns(30, 20) == (9, 2)  # what does not fit is counted, not drawn


def test_slots_keep_numbers_pins_survive_and_the_oldest_unpinned_goes():
    slots = Slots({2: "pinned"}, recent=["r1", "r2"])
    assert slots.codes[:3] == ["r1", "pinned", "r2"]
    for n in range(6):
        slots.use(f"c{n}")
    assert slots.codes == ["r1", "pinned", "r2", "c0", "c1", "c2", "c3", "c4", "c5"]
    slots.use("r1")  # used again: r2 is now the unpinned code used longest ago
    slots.use("c6")
    assert slots.number("c6") == 3 and slots.number("r1") == 1 and slots.number("pinned") == 2
    assert slots.toggle_pin("c6") is True and slots.pinned_numbers() == {2: "pinned", 3: "c6"}
    assert slots.toggle_pin("pinned") is False


def test_bars_fit_their_width_and_keep_search_help_and_quit():
    for width in (60, 80, 120, 200):
        bar = bars.key_bar(width)
        assert bar.cell_len <= width
        assert bar.plain.rstrip().endswith("/ ?  search  h  keys  q  quit")
    labels = {f"c{n}": f"Très longue étiquette numéro {n} du livre de codes" for n in range(9)}
    line = bars.slots_bar(list(labels), {"c1"}, labels.get, lambda c: "#ffffff", 78)
    assert line.cell_len <= 80 and all(str(n) in line.plain for n in range(1, 10))
    assert bars.abbreviate("Inclusions massives lors des évacuations", 14) == "Incl mass évac"
    assert bars.share([3, 50, 50], 40) == [3, 18, 19]


def test_family_colours_are_inherited_with_a_variation():
    specs = [CodeSpec("f", "F", color="#c0392b"), CodeSpec("f/a", "A"), CodeSpec("f/b", "B"),
             CodeSpec("g", "G"), CodeSpec("f/a/x", "X", color="#2980b9")]
    colors = code_colors(specs)
    assert colors["f"] == "#c0392b" and colors["f/a/x"] == "#2980b9"
    assert colors["f/a"] != colors["f/b"] and colors["f/a"] != colors["f"]
    red = lambda c: int(c[1:3], 16) > int(c[5:7], 16)  # noqa: E731
    assert red(colors["f/a"]) and red(colors["f/b"])  # still reddish, like their family


def test_selections_snap_to_whole_words_and_lose_edge_spaces():
    text = "  Je suis éducatrice, voilà.  "
    assert text[slice(*snap_span(text, 6, 14))] == "suis éducatrice"
    assert text[slice(*snap_span(text, 0, len(text)))] == "Je suis éducatrice, voilà."
    assert text[slice(*snap_span(text, text.index("catrice"), text.index("voilà") + 2))] == "éducatrice, voilà"
    assert text[slice(*snap_span(text, text.index(", "), text.index(", ") + 2))] == ","
