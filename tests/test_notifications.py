"""Notifications at 80x24: brief, one line, over the footer, never over the rows a manager
is reading (the tables of home, the newest note)."""

from __future__ import annotations

from textual.widgets import DataTable
from textual.widgets._toast import Toast

from fieldcoach import services
from tests.helpers import make_app, settle


def shown(app, widget):
    """The part of a widget on screen (its region clipped by whatever scrolls it)."""
    return app.screen.find_widget(widget).visible_region


async def shown_toasts(app, pilot) -> list[Toast]:
    await settle(app, pilot)
    return [t for t in app.screen.query(Toast) if t.parent.display and t.region.height]


async def test_a_notification_is_one_brief_line_over_the_footer(store, db_path):
    rep = services.add_rep(store, "Priya Shah")
    for action in ("Book the CFO meeting", "Send the pilot plan", "Role-play the price objection"):
        services.add_next_step(store, rep_id=rep, action=action)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        tables = [shown(app, t) for t in app.screen.query(DataTable) if t.display]
        assert tables and max(r.bottom for r in tables) == 23  # the focus list reaches the footer
        app.notify("Recap copied as Markdown")
        (toast,) = await shown_toasts(app, pilot)
        assert toast.region.height == 1 and toast.region.y == 23  # the footer's row
        assert all(not toast.region.overlaps(r) for r in tables)
        assert "Recap copied as Markdown" in str(toast.render())
        (info,) = app._notifications
        assert info.timeout <= 3


async def test_an_error_stays_longer_and_takes_at_most_two_rows(store, db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        app.notify("Saved")
        app.notify("Could not save the recap: [Errno 28] No space left on device: "
                   "'/home/alex/.local/share/fieldcoach/recaps/2026-11-26-priya-shah-kestrel.md'",
                   severity="error")
        (toast,) = await shown_toasts(app, pilot)  # only the newest shows
        assert "-error" in toast.classes
        assert toast.region.height <= 2 and toast.region.bottom == 24
        timeouts = {n.severity: n.timeout for n in app._notifications}
        assert timeouts["information"] < timeouts["error"]


async def test_marking_a_note_private_shows_no_toast_over_the_notes(store, db_path):
    from textual.widgets import Input

    from screens.observe import ObservationScreen

    rep = services.add_rep(store, "Priya Shah")
    call = services.plan_call(store, rep_id=rep, account="Acme")
    app = make_app(db_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.push_screen(ObservationScreen(call))
        await settle(app, pilot)
        line = app.screen.query_one("#note-line", Input)
        for i in range(16):  # enough to fill the list down to the footer
            line.insert_text_at_cursor(f"note {i}")
            await pilot.press("enter")
        await pilot.press("ctrl+t")
        (toast,) = await shown_toasts(app, pilot)
        notes = [shown(app, w) for w in app.screen.query(".note") if shown(app, w).height]
        assert max(r.bottom for r in notes) == 23  # the newest note sits just above the footer
        assert all(not toast.region.overlaps(r) for r in notes)
