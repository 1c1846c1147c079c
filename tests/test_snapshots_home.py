"""Snapshots of home on demo data with a fixed clock, at 80x24 and at 120x36."""

from __future__ import annotations

import pytest

from fieldcoach.demo import write_demo
from tests.helpers import FIXED, make_app, settle


async def _figures_shown(pilot) -> None:
    await settle(pilot.app, pilot)


@pytest.fixture
def demo_app(store, db_path):
    write_demo(store, calls=40, now=FIXED)
    return make_app(db_path)


def test_home_80x24(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=_figures_shown)


def test_home_120x36(demo_app, snap_compare):
    assert snap_compare(demo_app, terminal_size=(120, 36), run_before=_figures_shown)
