"""The Team view driven through the real App and the Pilot, on the small team database of
tests/team_seed.py (figures worked out in tests/test_team_figures.py)."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from datetime import UTC
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from fieldcoach.cli import main
from fieldcoach.team.policy import Policy
from fieldcoach.team.report import MANAGER_COLUMNS
from fieldcoach.team.view import REP_DETAIL_OFF
from fieldcoach.text import visible
from screens.team_app import TeamApp
from tests.helpers import notifications, settle
from tests.team_seed import NOW, seed


def _app(url: str, policy: Policy | None = None) -> TeamApp:
    return TeamApp(url, policy or Policy(), clock=lambda: NOW, tz=UTC)


def _rows(app: TeamApp, selector: str = "#managers") -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def _period(app: TeamApp) -> str:
    return str(app.screen.query_one("#period", Static).render())


@pytest.fixture
def url(tmp_path: Path) -> str:
    return seed(tmp_path)


async def test_first_frame_shows_loading_then_team_on_top_and_one_row_per_manager(url: str) -> None:
    app = _app(url)
    gate = threading.Event()
    read = app.data.figures

    def held(*args: object) -> object:
        gate.wait(10)
        return read(*args)  # type: ignore[arg-type]

    app.data.figures = held  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Loading the team figures" in _period(app)  # drawn while the read is held
        assert _rows(app) == []
        gate.set()
        await settle(app, pilot)
        rows = _rows(app)
        assert [r[0] for r in rows] == ["Team", "Mara Lind", "Noor Haddad"]
        assert rows[0][1:4] == ["130", "360", "3"]  # minutes, budget, sessions
        assert "4 weeks: 02 Nov 2026 – 29 Nov 2026" in _period(app)
        minutes = app.screen.query_one("#minutes-spark")
        assert list(minutes.data) == [60, 0, 40, 30]  # the team's weeks: the totals row is selected
        await pilot.press("down")
        assert list(minutes.data) == [60, 0, 40, 0]  # Mara's
        assert list(app.screen.query_one("#gap-spark").data) == [1.0, 0.0]


async def test_period_keys_step_and_change_the_kind(url: str) -> None:
    app = _app(url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert "4 weeks: 05 Oct 2026 – 01 Nov 2026" in _period(app)
        assert [r[:2] for r in _rows(app)] == [["Team", "40"], ["Mara Lind", "40"], ["Noor Haddad", "0"]]
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert _rows(app)[0][1] == "130"
        await pilot.press("right_square_bracket")  # not past the current period
        assert "This is the current period." in notifications(app)
        await pilot.press("p")
        await settle(app, pilot)
        assert "Quarter: 31 Aug 2026 – 29 Nov 2026" in _period(app)
        await pilot.press("p")
        await settle(app, pilot)
        assert "Week: 23 Nov 2026 – 29 Nov 2026" in _period(app)
        assert [r[:2] for r in _rows(app)] == [["Team", "30"], ["Noor Haddad", "30"], ["Mara Lind", "0"]]


async def test_sort_cycles_through_the_figures_and_keeps_the_totals_on_top(url: str) -> None:
    app = _app(url)
    headers = [c.header for c in MANAGER_COLUMNS]
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        assert [r[0] for r in _rows(app)] == ["Team", "Mara Lind", "Noor Haddad"]  # by minutes
        for _ in range(headers.index("delay") - headers.index("minutes")):
            await pilot.press("s")
        # median delay: Noor 30, Mara 15; largest first
        assert [r[0] for r in _rows(app)] == ["Team", "Noor Haddad", "Mara Lind"]
        assert "sort: delay ▼" in _period(app)
        await pilot.press("s")  # late debriefs: Mara 1, Noor 0
        assert [r[0] for r in _rows(app)] == ["Team", "Mara Lind", "Noor Haddad"]
        # a click on a header sorts by that column; names A to Z first
        table = app.screen.query_one("#managers", DataTable)
        await pilot.click("#managers", offset=(2, 0))
        await pilot.pause()
        assert [r[0] for r in _rows(app)] == ["Team", "Mara Lind", "Noor Haddad"]
        assert "sort: manager ▲" in _period(app)
        await pilot.click("#managers", offset=(2, 0))  # again: Z to A
        await pilot.pause()
        assert [r[0] for r in _rows(app)] == ["Team", "Noor Haddad", "Mara Lind"]
        assert table.row_count == 3


async def test_enter_says_rep_detail_is_off_by_default(url: str) -> None:
    app = _app(url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert REP_DETAIL_OFF in notifications(app)
        assert type(app.screen).__name__ == "TeamScreen" and len(app.screen_stack) == 1


async def test_drill_down_to_one_managers_reps_and_a_reps_sessions(url: str) -> None:
    app = _app(url, Policy(rep_detail=True))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert [r[0] for r in _rows(app, "#reps")] == ["Ana", "Ben"]  # Mara's reps, no one else's
        assert "Mara Lind: 2 reps, 2 sessions, 100 coaching minutes (budget 360)" in _period(app)
        # the charts follow the selected rep, week by week
        charts = lambda: str(app.screen.query_one("#minutes-label", Static).render())  # noqa: E731
        ana, ben = (f for f in app.screen.result.reps)
        assert charts() == f"Minutes per week · {ana.coaching_minutes} in 4 wk · Ana"
        assert app.screen.query_one("#minutes-spark").data == [float(x) for x in ana.minutes_by_week]
        await pilot.press("down")
        await pilot.pause()
        assert charts() == f"Minutes per week · {ben.coaching_minutes} in 4 wk · Ben"
        await pilot.press("up")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        sessions = _rows(app, "#sessions")
        assert [r[1] for r in sessions] == ["coaching", "coaching", "selling"]
        assert sessions[0][2:6] == ["60", "25 min", "1.0", "1 done"]
        assert sessions[1][5] == "1 overdue"
        assert sessions[1][6] == "acknowledged Wed 18 Nov 08:00; " + visible("Thanks \x1b[31m[b]red[/b]")
        words = lambda: str(app.screen.query_one("#words").render())  # noqa: E731 - read again after a move
        assert words() == ""  # the first session: the rep said nothing
        await pilot.press("down")
        await pilot.pause()
        assert words() == ("Rep's words, Tue 17 Nov 09:00: acknowledged Wed 18 Nov 08:00; "
                           + visible("Thanks \x1b[31m[b]red[/b]"))
        await pilot.press("left_square_bracket")  # an earlier period: c0 only
        await settle(app, pilot)
        assert [r[0] for r in _rows(app, "#sessions")] == ["Tue 20 Oct 10:00"]
        await pilot.press("escape")
        await settle(app, pilot)  # the reps follow the period chosen above
        assert "05 Oct 2026 – 01 Nov 2026" in _period(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "05 Oct 2026 – 01 Nov 2026" in _period(app) and len(app.screen_stack) == 1
        await pilot.press("q")
    assert app.return_code == 0


async def test_no_team_database_says_how_to_load_one(tmp_path: Path) -> None:
    db = tmp_path / "none" / "team.db"
    app = _app(f"sqlite:///{db}")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        empty = str(app.screen.query_one("#empty", Static).render())
        assert "fieldcoach team load STORE" in empty and str(db) in empty
        assert not app.screen.query_one("#managers").display
    assert not db.exists()  # looking does not create it


async def test_loaded_while_the_view_is_open_r_shows_the_figures(tmp_path: Path) -> None:
    """A director opens the view before the first load, runs `fieldcoach team load` in
    another shell, and presses r: the figures, in a table that was hidden until then."""
    folder = tmp_path / "later"
    app = _app(f"sqlite:///{folder / 'team.db'}")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "No figures yet" in _period(app)
        assert "r reads the team database again" in str(app.screen.query_one("#empty", Static).render())
        assert seed(folder) == f"sqlite:///{folder / 'team.db'}"
        await pilot.press("r")
        await settle(app, pilot)
        assert "2 managers" in _period(app)
        assert [r[0] for r in _rows(app)] == ["Team", "Mara Lind", "Noor Haddad"]


async def test_stored_names_are_shown_as_data(tmp_path: Path) -> None:
    hostile = "Ann \x1b]0;title\x07[b]bold[/b] \x1b[2J"
    app = _app(seed(tmp_path, mara=hostile), Policy(rep_detail=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert [r[0] for r in _rows(app)][1] == visible(hostile)
        await pilot.press("down")
        label = str(app.screen.query_one("#minutes-label", Static).render())
        assert visible(hostile) in label and "\x1b" not in label
        await pilot.press("enter")
        await settle(app, pilot)
        assert visible(hostile) in _period(app)


def test_the_view_refuses_a_mistyped_policy_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "policy.toml"
    bad.write_text("[team_view]\nrep_detail = 'yes'\n", "utf-8")
    assert main(["team", "--db", str(tmp_path / "team.db"), "--policy", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "rep_detail must be true or false" in err


def test_the_first_frame_needs_no_sqlalchemy() -> None:
    """SQLAlchemy (a fifth of a second to import) and the queries load in the worker, after
    the loading state is drawn: the modules behind the first frame do not import them."""
    code = ("import sys; import fieldcoach.cli, fieldcoach.team.policy, screens.team_app, screens.team; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy' "
            "or m in ('fieldcoach.team.rollup', 'fieldcoach.team.db')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[]", out.stdout[:500]


async def test_a_plain_file_is_resolved_by_the_read_and_the_gc_comes_back_on(url: str) -> None:
    app = _app(url.removeprefix("sqlite:///"))  # as `fieldcoach team --db FILE` passes it on
    gc.disable()  # as the command line does for launch
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            assert [r[0] for r in _rows(app)] == ["Team", "Mara Lind", "Noor Haddad"]
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()


def test_delays_read_in_minutes_hours_or_days() -> None:
    from screens.team import fmt_delay

    assert [fmt_delay(m) for m in (None, 8, 60, 119, 120, 1440, 2880, 4320, 3600)] == [
        "", "8 min", "60 min", "119 min", "2 h", "24 h", "2 d", "3 d", "2.5 d"]


async def test_at_80_columns_sort_stays_on_columns_shown_and_the_legend_explains_them(url: str) -> None:
    app = _app(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#managers", DataTable)
        on_screen = [str(c.label).split(" ")[0] for c in table.columns.values()]
        assert "not coached" not in on_screen and "gap" in on_screen  # too narrow for every column
        seen = set()
        for _ in range(len(on_screen)):
            await pilot.press("s")
            seen.add(_period(app).split("sort: ")[1].rsplit(" ", 1)[0])
        assert seen == set(on_screen)  # every press sorts by a column the reader can see
        assert not app.screen.query_one("#legend-box").display
        await pilot.press("question_mark")
        legend = str(app.screen.query_one("#legend", Static).render())
        assert app.screen.query_one("#legend-box").display
        assert "median time from the end of the call to the start of the debrief" in legend
        assert "oldest first" in legend and "– " in legend
        await pilot.press("question_mark")
        assert not app.screen.query_one("#legend-box").display


async def test_no_figure_reads_as_a_dash_and_delays_carry_their_unit(url: str) -> None:
    app = _app(url)
    app.kind = "quarter"
    app.back = 3  # long before anything was loaded: no debriefs, no ratings
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        headers = [str(c.label).split(" ")[0] for c in app.screen.query_one("#managers", DataTable).columns.values()]
        team = _rows(app)[0]
        assert team[headers.index("delay")] == "–" and team[headers.index("gap")] == "–"
        app.back = 0
        await pilot.press("p", "p")  # a week, then 4 weeks: the current ones
        await settle(app, pilot)
        assert _rows(app)[1][headers.index("delay")] == "15 min"  # Mara's median delay


async def test_a_database_that_cannot_be_read_says_why_in_full_at_80_columns(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "a very long folder name that a terminal line cannot hold" / "someone-elses.db"
    other.parent.mkdir()
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    app = _app(f"sqlite:///{other}")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "could not be read" in _period(app)
        reason = str(app.screen.query_one("#empty", Static).render())
        assert "someone-elses.db is not a fieldcoach team database (it has other tables)" in " ".join(reason.split())
        assert not app.screen.query_one("#managers").display and not app.screen.query_one("#sparks").display
        assert any("not a fieldcoach team database" in n for n in notifications(app))
        assert "r reads the team database again" in reason
        # the operator puts the right file there: r reads it, no restart
        src, dst = sqlite3.connect(seed(tmp_path / "seeded").removeprefix("sqlite:///")), sqlite3.connect(other)
        src.backup(dst)
        src.close()
        dst.close()
        await pilot.press("r")
        await settle(app, pilot)
        assert "could not be read" not in _period(app) and app.screen.query_one("#managers").display
        assert [r[0] for r in _rows(app)][:1] == ["Team"]


async def test_a_single_week_draws_no_bar_chart(url: str) -> None:
    """A week period has one point per chart: no trend, so the baseline, not a full bar."""
    app = _app(url)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert len(app.screen.query_one("#minutes-spark").data) == 4  # 4 weeks: the trend
        await pilot.press("p", "p")  # 4 weeks -> quarter -> week
        await settle(app, pilot)
        assert _period(app).startswith("Week")
        label = str(app.screen.query_one("#minutes-label", Static).render())
        assert "in 1 wk" in label
        assert app.screen.query_one("#minutes-spark").data == []
