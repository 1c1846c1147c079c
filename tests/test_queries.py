"""Read side against a tiny hand-made dataset whose figures are computed by hand, and
against demo data (figures agree with direct SQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from fieldcoach import notes, queries, services
from fieldcoach.clock import from_db, to_db
from fieldcoach.demo import write_demo

UTC = UTC
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday
MON = datetime(2026, 11, 23, tzinfo=UTC)


def h(day: datetime, hh: int, mm: int = 0) -> datetime:
    return day.replace(hour=hh, minute=mm)


def run_call(store, rep, start, obs_min, delay_min, fb_min, step=None, due=None, ratings=()):
    cid = services.plan_call(store, rep_id=rep, account="Acct", scheduled_at=start)
    services.start_call(store, cid, now=start)
    end = start + timedelta(minutes=obs_min)
    services.end_call(store, cid, now=end)
    services.begin_feedback(store, cid, now=end + timedelta(minutes=delay_min))
    for sid, rep_score, mgr_score in ratings:
        services.save_rating(store, cid, sid, "rep", rep_score)
        services.save_rating(store, cid, sid, "manager", mgr_score)
    services.add_next_step(store, rep_id=rep, action=step or "Follow up", call_id=cid, due_at=due)
    services.finish_call(store, cid, now=end + timedelta(minutes=delay_min + fb_min))
    return cid


@pytest.fixture
def tiny(store):
    con = store.con()
    sk = [k.id for k in queries.skills(con)]
    services.update_settings(store, budget_minutes=120, late_minutes=30)
    priya = services.add_rep(store, "priya Shah")
    tom = services.add_rep(store, "Tom Becker")
    services.set_goal(store, priya, "Ask before telling", sk[:2])
    # This week: 40 min observed + 20 min debrief, feedback 10 min after (on time).
    c1 = run_call(store, priya, h(MON + timedelta(days=1), 10), 40, 10, 20, "Send recap",
                  due=h(MON + timedelta(days=2), 12))
    # Last week: 30 + 15, feedback 45 min after (late).
    c2 = run_call(store, tom, h(MON - timedelta(days=7), 14), 30, 45, 15, "Book the CFO",
                  due=NOW + timedelta(days=4))
    sell = services.plan_call(store, rep_id=priya, account="Harbour", kind="selling",
                              scheduled_at=h(MON + timedelta(days=2), 9))
    services.finish_call(store, sell, now=h(MON + timedelta(days=2), 10))
    upcoming = services.plan_call(store, rep_id=tom, account="Kestrel", scheduled_at=NOW + timedelta(hours=18))
    live = services.plan_call(store, rep_id=priya, account="Orchard")
    services.start_call(store, live, now=NOW - timedelta(minutes=10))
    notes.add_note(con, None, "call Priya about Kestrel", now=NOW - timedelta(hours=1))
    return dict(store=store, con=con, sk=sk, priya=priya, tom=tom, c1=c1, c2=c2, sell=sell,
                upcoming=upcoming, live=live)


def started(store, at: datetime) -> None:
    """Date the manager's first use (records are stamped with the real clock)."""
    with store.con() as con:
        con.execute("UPDATE manager SET created_at = ?", (to_db(at),))
        con.execute("UPDATE rep SET created_at = ?", (to_db(at),))


def test_home_summary_hand_computed(tiny):
    started(tiny["store"], NOW - timedelta(weeks=12))
    hs = queries.home_summary(tiny["con"], NOW, UTC)
    assert hs.budget_minutes == 120
    assert len(hs.weeks) == 8 and hs.this_week.start == MON
    assert [w.minutes for w in hs.weeks] == [0, 0, 0, 0, 0, 0, 45, 60]
    assert hs.this_week.ratio == 0.5
    assert len(hs.empty_weeks) == 6
    assert (hs.coaching_calls, hs.selling_calls, hs.late_feedback) == (3, 1, 1)
    assert [c.id for c in hs.upcoming] == [tiny["upcoming"]]
    assert [c.id for c in hs.in_progress] == [tiny["live"]]
    assert [(s.action, s.overdue) for s in hs.steps] == [("Send recap", True), ("Book the CFO", False)]
    # priya: 2 days since coached + 10 (one overdue step) = 12; tom: 10 days + 2 (open step)
    # + 15 (no goal) - 20 (coaching call planned) = 7.
    assert [(f.name, f.score) for f in hs.focus] == [("priya Shah", 12), ("Tom Becker", 7)]
    assert hs.focus[0].reasons == ("2 days since coached", "1 overdue step")
    assert hs.focus[1].reasons == ("10 days since coached", "1 open step", "no agreed goal", "call planned")
    assert [n.text for n in hs.inbox] == ["call Priya about Kestrel"]


def test_home_summary_in_a_local_zone_moves_the_week_boundary(tiny):
    # In UTC+14 this week starts on Sunday 10:00 UTC; both debriefs stay in their weeks.
    far = timezone(timedelta(hours=14))
    hs = queries.home_summary(tiny["con"], NOW, far)
    assert hs.this_week.start == datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    assert [w.minutes for w in hs.weeks][-2:] == [45, 60]


def test_list_reps(tiny):
    rows = queries.list_reps(tiny["con"])
    assert [r.name for r in rows] == ["priya Shah", "Tom Becker"]  # case-insensitive order
    p, t = rows
    assert p.goal == "Ask before telling" and t.goal == ""
    assert p.last_coached == h(MON + timedelta(days=1), 10) + timedelta(minutes=40)
    assert t.last_coached == h(MON - timedelta(days=7), 14, 30)
    assert (p.open_steps, t.open_steps) == (1, 1)


def test_rep_detail_numbering_gaps_and_accuracy(store):
    sk = [k.id for k in queries.skills(store.con())]
    rep = services.add_rep(store, "Aisha")
    services.set_goal(store, rep, "Listen more", sk[:1])
    starts = [NOW - timedelta(days=d) for d in (30, 16, 9, 2)]
    gaps = [(2, 5, 3), (1, 4, 3), (0, 3, 3), (1, 2, 3)]
    for st, (_g, r, m) in zip(starts, gaps, strict=False):
        run_call(store, rep, st, 30, 5, 10, ratings=[(sk[0], r, m)])
    con = store.con()
    d = queries.rep_detail(con, rep, NOW)
    assert [s.number for s in d.sessions] == [4, 3, 2, 1]
    assert [s.gap_days for s in d.sessions] == [7, 7, 14, None]
    assert [s.accuracy_gap for s in d.sessions] == [1, 0, 1, 2]
    assert d.accuracy_trend == [2, 1, 0, 1]
    name = queries.skills(con)[0].name
    assert d.skill_trend == {name: [3, 3, 3, 3]}
    assert d.goal.statement == "Listen more" and d.goal.skill_names == [name]
    assert len(d.steps) == 4
    shown = queries.rep_detail(con, rep, NOW, history=2)
    assert [s.number for s in shown.sessions] == [4, 3]
    assert [s.gap_days for s in shown.sessions] == [7, 7]  # the oldest shown still knows its gap
    assert queries.rep_detail(con, "ghost", NOW) is None


def test_call_detail(tiny):
    con, store = tiny["con"], tiny["store"]
    live = tiny["live"]
    ctx = notes.call_context(con, live)
    notes.add_note(con, ctx, "- talked over the buyer", now=NOW - timedelta(minutes=5))
    notes.add_note(con, ctx, "+1 clear agenda", now=NOW - timedelta(minutes=8))
    services.end_call(store, live, now=NOW)
    services.save_answer(store, live, question="Q2", answer="b", position=1)
    services.save_answer(store, live, question="Q1", answer="a", position=0)
    d = queries.call_detail(con, live, NOW)
    assert d.call.status == "debrief" and d.call.rep_name == "priya Shah"
    assert [n.text for n in d.notes] == ["clear agenda", "talked over the buyer"]
    assert [n.offset_seconds for n in d.notes] == [120, 300]
    assert d.notes[0].skill_id == tiny["sk"][0]
    assert [a.question for a in d.answers] == ["Q1", "Q2"]
    assert [s.action for s in d.carried] == ["Send recap"]
    assert d.goal.statement == "Ask before telling"
    assert queries.call_detail(con, "ghost", NOW) is None


def test_open_steps_per_rep_and_overdue(tiny):
    con = tiny["con"]
    steps = queries.open_steps(con, NOW, tiny["tom"])
    assert [(s.action, s.overdue, s.rep_name) for s in steps] == [("Book the CFO", False, "Tom Becker")]
    later = queries.open_steps(con, NOW + timedelta(days=5), tiny["tom"])
    assert later[0].overdue


def test_home_summary_on_demo_data_agrees_with_sql(store):
    write_demo(store, calls=60, now=NOW)
    con = store.con()
    hs = queries.home_summary(con, NOW, UTC)
    since = to_db(MON - timedelta(weeks=7))
    coach = con.execute("SELECT count(*) FROM call WHERE kind='coaching' AND started_at >= ? "
                        "AND deleted_at IS NULL", (since,)).fetchone()[0]
    assert hs.coaching_calls == coach > 0
    total = 0.0
    for st, en, fs, fe in con.execute(
            "SELECT started_at, ended_at, feedback_started_at, feedback_ended_at FROM call "
            "WHERE kind='coaching' AND started_at >= ?", (since,)):
        if st and en:
            total += (from_db(en) - from_db(st)).total_seconds() / 60
        if fs and fe:
            total += (from_db(fe) - from_db(fs)).total_seconds() / 60
    assert sum(w.minutes for w in hs.weeks) == pytest.approx(total, abs=0.5)
    late = sum(1 for en, fs in con.execute(
        "SELECT ended_at, feedback_started_at FROM call WHERE kind='coaching' AND started_at >= ? "
        "AND feedback_started_at IS NOT NULL", (since,))
        if (from_db(fs) - from_db(en)).total_seconds() > 30 * 60)
    assert hs.late_feedback == late
    assert hs.in_progress and hs.upcoming and hs.focus and hs.inbox
    assert all(s.overdue for s in hs.steps[: sum(s.overdue for s in hs.steps)])


def test_unscheduled_selling_call_counts_in_the_ratio(tiny):
    store = tiny["store"]
    walk_in = services.plan_call(store, rep_id=tiny["tom"], account="Walk-in", kind="selling")
    services.finish_call(store, walk_in, now=NOW - timedelta(hours=2))
    hs = queries.home_summary(tiny["con"], NOW, UTC)
    assert hs.selling_calls == 2


def test_home_reads_calls_and_notes_through_indexes_only(store):
    """Home's figures never walk every call or note: every statement it runs is planned as
    index searches on those tables, never a SCAN (not even a scan along an index)."""
    import re

    write_demo(store, calls=300, now=NOW)
    con = store.con()
    statements: list[str] = []
    con.set_trace_callback(statements.append)
    try:
        hs = queries.home_summary(con, NOW, UTC)
    finally:
        con.set_trace_callback(None)
    assert hs.coaching_calls > 0 and hs.focus
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) >= 8
    keywords = {"WHERE", "JOIN", "ON", "GROUP", "ORDER", "LIMIT", "UNION", "AS"}
    for sql in selects:
        names = {"call", "note"}
        for _table, alias in re.findall(r"\b(?:FROM|JOIN)\s+(call|note)\b(?:\s+(?:AS\s+)?(\w+))?", sql, re.I):
            if alias and alias.upper() not in keywords:
                names.add(alias)
        for (*_, detail) in con.execute("EXPLAIN QUERY PLAN " + sql):
            m = re.match(r"SCAN (\w+)", detail)
            assert not (m and m.group(1) in names), f"{detail!r} in {sql}"


def test_missed_weeks_count_from_the_managers_first_use(tiny):
    # Started on the Wednesday three weeks ago: that week and the next had no coaching;
    # last week did; this week is in progress. The four weeks before were not in use.
    started(tiny["store"], MON - timedelta(weeks=3) + timedelta(days=2))
    assert queries.first_use(tiny["con"]) == MON - timedelta(weeks=3) + timedelta(days=2)
    hs = queries.home_summary(tiny["con"], NOW, UTC)
    assert [w.start for w in hs.past_weeks] == [MON - timedelta(weeks=k) for k in (3, 2, 1)]
    assert [w.start for w in hs.empty_weeks] == [MON - timedelta(weeks=3), MON - timedelta(weeks=2)]


def test_a_database_started_today_has_no_missed_week(store):
    started(store, NOW - timedelta(hours=2))
    hs = queries.home_summary(store.con(), NOW, UTC)
    assert hs.past_weeks == [] and hs.empty_weeks == []
    assert hs.this_week.empty  # nothing yet this week, and that is not a missed week


def test_first_use_is_the_earliest_record_imported_or_not(store):
    started(store, NOW)
    rep = services.add_rep(store, "Priya Shah")
    call = services.plan_call(store, rep_id=rep, account="Acme")
    services.start_call(store, call, now=NOW - timedelta(weeks=5))  # e.g. from another laptop
    started(store, NOW)
    assert queries.first_use(store.con()) == NOW - timedelta(weeks=5)
