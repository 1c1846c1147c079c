"""Snapshots of the Team view on a demo team store (write_team, then team load) with a
fixed clock: the managers at 80x24 and at 160x48 (more columns), a manager's reps."""

from __future__ import annotations

from datetime import UTC

import pytest

from fieldcoach.team.db import open_team_db
from fieldcoach.team.load import load
from fieldcoach.team.location import resolve_url
from fieldcoach.team.policy import Policy
from fieldcoach.team_demo import write_team
from screens.team_app import TeamApp
from tests.helpers import FIXED, settle


@pytest.fixture(scope="module")
def team_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("team")
    write_team(folder / "store", managers=4, calls=24, now=FIXED)
    url = resolve_url(str(folder / "team.db"))
    engine = open_team_db(url)
    load(engine, [folder / "store"])
    engine.dispose()
    return url


def _app(url: str, policy: Policy | None = None) -> TeamApp:
    return TeamApp(url, policy or Policy(), clock=lambda: FIXED, tz=UTC)


async def _figures_shown(pilot) -> None:
    await settle(pilot.app, pilot)


async def _reps_shown(pilot) -> None:
    await settle(pilot.app, pilot)
    await pilot.press("down", "enter")
    await settle(pilot.app, pilot)


def test_team_view_80x24(team_url, snap_compare):
    assert snap_compare(_app(team_url), terminal_size=(80, 24), run_before=_figures_shown)


def test_team_view_160x48(team_url, snap_compare):
    assert snap_compare(_app(team_url), terminal_size=(160, 48), run_before=_figures_shown)


def test_team_view_reps_80x24(team_url, snap_compare):
    app = _app(team_url, Policy(rep_detail=True))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_reps_shown)
