"""Snapshots of home on demo data with a fixed clock, at 80x24 and at 120x36."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from fieldcoach.app import FieldcoachApp
from fieldcoach.demo import write_demo

FIXED = datetime(2026, 11, 26, 15, 0, tzinfo=timezone.utc)


async def _figures_shown(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def demo_app(store, db_path):
    write_demo(store, calls=40, now=FIXED)
    return FieldcoachApp(db_path, clock=lambda: FIXED, tz=timezone.utc)


def test_home_80x24(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=_figures_shown)


def test_home_120x36(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=(120, 36), run_before=_figures_shown)
