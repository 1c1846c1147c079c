"""A database nobody has set up: usable at once, the same defaults on every laptop, and a
second laptop that takes over the first one's identity on import (PRODUCT.md 5 and 7)."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from fieldcoach import coaching, db, queries, schema_sql, services
from fieldcoach.defaults import SEED_STAMP, SEEDED_SCRIPT, SEEDED_SKILLS
from fieldcoach.errors import UserError
from fieldcoach.store import Store
from fieldcoach.sync import commands

from tests.helpers import make_app, settle


def _rows(con: sqlite3.Connection, table: str) -> list[tuple]:
    return [tuple(r) for r in con.execute(f"SELECT * FROM {table} ORDER BY position, id")]


def test_a_new_database_has_the_default_catalogue_and_script(tmp_path):
    s = Store(tmp_path / "new.db")
    s.open()
    con = s.con()
    assert [(k.name, k.description) for k in queries.skills(con)] == list(coaching.DEFAULT_SKILLS)
    assert [(q.stage, q.text) for q in queries.script(con)] == list(coaching.DEFAULT_SCRIPT)
    assert queries.script(con)[0].stage == coaching.STAGE_SELF  # the rep speaks first
    assert con.execute("SELECT count(*) FROM manager").fetchone()[0] == 0  # made when first needed
    # Another laptop's new database holds the very same records, byte for byte.
    other = db.connect(tmp_path / "other.db")
    for table in ("skill", "script_question"):
        assert _rows(con, table) == _rows(other, table)
    assert {r[0] for r in con.execute("SELECT updated_at FROM skill")} == {SEED_STAMP}
    other.close()
    s.close()


def test_seeded_ids_are_stable_uuids():
    ids = [row[0] for row in SEEDED_SKILLS + SEEDED_SCRIPT]
    assert len(set(ids)) == len(ids) == len(coaching.DEFAULT_SKILLS) + len(coaching.DEFAULT_SCRIPT)
    assert all(str(uuid.UUID(i)) == i for i in ids)
    # Pinned: two laptops on different releases must agree on these.
    assert SEEDED_SKILLS[0][0] == "325e4d68-81ad-5391-800d-b4b358530b6d"
    assert SEEDED_SCRIPT[0][0] == "defac0da-56b3-5f77-8ca4-5b3b4d767b9b"


def _version_2_file(path, monkeypatch, *, seed_like_bootstrap: bool) -> None:
    """A file as fieldcoach left it before the schema seeded defaults."""
    with monkeypatch.context() as m:
        m.setattr(db, "STEPS", schema_sql.STEPS[:2])
        m.setattr(db, "SCHEMA_VERSION", 2)
        con = db.connect(path)
        if seed_like_bootstrap:  # what bootstrap used to write: random ids, the time of day
            with db.transaction(con):
                for i, (name, desc) in enumerate(coaching.DEFAULT_SKILLS):
                    con.execute("INSERT INTO skill (id, created_at, updated_at, name, description, position) "
                                "VALUES (?, '2026-01-05T09:00:00.000000+00:00', "
                                "'2026-01-05T09:00:00.000000+00:00', ?, ?, ?)",
                                (str(uuid.uuid4()), name, desc, i))
        assert con.execute("PRAGMA user_version").fetchone()[0] == 2
        con.close()


def test_an_older_file_without_defaults_gains_them(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    _version_2_file(path, monkeypatch, seed_like_bootstrap=False)
    con = db.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == schema_sql.SCHEMA_VERSION
    assert [k.id for k in queries.skills(con)] == [row[0] for row in SEEDED_SKILLS]
    assert [q.id for q in queries.script(con)] == [row[0] for row in SEEDED_SCRIPT]
    con.close()


def test_an_older_file_with_its_own_defaults_gets_no_second_copy(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    _version_2_file(path, monkeypatch, seed_like_bootstrap=True)
    old = db.connect(path, migrate=False)
    before = [k.id for k in queries.skills(old)]
    old.close()
    con = db.connect(path)
    assert [k.id for k in queries.skills(con)] == before and len(before) == len(coaching.DEFAULT_SKILLS)
    con.close()


async def test_a_rep_gets_a_goal_on_a_new_database_through_the_screens(tmp_path):
    path = tmp_path / "fresh" / "fieldcoach.db"
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Priya Shah", "ctrl+s")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RepScreen"
        await pilot.press("g")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "GoalForm"
        assert app.screen.query_one("#skills").option_count == len(coaching.DEFAULT_SKILLS)
        await pilot.press(*"Ask before telling", "tab", "space", "ctrl+s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "RepScreen"
    con = db.connect(path)
    rep = queries.list_reps(con)[0]
    goal = queries.goal_for(con, rep.id)
    assert goal is not None and goal.statement == "Ask before telling"
    assert goal.skill_ids == [SEEDED_SKILLS[0][0]]
    con.close()


# --- the second laptop ---------------------------------------------------------------------

def _first_laptop(tmp_path, *, random_default_ids: bool = False) -> tuple[Store, str]:
    """Laptop one: a named manager, a rep with a goal on a default skill, exported."""
    one = Store(tmp_path / "one.db")
    one.open()
    if random_default_ids:  # a laptop set up before defaults had stable ids
        con = one.con()
        with db.transaction(con):
            for (sid,) in con.execute("SELECT id FROM skill").fetchall():
                con.execute("UPDATE skill SET id = ?, created_at = ?, updated_at = ? WHERE id = ?",
                            (str(uuid.uuid4()), "2026-01-05T09:00:00.000000+00:00",
                             "2026-01-05T09:00:00.000000+00:00", sid))
    mid = services.bootstrap(one, manager_name="Alex Morgan")
    rep = services.add_rep(one, "Priya Shah")
    services.set_goal(one, rep, "Ask before telling", [queries.skills(one.con())[1].id])
    commands.run_export(one, tmp_path / "store")
    return one, mid


def _live(con: sqlite3.Connection, table: str, column: str) -> list[str]:
    return sorted(r[0] for r in con.execute(f"SELECT {column} FROM {table} WHERE deleted_at IS NULL"))


def test_second_laptop_adopts_the_identity_and_keeps_one_copy_of_each_default(tmp_path):
    one, mid = _first_laptop(tmp_path)
    two = Store(tmp_path / "two.db")
    two.open()
    r = commands.run_import(two, [tmp_path / "store"])
    assert r.adopted_manager == mid
    con = two.con()
    assert [tuple(x) for x in con.execute("SELECT id, name FROM manager")] == [(mid, "Alex Morgan")]
    assert _live(con, "skill", "name") == sorted(n for n, _ in coaching.DEFAULT_SKILLS)
    assert _live(con, "script_question", "text") == sorted(t for _, t in coaching.DEFAULT_SCRIPT)
    assert "skill" not in r.inserted  # the defaults were already the same records
    # Both laptops now write the same store: an export from the second changes nothing.
    again = commands.run_export(two, tmp_path / "store")
    assert again.written == [] and again.conflicts == []
    one.close()
    two.close()


def test_second_laptop_opened_in_settings_first_still_adopts(tmp_path):
    """Looking at settings (or exporting) makes an unnamed manager row; nothing else was
    done, so the database still counts as new."""
    one, mid = _first_laptop(tmp_path)
    two = Store(tmp_path / "two.db")
    two.open()
    services.update_settings(two, budget_minutes=90)
    r = commands.run_import(two, [tmp_path / "store"])
    assert r.adopted_manager == mid
    con = two.con()
    assert [tuple(x) for x in con.execute("SELECT id, name, budget_minutes FROM manager")] == [
        (mid, "Alex Morgan", 90)]
    one.close()
    two.close()


def test_second_laptop_of_a_store_with_older_random_default_ids_has_no_duplicates(tmp_path):
    one, mid = _first_laptop(tmp_path, random_default_ids=True)
    two = Store(tmp_path / "two.db")
    two.open()
    r = commands.run_import(two, [tmp_path / "store"])
    assert r.adopted_manager == mid
    con = two.con()
    assert _live(con, "skill", "name") == sorted(n for n, _ in coaching.DEFAULT_SKILLS)
    assert _live(con, "skill", "id") == _live(one.con(), "skill", "id")
    one.close()
    two.close()


def test_a_database_with_work_in_it_does_not_change_identity(tmp_path):
    one, mid = _first_laptop(tmp_path)
    two = Store(tmp_path / "two.db")
    two.open()
    services.add_rep(two, "Tom Becker")
    with pytest.raises(UserError, match="another manager"):  # another manager's work: refused
        commands.run_import(two, [tmp_path / "store"])
    assert two.con().execute("SELECT count(*) FROM manager WHERE id = ?", (mid,)).fetchone()[0] == 0
    # Importing the same store twice is not a second adoption.
    three = Store(tmp_path / "three.db")
    three.open()
    assert commands.run_import(three, [tmp_path / "store"]).adopted_manager == mid
    assert commands.run_import(three, [tmp_path / "store"]).adopted_manager is None
    for s in (one, two, three):
        s.close()
