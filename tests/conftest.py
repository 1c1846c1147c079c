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


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server per test process (per xdist worker), stopped at the end.
    Without the server binaries the tests that need it skip, or fail where
    FIELDCOACH_REQUIRE_POSTGRES=1 (CI)."""
    import os

    from pg_server import MISSING, PgServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("FIELDCOACH_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{MISSING} (FIELDCOACH_REQUIRE_POSTGRES=1)", pytrace=False)
        pytest.skip(MISSING)
    server = PgServer(bindir)
    try:
        server.start()
    except Exception:
        log = server.root / "log"
        text = log.read_text(errors="replace") if log.exists() else ""
        server.stop()
        pytest.fail(f"the PostgreSQL test server did not start:\n{text}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """A fresh, empty PostgreSQL database for this test."""
    return pg_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def team_url(request, tmp_path) -> str:
    """The URL of an empty team database on each engine."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'team.db'}"
