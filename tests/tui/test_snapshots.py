"""Snapshots of the coding screen at 80×24 and 160×45 (pytest-textual-snapshot;
they depend on the Textual version pinned in pyproject.toml). Update them with
`pytest tests/tui/test_snapshots.py --snapshot-update` after a deliberate change,
and look at the report before committing. Each also checks the database."""
from __future__ import annotations

import pytest

from qualcode import coding as ops
from qualcode.tui.tag import TagApp

from tests.tui.conftest import CODER, HOTEL

STORY = """\
Enquêteur : Bonjour. Vous pouvez me raconter votre arrivée à l'hôtel ?
Marie : Je suis arrivée un mardi, avec deux sacs. Les punaises, j'en avais partout, sur les bras, dans le lit, \
même dans les chaussures. On m'a changé de chambre deux fois. Maintenant ça va mieux, je dors.
Enquêteur : Et l'équipe, elle passe souvent ?
Marie : L'éducatrice passe le jeudi. Elle m'a aidée pour la carte vitale, pour le médecin aussi. \
Sans elle j'aurais laissé tomber. Des fois j'attends toute la matinée, mais elle vient.
Enquêteur : Qu'est-ce qui serait mieux ?
Marie : Une cuisine. Ici on n'a pas le droit de cuisiner, alors je mange des sandwichs. \
Et une chambre sans punaises, franchement.
"""

SIZES = {"80x24": (80, 24), "160x45": (160, 45)}


@pytest.fixture
def story(proj, tmp_path):
    source = tmp_path / "S1.txt"
    source.write_text(STORY, encoding="utf-8")
    proj.import_files([source])
    text = proj.transcript("S1")["text"]
    segs = proj.segments("S1")

    def span(words: str) -> tuple[int, int]:
        start = text.index(words)
        return start, start + len(words)

    ops.add(proj, "S1", HOTEL, CODER, *span("Les punaises, j'en avais partout, sur les bras, dans le lit"))
    ops.add(proj, "S1", "benefices/sante", CODER, *span("Maintenant ça va mieux, je dors."))
    ops.add(proj, "S1", "benefices", CODER, segs[3]["start"], segs[3]["end"])
    ops.add(proj, "S1", "benefices/sante", CODER, *span("pour le médecin aussi"))
    ops.add(proj, "S1", HOTEL, "bob", segs[1]["start"], segs[1]["end"])
    return proj


@pytest.mark.parametrize("size", SIZES)
def test_codings_coloured_with_stripes_and_other_coders(snap_compare, story, size):
    app = TagApp(story, "S1", CODER)
    assert snap_compare(app, terminal_size=SIZES[size], press=["}", "o"])
    assert len(story.store.codings(transcript="S1", coder=CODER)) == 4


@pytest.mark.parametrize("size", SIZES)
def test_search_hits_and_the_selected_hit(snap_compare, story, size):
    app = TagApp(story, "S1", CODER)
    assert snap_compare(app, terminal_size=SIZES[size], press=["/", *"PUNAISE*", "enter", "n"])
    text = story.transcript("S1")["text"]
    assert [text[s:e] for s, e in app.hits] == ["punaises", "punaises"]


@pytest.mark.parametrize("size", SIZES)
def test_picker_offers_an_in_vivo_code(snap_compare, story, size):
    app = TagApp(story, "S1", CODER)
    assert snap_compare(app, terminal_size=SIZES[size], press=["/", *"carte vitale", "enter", "c", *"xyz"])
    assert [c.id for c in story.codes()] == ["freins", HOTEL, "benefices", "benefices/sante"]


@pytest.mark.parametrize("size", SIZES)
def test_side_panel_counts_and_pinned_numbers(snap_compare, story, size):
    app = TagApp(story, "S1", CODER)
    assert snap_compare(app, terminal_size=SIZES[size], press=["g", "4", "enter", "P", "p"])
    assert story.store.get_meta(f"tag.pins.{CODER}") == '{"2": "benefices"}'
