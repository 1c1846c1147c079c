"""Layout facts at 80x24 and at larger sizes: every field of a form can be seen and typed
into, a chosen option reads without colour, headers and tables fit the width they have."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from fieldcoach import queries, services
from tests.helpers import make_app, settle

EXPECTATIONS = ["Research the account's last quarter results", "Name the buyer's top priority",
                "Plan the opening question"]


def shown(screen, widget) -> bool:
    """True when the widget is on screen and is what the terminal shows at its middle
    (not clipped away by its container, not under another widget)."""
    region = widget.region
    if not region or not screen.region.contains_region(region):
        return False
    hit, _ = screen.get_widget_at(region.x + region.width // 2, region.y + region.height // 2)
    return hit is widget or widget in hit.ancestors


@pytest.fixture
def rep_with_prep(store):
    rep_id = services.add_rep(store, "Priya Shah", "Account Executive", "London North")
    services.set_expectations(store, rep_id, EXPECTATIONS)
    return rep_id


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_prep_answer_shows_its_label_and_field(store, db_path, rep_with_prep, size):
    from screens.precall import PreCallScreen

    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        app.push_screen(PreCallScreen(rep_id=rep_with_prep))
        await settle(app, pilot)
        screen = app.screen
        for i, text in enumerate(EXPECTATIONS):
            answer = screen.query_one(f"#prep{i}", Input)
            answer.focus()
            await pilot.pause()
            assert shown(screen, answer), f"answer {i + 1} is not visible at {size}"
            label = answer.parent.children[answer.parent.children.index(answer) - 1]
            assert text in str(label.render())
            assert shown(screen, label), f"the label of answer {i + 1} is not visible at {size}"
            await pilot.press(str(i))  # a key typed there lands there
        assert [screen.query_one(f"#prep{i}", Input).value for i in range(3)] == ["0", "1", "2"]


async def test_precall_form_reads_in_two_screens_at_80x24(store, db_path, rep_with_prep):
    from screens.precall import PreCallScreen

    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(PreCallScreen(rep_id=rep_with_prep))
        await settle(app, pilot)
        form = app.screen.query_one("#pc-form")
        assert form.virtual_size.height <= 2 * form.scrollable_content_region.height
        assert {i.outer_size.height for i in app.screen.query(Input)} == {1}


def plain_lines(widget) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.size.height)]


async def test_chosen_options_read_without_colour(store, db_path, rep_with_prep):
    from textual.widgets import RadioButton, SelectionList

    from screens.precall import PreCallScreen

    skills = queries.skills(store.con())
    services.set_goal(store, rep_with_prep, "Ask before telling", [skills[1].id])
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(PreCallScreen(rep_id=rep_with_prep))
        await settle(app, pilot)
        screen = app.screen
        coaching, selling = (screen.query_one(f"#kind-{k}", RadioButton) for k in ("coaching", "selling"))
        assert "●" in str(coaching.render()) and "●" not in str(selling.render())
        await pilot.click("#kind-selling")
        await settle(app, pilot)
        assert "●" not in str(coaching.render()) and "●" in str(selling.render())

        # the skills to observe: the goal's skill is ticked, the others are empty boxes
        sl = screen.query_one("#skills", SelectionList)
        sl.scroll_visible(animate=False)
        await settle(app, pilot)
        lines = plain_lines(sl)
        ticked = [ln for ln in lines if "✓" in ln]
        assert len(ticked) == 1 and skills[1].name in ticked[0]
        assert all("X" not in ln[:4] for ln in lines)


async def test_long_account_name_ends_in_an_ellipsis_before_the_clock(store, db_path, rep_with_prep):
    from datetime import timedelta

    from textual.widgets import Static

    from screens.observe import ObservationScreen
    from tests.helpers import FIXED

    account = "Kestrel Insurance Holdings International plc, Northern Europe Shared Services Division"
    call_id = services.plan_call(store, rep_id=rep_with_prep, account=account)
    services.start_call(store, call_id, now=FIXED - timedelta(minutes=12))
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(ObservationScreen(call_id))
        await settle(app, pilot)
        title, clock = (app.screen.query_one(s, Static) for s in ("#obs-title", "#obs-clock"))
        assert title.region.height == 1 and not title.region.overlaps(clock.region)
        assert app.screen.region.contains_region(clock.region)
        assert plain_lines(clock)[0].strip() == "elapsed 12:00"
        line = plain_lines(title)[0].rstrip()
        assert line.startswith("Observing Priya Shah · Kestrel") and line.endswith("…")


# --- tables fill their width ------------------------------------------------------------------

def test_fit_widths_gives_spare_width_to_the_flexible_column():
    from screens.widgets.columns import Col, fit_widths

    cols = (Col("Due", "due"), Col("Rep", "rep", min=8), Col("Next step", "step", flex=True, min=12))
    assert fit_widths([6, 12, 20], cols, avail=80, pad=2) == [6, 12, 56]


def test_fit_widths_shrinks_by_order_then_widest_first_never_below_the_minimum():
    from screens.widgets.columns import Col, fit_widths

    cols = (Col("Name", "name", min=12, order=2), Col("Coached", "c"), Col("Territory", "t", min=8),
            Col("Role", "r", min=8), Col("Goal", "g", flex=True, min=16, order=1))
    content = [15, 7, 13, 24, 44]
    widths = fit_widths(content, cols, avail=80, pad=2)
    assert sum(w + 2 for w in widths) == 80
    assert widths[:2] == [15, 7]               # the name stays whole while others can give
    assert widths[2] == widths[3] == 8         # territory and role gave way first
    assert widths[4] == 80 - 10 - 15 - 7 - 8 - 8
    squeezed = fit_widths(content, cols, avail=40, pad=2)
    assert squeezed == [12, 7, 8, 8, 16]       # everything at its minimum: the table scrolls


def table_facts(table):
    """(sum of the column widths with padding, width available, [(column, width, widest cell)])."""
    from rich.text import Text

    def cell_len(cell) -> int:
        return (cell if isinstance(cell, Text) else Text(str(cell))).cell_len

    avail = table.scrollable_content_region.width
    cols = []
    for key, col in table.columns.items():
        widest = max([cell_len(col.label), *(cell_len(c) for c in table.get_column(key))])
        cols.append((str(col.label), col.get_render_width(table) - 2 * table.cell_padding, widest))
    return sum(w + 2 * table.cell_padding for _, w, _ in cols), avail, cols


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_roster_columns_fill_the_width(store, db_path, size):
    from textual.widgets import DataTable

    from fieldcoach.demo import write_demo
    from tests.helpers import FIXED

    write_demo(store, calls=10, now=FIXED)
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        total, avail, cols = table_facts(app.screen.query_one("#roster", DataTable))
        assert total == avail
        assert [c[0] for c in cols][-2:] == ["Role", "Shared goal"]
        if size[0] >= 160:
            assert all(width >= widest for _, width, widest in cols), cols


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_home_tables_fill_their_width_and_since_end_shows_whole(store, db_path, size):
    from textual.widgets import DataTable

    from fieldcoach.demo import write_demo
    from tests.helpers import FIXED

    write_demo(store, calls=40, now=FIXED)
    con = store.con()
    con.execute("UPDATE call SET account = ? WHERE status = 'debrief'",
                ("Kestrel Insurance Holdings International plc, Northern Europe Division",))
    con.commit()
    app = make_app(db_path)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        tables = [t for t in app.screen.query(DataTable) if t.display and t.row_count]
        assert {t.id for t in tables} >= {"in-progress", "upcoming", "steps", "focus"}
        for table in tables:
            total, avail, cols = table_facts(table)
            assert total == avail, (table.id, cols)
            if size[0] >= 160 and table.id != "in-progress":
                assert all(width >= widest for _, width, widest in cols), (table.id, cols)
        _, _, cols = table_facts(app.screen.query_one("#in-progress", DataTable))
        since = next(c for c in cols if c[0] == "Since end")
        assert since[1] >= since[2]
