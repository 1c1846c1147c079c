"""Timestamps: aware datetimes from any zone come back equal and UTC-aware, through the
ORM and through the raw sqlite3 paths, whatever the process's TZ; naive ones are refused."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import StatementError

from fieldcoach import clock, notes, queries, services
from fieldcoach.models import Call, Note

ZONES = [ZoneInfo("Europe/London"), ZoneInfo("America/Los_Angeles"), ZoneInfo("Asia/Kolkata"),
         ZoneInfo("Pacific/Chatham"), timezone(timedelta(hours=-3, minutes=-30)), UTC]
MOMENTS = [datetime(2026, 3, 29, 0, 59, 59, 999_999), datetime(2026, 10, 25, 1, 30, 0, 1),
           datetime(2026, 11, 26, 23, 0, 0, 123_456), datetime(1999, 12, 31, 23, 59, 59, 500_000)]
PROCESS_TZ = ["UTC", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe"]


@pytest.fixture(params=PROCESS_TZ)
def process_tz(request, monkeypatch):
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def is_utc(d: datetime) -> bool:
    return d.tzinfo is not None and d.utcoffset() == timedelta(0)


def test_orm_and_raw_paths_round_trip_aware_times(store, process_tz):
    rep = services.add_rep(store, "Priya")
    con = store.con()
    for tz in ZONES:
        for m in MOMENTS:
            at = m.replace(tzinfo=tz)
            # PEP 495: == across zones is False for a time inside a DST fold, so compare
            # against the UTC instant the aware value means.
            utc = at.astimezone(UTC)
            cid = services.plan_call(store, rep_id=rep, account="Acme", scheduled_at=at)
            with store.session() as s:
                back = s.get(Call, cid)
                assert back.scheduled_at == utc and is_utc(back.scheduled_at)
                assert back.scheduled_at.microsecond == m.microsecond
                assert is_utc(back.created_at)
            row = queries.find_call(con, cid)
            assert row.scheduled_at == utc and is_utc(row.scheduled_at)
            n = notes.add_note(con, None, f"at {at}", now=at)
            stored = [x for x in notes.inbox(con, 1000) if x.id == n.id][0]
            assert stored.taken_at == utc and is_utc(stored.taken_at)
            with store.session() as s:
                orm_note = s.get(Note, n.id)
                assert orm_note.taken_at == utc and is_utc(orm_note.taken_at)


def test_stored_text_sorts_in_time_order(store):
    con = store.con()
    a = datetime(2026, 1, 1, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))        # 03:00 UTC
    b = datetime(2026, 1, 1, 0, 0, tzinfo=ZoneInfo("America/Los_Angeles"))  # 08:00 UTC
    notes.add_note(con, None, "b", now=b)
    notes.add_note(con, None, "a", now=a)
    texts = [r[0] for r in con.execute("SELECT text FROM note ORDER BY taken_at")]
    assert texts == ["a", "b"]
    assert all(r[0].endswith("+00:00") and len(r[0]) == 32
               for r in con.execute("SELECT taken_at FROM note"))


def test_naive_datetimes_are_refused(store):
    rep = services.add_rep(store, "Priya")
    naive = datetime(2026, 11, 27, 9, 30)
    with pytest.raises(ValueError, match="naive"):
        clock.to_db(naive)
    with pytest.raises((ValueError, StatementError), match="naive"):
        services.plan_call(store, rep_id=rep, account="Acme", scheduled_at=naive)
    with pytest.raises(ValueError, match="naive"):
        notes.add_note(store.con(), None, "x", now=naive)
    assert queries.home_summary(store.con(), clock.utcnow()).upcoming == []
    assert notes.inbox(store.con()) == []


SCRIPT = r"""
import sys
from datetime import datetime
from zoneinfo import ZoneInfo
from fieldcoach import notes
from fieldcoach.store import Store
from fieldcoach.services import add_rep, plan_call
from fieldcoach.queries import find_call
st = Store(sys.argv[1]); st.open()
mode = sys.argv[2]
at = datetime(2026, 7, 1, 9, 15, 30, 654321, tzinfo=ZoneInfo("Europe/Paris"))
if mode == "write":
    rep = add_rep(st, "R")
    cid = plan_call(st, rep_id=rep, account="A", scheduled_at=at)
    notes.add_note(st.con(), None, "n", now=at)
    print(cid)
else:
    c = find_call(st.con(), sys.argv[3])
    n = notes.inbox(st.con())[0]
    assert c.scheduled_at == at and n.taken_at == at, (c.scheduled_at, n.taken_at)
    assert c.scheduled_at.utcoffset().total_seconds() == 0
    print("ok", c.scheduled_at.isoformat())
"""


def test_written_under_one_tz_read_under_another(tmp_path):
    path = tmp_path / "tz.db"
    env = {**os.environ, "TZ": "Pacific/Auckland"}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(path), "write"], env=env,
                         capture_output=True, text=True, check=True).stdout.strip()
    env["TZ"] = "America/Anchorage"
    res = subprocess.run([sys.executable, "-c", SCRIPT, str(path), "read", out], env=env,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok 2026-07-01T07:15:30.654321+00:00"


@pytest.mark.parametrize("tzname,summer_monday_utc", [
    ("Europe/London", datetime(2026, 6, 28, 23, 0, tzinfo=UTC)),
    ("America/New_York", datetime(2026, 6, 29, 4, 0, tzinfo=UTC)),
    ("UTC", datetime(2026, 6, 29, 0, 0, tzinfo=UTC))])
def test_local_zone_follows_dst_for_weeks_far_from_today(monkeypatch, tzname, summer_monday_utc):
    monkeypatch.setenv("TZ", tzname)
    time.tzset()
    try:
        tz = clock.local_tz()
        # The start of a summer week is local midnight in summer time, whatever today is.
        assert clock.week_start(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == summer_monday_utc
        assert clock.week_start(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), tz) == summer_monday_utc
    finally:
        monkeypatch.undo()
        time.tzset()


def test_posix_tz_string_falls_back_to_a_fixed_offset(monkeypatch):
    monkeypatch.setenv("TZ", "XYZ-3")
    time.tzset()
    try:
        assert clock.local_tz().utcoffset(None) == timedelta(hours=3)
    finally:
        monkeypatch.undo()
        time.tzset()
