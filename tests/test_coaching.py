"""The coaching rules, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldcoach import coaching as c
from fieldcoach.coaching import CoachingError, Interval, RepFocusInput

UTC = UTC
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # Thursday


# --- lifecycle ----------------------------------------------------------------------------

def test_coaching_call_walks_planned_observing_debrief_done():
    s = c.PLANNED
    for action, expected in (("start", c.OBSERVING), ("end", c.DEBRIEF), ("finish", c.DONE)):
        s = c.next_status(c.COACHING, s, action)
        assert s == expected


def test_selling_call_skips_observation_and_feedback():
    assert c.next_status(c.SELLING, c.PLANNED, "finish") == c.DONE
    for action in ("start", "end"):
        with pytest.raises(CoachingError, match="selling call has no observation"):
            c.next_status(c.SELLING, c.PLANNED, action)


@pytest.mark.parametrize("status,action", [
    (c.PLANNED, "end"), (c.PLANNED, "finish"), (c.OBSERVING, "start"), (c.OBSERVING, "finish"),
    (c.DEBRIEF, "start"), (c.DEBRIEF, "end"), (c.DONE, "start"), (c.DONE, "end"), (c.DONE, "finish")])
def test_illegal_coaching_transitions_are_refused(status, action):
    with pytest.raises(CoachingError, match=f"Cannot {action}"):
        c.next_status(c.COACHING, status, action)


# --- coaching time ------------------------------------------------------------------------

def test_intervals_need_both_ends():
    t = NOW
    assert c.coaching_intervals(None, None, None, None) == []
    assert c.coaching_intervals(t, None, None, None) == []
    ivs = c.coaching_intervals(t, t + timedelta(minutes=40), t + timedelta(minutes=45),
                               t + timedelta(minutes=65))
    assert [iv.minutes for iv in ivs] == [40, 20]
    assert Interval(t, t - timedelta(minutes=5)).minutes == 0


def test_weekly_minutes_oldest_first_with_empty_weeks():
    this_monday = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    ivs = [Interval(this_monday + timedelta(hours=10), this_monday + timedelta(hours=11)),   # this week
           Interval(this_monday - timedelta(days=6), this_monday - timedelta(days=6, minutes=-30)),
           Interval(this_monday - timedelta(weeks=20), this_monday - timedelta(weeks=20, minutes=-90))]
    weeks = c.weekly_minutes(ivs, NOW, budget=120, weeks=4, tz=UTC)
    assert [w.start for w in weeks] == [this_monday - timedelta(weeks=k) for k in (3, 2, 1, 0)]
    assert [w.minutes for w in weeks] == [0, 0, 30, 60]
    assert [w.empty for w in weeks] == [True, True, False, False]
    assert weeks[-1].ratio == 0.5
    assert c.BudgetWeek(this_monday, 10, 0).ratio == 0.0


def test_week_boundaries_follow_the_local_zone():
    # Sunday 23:30 in London during BST (22:30 UTC) still belongs to the week of that Sunday,
    # and Monday 00:15 London (Sunday 23:15 UTC) to the next week.
    now = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # Wednesday
    sunday_late = datetime(2026, 6, 28, 23, 30, tzinfo=LONDON)
    monday_early = datetime(2026, 6, 29, 0, 15, tzinfo=LONDON)
    ivs = [Interval(sunday_late, sunday_late + timedelta(minutes=20)),
           Interval(monday_early, monday_early + timedelta(minutes=45))]
    weeks = c.weekly_minutes(ivs, now, 60, weeks=2, tz=LONDON)
    assert weeks[-1].start == datetime(2026, 6, 29, 0, 0, tzinfo=LONDON)
    assert [w.minutes for w in weeks] == [20, 45]
    # In UTC both fall in the previous week.
    assert [w.minutes for w in c.weekly_minutes(ivs, now, 60, weeks=2, tz=UTC)] == [65, 0]


def test_week_start_across_a_dst_change():
    # Sunday 25 Oct 2026: London leaves BST. Monday 19 Oct 00:00 BST is 18 Oct 23:00 UTC.
    ws = c.week_start(datetime(2026, 10, 25, 12, 0, tzinfo=UTC), LONDON)
    assert ws == datetime(2026, 10, 18, 23, 0, tzinfo=UTC)
    ws2 = c.week_start(datetime(2026, 10, 26, 12, 0, tzinfo=UTC), LONDON)
    assert ws2 == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)


def test_interval_crossing_sunday_midnight_counts_where_it_began():
    start = datetime(2026, 11, 22, 23, 50, tzinfo=UTC)  # Sunday
    weeks = c.weekly_minutes([Interval(start, start + timedelta(minutes=30))], NOW, 60, 2, UTC)
    assert [w.minutes for w in weeks] == [30, 0]


def test_weeks_in_use_start_with_the_week_of_first_use_and_end_before_this_week():
    this_monday = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    ivs = [Interval(this_monday - timedelta(weeks=1), this_monday - timedelta(weeks=1, minutes=-30))]
    weeks = c.weekly_minutes(ivs, NOW, 60, weeks=8, tz=UTC)
    first = this_monday - timedelta(weeks=3) + timedelta(days=4)  # a Friday
    assert [w.start for w in c.weeks_in_use(weeks, NOW, first, UTC)] == \
        [this_monday - timedelta(weeks=k) for k in (3, 2, 1)]
    assert [w.start for w in c.missed_weeks(weeks, NOW, first, UTC)] == \
        [this_monday - timedelta(weeks=k) for k in (3, 2)]
    assert c.missed_weeks(weeks, NOW, None, UTC) == []       # nothing recorded yet
    assert c.missed_weeks(weeks, NOW, NOW, UTC) == []        # day one
    assert len(c.missed_weeks(weeks, NOW, NOW - timedelta(weeks=30), UTC)) == 6


@settings(max_examples=150, deadline=None)
@given(now=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31),
                        timezones=st.just(UTC)),
       back=st.timedeltas(min_value=timedelta(0), max_value=timedelta(weeks=12)),
       coached=st.lists(st.integers(min_value=0, max_value=7), max_size=8),
       tz=st.sampled_from([UTC, LONDON, ZoneInfo("America/Los_Angeles")]))
def test_missed_weeks_are_exactly_the_empty_weeks_over_since_first_use(now, back, coached, tz):
    first = now - back
    this_week = c.week_start(now, tz)
    ivs = [Interval(this_week - timedelta(weeks=k) + timedelta(days=1),
                    this_week - timedelta(weeks=k) + timedelta(days=1, minutes=20)) for k in coached]
    weeks = c.weekly_minutes(ivs, now, 60, weeks=8, tz=tz)
    missed = c.missed_weeks(weeks, now, first, tz)
    expected = [w for w in weeks
                if c.week_start(first, tz) <= w.start < this_week and w.start not in
                {c.week_start(iv.start, tz) for iv in ivs}]
    assert missed == expected
    assert all(w.empty and w.start < this_week and w.start >= c.week_start(first, tz) for w in missed)
    if back < timedelta(days=1) and c.week_start(first, tz) == this_week:
        assert missed == []  # the first week is never held against the manager while it runs


# --- feedback delay ------------------------------------------------------------------------

def test_feedback_delay_and_late_flag_at_the_threshold():
    end = NOW
    def at(m: int):
        return end + timedelta(minutes=m)
    assert c.feedback_delay(end, at(30), 30) == c.FeedbackDelay(30, False)
    assert c.feedback_delay(end, at(30.5), 30).late is True
    assert c.feedback_delay(end, at(5), 4).late is True
    assert c.feedback_delay(end, at(-3), 30) == c.FeedbackDelay(0, False)
    assert c.feedback_delay(None, at(5)) is None
    assert c.feedback_delay(end, None) is None
    waiting = c.feedback_delay(end, None, 30, now=at(45))
    assert waiting.late and waiting.minutes == 45
    assert c.FeedbackDelay(12.9, False).describe() == "12 min after the call"
    assert c.FeedbackDelay(125, True).describe() == "2 h 05 min after the call — late"


# --- self-assessment -------------------------------------------------------------------------

def test_self_assessment_gap():
    assert c.self_assessment_gap({}, {"a": 3}) is None
    assert c.self_assessment_gap({"a": 3}, {"b": 3}) is None
    assert c.self_assessment_gap({"a": 5, "b": 2}, {"a": 3, "b": 3, "c": 1}) == 1.5
    assert c.self_assessment_gap({"a": 4}, {"a": 4}) == 0


# --- focus -------------------------------------------------------------------------------------

def rep(name, days=None, goal=True, open_=0, overdue=0, planned=False):
    return RepFocusInput(name.lower(), name, None if days is None else NOW - timedelta(days=days),
                         goal, open_, overdue, planned)


def test_focus_ranking_order_and_reasons():
    ranked = c.focus_ranking([
        rep("Recent", days=2),
        rep("Stale", days=40),
        rep("Never"),
        rep("Overdue", days=10, open_=3, overdue=2),
        rep("Goalless", days=10, goal=False),
        rep("Planned", days=45, planned=True),
        rep("Open", days=10, open_=2),
        rep("One", days=1),
    ], NOW)
    assert [i.name for i in ranked] == ["Never", "Stale", "Overdue", "Goalless", "Planned", "Open",
                                         "Recent", "One"]
    by = {i.name: i for i in ranked}
    assert by["Never"].reasons == ("never coached",) and by["Never"].score == 60
    assert by["Overdue"].reason == "10 days since coached; 2 overdue steps"
    assert by["Overdue"].score == 30
    assert by["Open"].reasons == ("10 days since coached", "2 open steps")
    assert by["Goalless"].reasons == ("10 days since coached", "no agreed goal")
    assert by["Planned"].reasons[-1] == "call planned" and by["Planned"].score == 25
    assert by["One"].reasons == ("1 day since coached",)


def test_focus_ties_break_by_name_then_id():
    ranked = c.focus_ranking([rep("bob", days=5), rep("Alice", days=5), rep("alice", days=5)], NOW)
    assert [i.name for i in ranked] == ["Alice", "alice", "bob"]


def test_future_last_coached_counts_as_zero_days():
    assert c.focus_ranking([rep("X", days=-3)], NOW)[0].score == 0


# --- feedback script and prompts ----------------------------------------------------------------

def test_default_script_starts_with_the_reps_self_assessment():
    assert c.DEFAULT_SCRIPT[0][0] == c.STAGE_SELF
    stages = [st for st, _ in c.DEFAULT_SCRIPT]
    assert stages == sorted(stages, key=c.STAGES.index)
    assert all(text.endswith("?") for _, text in c.DEFAULT_SCRIPT)


VERDICT_WORDS = ("you should", "you must", "wrong", "bad", "failed", "mistake")


@pytest.mark.parametrize("kind", ["strength", "improve", "question", "plain"])
@pytest.mark.parametrize("text", ["talked over the buyer twice.", "great open question!",
                                  "why did you drop the case study", "  price came up early  "])
def test_observation_prompt_is_a_question_never_a_verdict(kind, text):
    prompt = c.observation_prompt(kind, text)
    assert prompt.rstrip().endswith("?")
    assert text.strip().rstrip(".!") in prompt
    low = prompt.lower().replace(text.strip().lower().rstrip(".!"), "")
    assert not any(w in low for w in VERDICT_WORDS)
