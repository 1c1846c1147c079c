from __future__ import annotations

import pytest

from fieldcoach.store import Store


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """Keep the developer's own database, settings and time zone out of every test (demo
    data is laid out in the machine's zone)."""
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("FIELDCOACH_DB", str(tmp_path / "default" / "fieldcoach.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))  # the team policy file


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "fieldcoach.db"


@pytest.fixture
def store(db_path):
    s = Store(db_path)
    s.open()
    from fieldcoach.services import bootstrap

    bootstrap(s, manager_name="Alex Morgan")
    yield s
    s.close()


@pytest.fixture
def fixed_store(tmp_path):
    """A small store with hand-written records and fixed times (tests/test_sync_export.py)."""
    from test_sync_export import seed_fixed

    s = Store(tmp_path / "fixed" / "fieldcoach.db")
    s.open()
    seed_fixed(s)
    yield s
    s.close()
