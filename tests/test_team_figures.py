"""The section 8 figures added for the Team view, worked out by hand on a small team
database (tests/team_seed.py), and the same figures on a demo team store loaded through
its manifests."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fieldcoach.cli import main
from fieldcoach.team import schema
from fieldcoach.team.db import open_team_db
from fieldcoach.team.dbapi import open_sqlite
from fieldcoach.team.load import load
from fieldcoach.team.location import resolve_url
from fieldcoach.team.rollup import manager_reps, period, rep_sessions, team_figures
from fieldcoach.team_demo import write_team
from tests.team_seed import NOW, M, N, seed


@pytest.fixture
def seeded(tmp_path: Path) -> Any:
    engine = open_team_db(seed(tmp_path))
    yield engine
    engine.dispose()


def test_budget_gap_movement_coverage_and_weekly_series_by_hand(seeded: Any) -> None:
    with seeded.connect() as con:
        t = team_figures(con, period("4weeks", NOW), NOW)
    mara, noor = t.managers
    assert (mara.name, noor.name) == ("Mara Lind", "Noor Haddad")
    # budget: 90 a week x 4 weeks; Noor's store sent none; the team's is the budgets known
    assert (mara.budget_minutes, noor.budget_minutes, t.team.budget_minutes) == (360, None, 360)
    # c1 (45 + 15) and c2 (30 + 10) in weeks 1 and 3; Noor's c4 (20 + 10) in week 4
    assert mara.minutes_by_week == (60, 0, 40, 0) and noor.minutes_by_week == (0, 0, 0, 30)
    assert t.team.minutes_by_week == (60, 0, 40, 30) and t.team.coaching_minutes == 130
    # late by each manager's own threshold: c1's 25 minutes > Mara's 20; c4's 30 is not > 30
    assert (mara.late_minutes, mara.late_debriefs, noor.late_minutes, noor.late_debriefs) == (20, 1, 30, 0)
    # Ben has no coaching call in the 14 days to now; Ana's c2 (17 Nov) is within them
    assert (mara.reps, mara.reps_coached, mara.reps_not_coached) == (2, 1, 1)
    assert (t.team.reps, t.team.reps_coached, t.team.reps_not_coached) == (3, 2, 1)
    # gap: c1 |4-2| and |3-3|, c2 |3-3| -> 2/3; before: c0 |5-1| = 4; closing
    assert mara.gap == pytest.approx(2 / 3) and mara.gap_before == 4 and mara.gap_closing is True
    assert mara.gap_by_week == (1.0, None, 0.0, None)
    assert noor.gap == 2 and noor.gap_before is None and noor.gap_closing is None
    assert t.team.gap == 1.0 and t.team.gap_by_week == (1.0, None, 0.0, 2.0)
    # movement on Ana's focus skill s1: Mara's last rating in the period (c2: 3) minus her
    # first in this period and the one before (c0: 1); s2 is not a focus skill; Eve has
    # one rating only
    assert (mara.skill_movement, mara.skill_pairs) == (2.0, 1)
    assert (noor.skill_movement, noor.skill_pairs) == (None, 0)
    assert (t.team.skill_movement, t.team.skill_pairs) == (2.0, 1)
    assert (mara.steps_done, mara.steps_overdue, mara.selling_calls) == (1, 1, 1)


def test_a_week_compares_with_the_week_before(seeded: Any) -> None:
    with seeded.connect() as con:
        week3 = team_figures(con, period("week", NOW, back=1), NOW)   # 16-22 Nov: c2
        before = team_figures(con, period("week", NOW, back=2), NOW)  # 9-15 Nov: nothing
    mara = week3.managers[0]
    assert mara.budget_minutes == 90 and mara.minutes_by_week == (40,)
    assert mara.gap == 0 and mara.gap_before is None and mara.skill_movement is None
    assert before.managers[0].sessions == 0 and before.managers[0].gap is None
    # as of the end of 9-15 Nov, Ana's last coaching (3 Nov) is within 14 days, Ben's never
    assert before.managers[0].reps_not_coached == 1
    later = datetime(2026, 12, 10, 12, tzinfo=UTC)
    with seeded.connect() as con:  # on 10 Dec Ana's last coaching (17 Nov) is 23 days back
        assert team_figures(con, period("week", later), later).managers[0].reps_not_coached == 2
        nov30 = datetime(2026, 11, 30, 12, tzinfo=UTC)  # 13 days after 17 Nov
        assert team_figures(con, period("week", nov30), nov30).managers[0].reps_not_coached == 1


def test_drill_down_per_rep_and_per_session(seeded: Any) -> None:
    p = period("4weeks", NOW)
    with seeded.connect() as con:
        reps = manager_reps(con, M, p, NOW)
        sessions = rep_sessions(con, M, "ana", p, NOW)
        whole = team_figures(con, p, NOW)
    assert [r.name for r in reps.reps] == ["Ana", "Ben"]   # Mara's reps only
    ana, ben = reps.reps
    assert (ana.sessions, ana.coaching_minutes, ana.skill_movement, ana.late_debriefs) == (2, 100, 2.0, 1)
    assert ana.gap == pytest.approx(2 / 3) and ana.minutes_by_week == (60, 0, 40, 0)
    assert ana.last_coached == datetime(2026, 11, 17, 9, tzinfo=UTC) and ben.last_coached is None
    assert (ben.sessions, ben.gap) == (0, None)
    assert reps.manager == whole.managers[0]  # the same figures as the manager's row
    assert [s.call_id for s in sessions] == ["c1", "c2", "c3"]
    c1, c2, c3 = sessions
    assert (c1.minutes, c1.delay_minutes, c1.late, c1.gap, c1.steps_done) == (60, 25, True, 1.0, 1)
    assert (c2.late, c2.gap, c2.steps_overdue, c2.rep_comment) == (False, 0, 1, "Thanks \x1b[31m[b]red[/b]")
    assert c2.rep_acknowledged_at == datetime(2026, 11, 18, 8, tzinfo=UTC)
    assert (c3.kind, c3.minutes, c3.at) == ("selling", None, datetime(2026, 11, 18, 14, tzinfo=UTC))
    with seeded.connect() as con:
        assert rep_sessions(con, N, "ana", p, NOW) == ()  # another manager's rep: nothing


def test_every_statement_reads_calls_ratings_and_steps_through_an_index(demo_store: Path,
                                                                       tmp_path: Path) -> None:
    engine = open_team_db(resolve_url(str(tmp_path / "team.db")))
    load(engine, [demo_store])
    engine.dispose()
    db = open_sqlite(tmp_path / "team.db")
    seen: list[str] = []
    db.dbapi.set_trace_callback(seen.append)  # each statement as run, its parameters filled in
    try:
        mid = db.rows("managers")[0][0]
        rid = db.rows("roster", manager_id=mid)[0][0]
        for kind in ("week", "quarter"):
            team_figures(db, period(kind, NOW), NOW)
            manager_reps(db, mid, period(kind, NOW), NOW)
            rep_sessions(db, mid, rid, period(kind, NOW), NOW)
        db.dbapi.set_trace_callback(None)
        plans = [" / ".join(r[3] for r in db.dbapi.execute(f"EXPLAIN QUERY PLAN {st}"))
                 for st in seen if st.lstrip().upper().startswith("SELECT")]
    finally:
        db.close()
    assert len(plans) >= 30
    for plan in plans:
        for table in ("call", "note", "next_step", "rating"):
            assert f"SCAN {table} " not in plan + " ", plan


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("team") / "store"
    write_team(folder, managers=3, calls=40, now=NOW)
    return folder


def _docs(store: Path, pattern: str) -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(store.glob(pattern))]


def test_the_manifest_carries_budget_and_threshold_into_the_figures(demo_store: Path, tmp_path: Path) -> None:
    manifests = {d["manager_id"]: d for d in _docs(demo_store, "*/manifest.json")}
    assert all(isinstance(d["budget_minutes_week"], int) and d["late_minutes"] == 30 for d in manifests.values())
    engine = open_team_db(resolve_url(str(tmp_path / "team.db")))
    load(engine, [demo_store])
    with engine.connect() as con:
        t = team_figures(con, period("quarter", NOW), NOW)
    for f in t.managers:
        assert f.budget_minutes == 13 * manifests[f.manager_id]["budget_minutes_week"]
    assert t.team.budget_minutes == 13 * sum(d["budget_minutes_week"] for d in manifests.values())
    # a manifest written before the fields existed still loads, and leaves them unknown
    old = tmp_path / "old"
    shutil.copytree(demo_store, old)
    for p in old.glob("*/manifest.json"):
        doc = json.loads(p.read_text("utf-8"))
        del doc["budget_minutes_week"], doc["late_minutes"]
        p.write_text(json.dumps(doc), "utf-8")
    engine2 = open_team_db(resolve_url(str(tmp_path / "old.db")))
    assert not load(engine2, [old]).invalid
    with engine2.connect() as con:
        assert {f.budget_minutes for f in team_figures(con, period("quarter", NOW), NOW).managers} == {None}


def test_gap_and_movement_match_a_count_from_the_store(demo_store: Path, tmp_path: Path) -> None:
    """The gap over the quarter and the skill movement, counted from the JSON documents."""
    from fieldcoach.clock import from_db

    p = period("quarter", NOW)
    window = p.before().start
    focus: dict[str, set[str]] = {}
    for doc in _docs(demo_store, "*/reps.json"):
        for g in doc["goals"]:
            if g["deleted_at"] is None and g["status"] == "active":
                focus.setdefault(g["rep_id"], set()).update(g["skill_ids"])
    gaps: dict[str, list[int]] = {}
    seen: dict[tuple[str, str, str], list[tuple[datetime, int]]] = {}
    for doc in _docs(demo_store, "*/calls/*.json"):
        c = doc["call"]
        if c["deleted_at"] is not None or c["kind"] == "selling" or c["started_at"] is None:
            continue
        st = from_db(c["started_at"])
        if not window <= st < p.end:
            continue
        by = {(r["skill_id"], r["by"]): r["score"] for r in doc["ratings"] if r["deleted_at"] is None}
        if st >= p.start:
            gaps.setdefault(doc["manager_id"], []).extend(
                abs(by[(s, "rep")] - by[(s, "manager")]) for s, who in by if who == "rep" and (s, "manager") in by)
        for (s, who), score in by.items():
            if who == "manager":
                seen.setdefault((doc["manager_id"], c["rep_id"], s), []).append((st, score))
    moves: dict[str, list[int]] = {}
    for (mid, rep, skill), xs in seen.items():
        xs.sort()
        if skill in focus.get(rep, ()) and xs[-1][0] >= p.start and len(xs) > 1:
            moves.setdefault(mid, []).append(xs[-1][1] - xs[0][1])
    engine = open_team_db(resolve_url(str(tmp_path / "team.db")))
    load(engine, [demo_store])
    with engine.connect() as con:
        t = team_figures(con, p, NOW)
    assert any(f.gap is not None for f in t.managers) and any(moves.values())
    for f in t.managers:
        g = gaps.get(f.manager_id, [])
        assert f.gap == (pytest.approx(sum(g) / len(g)) if g else None)
        mv = moves.get(f.manager_id, [])
        assert f.skill_pairs == len(mv)
        assert f.skill_movement == (pytest.approx(sum(mv) / len(mv)) if mv else None)


def test_the_report_shows_only_the_figures_the_policy_lists(seeded: Any, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "team.db")
    policy = tmp_path / "policy.toml"
    policy.write_text('[team_view]\nfigures = ["sessions", "gap"]\n', "utf-8")
    now = ["--now", NOW.isoformat(), "--db", db]
    assert main(["team", "report", "--csv", "--policy", str(policy), *now]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "manager,sessions,gap,gap before,closing"
    assert rows[2] == "Mara Lind,2,0.7,4,yes"
    assert main(["team", "report", "--json", "--policy", str(policy), *now]) == 0
    mara = json.loads(capsys.readouterr().out)["managers"][0]
    assert set(mara) == {"manager_id", "name", "sessions", "rating_gap", "rating_gap_before",
                         "rating_gap_closing", "rating_gap_by_week"}
    assert main(["team", "report", "--csv", *now]) == 0  # no policy file: every figure
    header = capsys.readouterr().out.splitlines()[0].split(",")
    assert header[:4] == ["manager", "minutes", "budget", "sessions"] and "skills" in header
    assert "not coached" in header
    policy.write_text('[team_view]\nfigures = ["minutes", "speed"]\n', "utf-8")
    assert main(["team", "report", "--policy", str(policy), *now]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown figure speed" in err


def test_a_manager_who_never_set_a_name_is_called_unnamed_with_their_id_s_start(tmp_path: Path) -> None:
    """A new manager exports before setting their name in Settings; and a rep may arrive
    before their manager's manifest: neither shows a bare id where a name belongs."""
    url = seed(tmp_path, mara="")
    engine = open_team_db(url)
    try:
        with engine.begin() as con:
            con.execute(schema.rep.insert().values(id="zed", manager_id="9f8e7d6c-no-manifest", name="Zed",
                                                   created_at="2026-11-01", updated_at="2026-11-01"))
        with engine.connect() as con:
            names = {f.manager_id: f.name for f in team_figures(con, period("4weeks", NOW), NOW).managers}
    finally:
        engine.dispose()
    assert names[M] == f"Unnamed manager {M[:8]}"
    assert names["9f8e7d6c-no-manifest"] == "Unnamed manager 9f8e7d6c"
    assert names[N] == "Noor Haddad"
