"""The review screen, driven with Textual's Pilot; assertions are on the
database: accept, reject, change the code, span adjustment, undo, and the model
relearning in a worker thread and re-scoring the rest of the queue."""
from __future__ import annotations

import pytest

from qualcode.assist import suggest
from qualcode.assist.session import ReviewSession, adjust_span, relearn
from qualcode.errors import QualcodeError
from qualcode.tui.review import ReviewApp
from qualcode.tui.widgets import CodePicker
from tests.assist.conftest import assist_project  # noqa: F401 - fixture
from tests.assist.test_model_suggest import model_project  # noqa: F401 - fixture

SIZE = (140, 40)
REVIEWER = "rev"


def _status(project, sid):
    return next(s for s in project.store.suggestions(status=None, ids=[sid]))


def _session(project, **kw):
    return ReviewSession(project, REVIEWER, order="document", retrain_every=0, **kw)


@pytest.fixture
def ruled(assist_project):  # noqa: F811
    suggest.suggest(assist_project, method="rules")
    return assist_project


async def test_accept_reject_skip(ruled):
    session = _session(ruled)
    first, second, third = (session.queue[i] for i in range(3))
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        assert "Conditions" in str(app.query_one("#code").content) or first["code"] in str(app.query_one("#code").content)
        await pilot.press("a", "r", "s")
        await pilot.pause()
        assert "accepted 1 · rejected 1 · skipped 1" in str(app.query_one("#status").content)
    assert _status(ruled, first["id"])["status"] == "accepted"
    assert _status(ruled, second["id"])["status"] == "rejected"
    assert _status(ruled, third["id"])["status"] == "pending"
    made = ruled.store.codings(coder=REVIEWER)
    assert [(c["code"], c["start"], c["end"], c["origin"]) for c in made] == [
        (first["code"], first["start"], first["end"], "suggestion")]


async def test_change_the_code_through_the_picker(ruled):
    session = _session(ruled)
    first = session.queue[0]
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"tickets-service", "enter")
        await pilot.pause()
    made = ruled.store.codings(coder=REVIEWER)
    assert [(c["code"], c["start"], c["end"]) for c in made] == [
        ("fonctionnement/tickets-service", first["start"], first["end"])]
    assert made[0]["provenance"]["adjusted"] is True and made[0]["provenance"]["suggested_code"] == first["code"]


async def test_span_by_word_and_sentence(ruled):
    session = _session(ruled)
    s = session.queue[0]
    text = ruled.transcript(s["transcript"])["text"]
    _, turn = session.turn(s)
    expected = adjust_span(text, s["start"], s["end"], turn["start"], turn["end"], edge="end", unit="word", widen=False)
    expected = adjust_span(text, *expected, turn["start"], turn["end"], edge="start", unit="word", widen=False)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("minus", "tab", "minus", "a")
        await pilot.pause()
    made = ruled.store.codings(coder=REVIEWER)[0]
    assert (made["start"], made["end"]) == expected
    assert expected[0] > s["start"] and expected[1] < s["end"]
    assert made["provenance"]["suggested_span"] == [s["start"], s["end"]] and made["provenance"]["adjusted"]


def test_adjust_span_by_hand():
    text = "Bon. Les punaises partout ! Et alors ? Voilà tout."
    lo, hi = 0, len(text)
    span = (5, 27)  # "Les punaises partout !"
    assert adjust_span(text, *span, lo, hi, edge="end", unit="word", widen=True) == (5, 30)  # + "Et"
    assert adjust_span(text, *span, lo, hi, edge="end", unit="word", widen=False) == (5, 17)  # "Les punaises"
    assert adjust_span(text, *span, lo, hi, edge="start", unit="word", widen=False) == (9, 27)
    assert adjust_span(text, *span, lo, hi, edge="start", unit="word", widen=True) == (0, 27)
    assert adjust_span(text, *span, lo, hi, edge="end", unit="sentence", widen=True) == (5, 38)
    assert adjust_span(text, 5, 38, lo, hi, edge="end", unit="sentence", widen=False) == (5, 27)
    assert adjust_span(text, *span, lo, hi, edge="start", unit="sentence", widen=True) == (0, 27)
    assert adjust_span(text, 9, 17, lo, hi, edge="end", unit="word", widen=False) == (9, 17)  # never empty


async def test_undo_takes_back_accept_and_reject(ruled):
    session = _session(ruled)
    first, second = session.queue[0], session.queue[1]
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "r", "u")
        await pilot.pause()
        assert _status(ruled, second["id"])["status"] == "pending"
        assert ruled.store.codings(coder=REVIEWER)  # the accept is still there
        await pilot.press("u")
        await pilot.pause()
        assert session.current["id"] == first["id"]
    assert _status(ruled, first["id"])["status"] == "pending"
    assert ruled.store.codings(coder=REVIEWER) == []
    actions = [e["action"] for e in ruled.store.audit_entries(action_prefix="")]
    assert actions.count("suggestion.undo") == 2 and "coding.remove.undo" in actions


def test_undo_keeps_a_coding_that_existed_before(ruled):
    from qualcode import coding

    session = _session(ruled)
    s = session.queue[0]
    coding.add(ruled, s["transcript"], s["code"], REVIEWER, s["start"], s["end"])
    session.accept()
    session.undo()
    assert len(ruled.store.codings(coder=REVIEWER)) == 1
    with pytest.raises(QualcodeError, match="order"):
        ReviewSession(ruled, REVIEWER, order="random")


async def test_relearning_in_the_background_rescores_the_queue(model_project):  # noqa: F811
    suggest.suggest(model_project, method="model", train_coder="ana", blind=True)  # a queue in every transcript
    session = ReviewSession(model_project, REVIEWER, order="document", train_coder="ana", retrain_every=2,
                            method="model")
    before = {s["id"]: s["score"] for s in session.queue}
    assert len(before) >= 10
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", "r", "s")  # the second decision starts the worker; keys still answer
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.learning and session.retrained == 1 and session.progress()["skipped"] == 1
        assert "relearnt 1×" in str(app.query_one("#title").content)
    rest = [s["id"] for s in session.queue[2:]]
    stored = {s["id"]: s["score"] for s in model_project.store.suggestions(ids=rest)}
    again, thresholds = relearn(model_project, ["ana", REVIEWER], [s for s in session.queue[2:]])
    assert stored == pytest.approx({i: again[i] for i in rest})
    assert any(abs(stored[i] - before[i]) > 1e-6 for i in rest)
    assert thresholds and all(0 < t < 1 for t in thresholds.values())
