"""The review screen, driven with Textual's Pilot; assertions on the database."""
from __future__ import annotations

from qualcode import Project
from qualcode.tui.pseudonyms import PseudonymReviewApp

SIZE = (120, 36)


def status(proj, surface):
    return proj.store.pseudonym_form(surface.lower() if surface != "Élodie" else "elodie")


async def test_accept_reject_type_and_merge_on_the_screen(fx):
    folder, run = fx
    with Project.open(folder) as proj:
        app = PseudonymReviewApp(proj, "reviewer")
        async with app.run_test(size=SIZE) as pilot:
            ids = [f["id"] for f in app.forms()]
            await pilot.press("a")  # the top form
            assert proj.store.pseudonym_form(form_id=ids[0])["status"] == "accepted"
            await pilot.press("down", "r")
            assert proj.store.pseudonym_form(form_id=ids[1])["status"] == "rejected"
            assert str(app.query_one("#contexts").render()).count("#") >= 1  # occurrences in context
            karim, mohamed, momo = (proj.store.pseudonym_form(k)["id"] for k in ("karim", "mohamed", "momo"))
            app.query_one("#forms").move_cursor(row=[f["id"] for f in app.forms()].index(momo))
            await pilot.press("space")
            app.query_one("#forms").move_cursor(row=[f["id"] for f in app.forms()].index(mohamed))
            await pilot.press("M")
            await pilot.pause()
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("ctrl+u", *"[Momo]", "enter")  # a real name is refused as pseudonym
            await pilot.pause()
            assert "holds a name" in str(app.query_one("#message").render())
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("ctrl+u", *"[Prénom M]", "enter")
            await pilot.pause()
            app.query_one("#forms").move_cursor(row=[f["id"] for f in app.forms()].index(karim))
            await pilot.press("q")
        assert proj.store.pseudonym_form(form_id=momo)["replacement"] == "[Prénom M]"
        assert proj.store.pseudonym_form(form_id=mohamed)["replacement"] == "[Prénom M]"
        log = proj.store.audit_entries(actor="reviewer")
        assert {e["action"] for e in log} >= {"pseudonym.accept", "pseudonym.reject", "pseudonym.rename"}
