"""Free-text dates: the PRODUCT.md examples, every relative form, bad input, DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldcoach.dates import DUE_TIME, DateParseError, ParsedWhen, parse_due, parse_when

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
UTC = UTC

# Thu 26 Nov 2026 23:00, the "now" PRODUCT.md measured dateutil against.
NOW = datetime(2026, 11, 26, 23, 0, tzinfo=LONDON)
NOW_NY = datetime(2026, 11, 26, 23, 0, tzinfo=NEW_YORK)
NOW_UTC = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)
ZONES = [pytest.param(NOW, id="london"), pytest.param(NOW_NY, id="new_york"), pytest.param(NOW_UTC, id="utc")]


def wall(p: ParsedWhen) -> tuple[int, int, int, int, int]:
    return (p.local.year, p.local.month, p.local.day, p.local.hour, p.local.minute)


def check_invariants(p: ParsedWhen, now: datetime) -> None:
    assert p.at.tzinfo is UTC
    assert p.local.utcoffset() is not None
    assert p.local == p.at
    assert p.in_past == (p.at < now)


# ------------------------------------------------------------- PRODUCT.md examples


@pytest.mark.parametrize("now", ZONES)
def test_product_examples(now: datetime) -> None:
    p = parse_when("tomorrow 9:30", now)
    assert wall(p) == (2026, 11, 27, 9, 30) and p.has_time and not p.in_past
    p = parse_when("in 2 days", now)
    assert wall(p)[:3] == (2026, 11, 28) and not p.has_time
    p = parse_when("next fri", now)  # strictly after today: on Thursday that is tomorrow
    assert wall(p)[:3] == (2026, 11, 27) and not p.has_time
    p = parse_when("fri 2pm", now)
    assert wall(p) == (2026, 11, 27, 14, 0)
    p = parse_when("3/12 2pm", now)
    assert wall(p) == (2026, 12, 3, 14, 0)
    p = parse_when("3/12 2pm", now, dayfirst=False)
    assert wall(p) == (2026, 3, 12, 14, 0) and p.in_past
    p = parse_when("9:30", now)  # already past: flagged, never moved to tomorrow
    assert wall(p) == (2026, 11, 26, 9, 30) and p.has_time and p.in_past
    p = parse_when("2026-12-03 14:00", now)
    assert wall(p) == (2026, 12, 3, 14, 0)
    check_invariants(p, now)


def test_local_zone_is_used_for_utc_instant() -> None:
    assert parse_when("tomorrow 9:30", NOW).at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    assert parse_when("tomorrow 9:30", NOW_NY).at == datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
    assert parse_when("tomorrow 9:30", NOW_UTC).at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_explicit_tz_overrides_nows_zone() -> None:
    p = parse_when("tomorrow 9:30", NOW_UTC, tz=NEW_YORK)  # now is 18:00 in New York
    assert wall(p) == (2026, 11, 27, 9, 30)
    assert p.at == datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
    # "today" is the local day: 01:00 UTC on the 27th is still the 26th in New York
    p = parse_when("today", datetime(2026, 11, 27, 1, 0, tzinfo=UTC), tz=NEW_YORK)
    assert wall(p)[:3] == (2026, 11, 26)


# ------------------------------------------------------------- relative forms


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("today", (2026, 11, 26, 0, 0), False),
        ("TODAY", (2026, 11, 26, 0, 0), False),
        ("  tomorrow  ", (2026, 11, 27, 0, 0), False),
        ("tmrw", (2026, 11, 27, 0, 0), False),
        ("yesterday", (2026, 11, 25, 0, 0), False),
        ("tonight", (2026, 11, 26, 20, 0), True),
        ("tonight 8:30", (2026, 11, 26, 20, 30), True),
        ("tonight 8", (2026, 11, 26, 20, 0), True),
        ("tomorrow at 9:30am", (2026, 11, 27, 9, 30), True),
        ("Tomorrow  9.30 PM", (2026, 11, 27, 21, 30), True),
        ("tomorrow at 9", (2026, 11, 27, 9, 0), True),
        ("tomorrow 12am", (2026, 11, 27, 0, 0), True),
        ("tomorrow 12pm", (2026, 11, 27, 12, 0), True),
        ("9:30 tomorrow", (2026, 11, 27, 9, 30), True),
        ("2pm fri", (2026, 11, 27, 14, 0), True),
        ("fri", (2026, 11, 27, 0, 0), False),
        ("friday", (2026, 11, 27, 0, 0), False),
        ("this fri", (2026, 11, 27, 0, 0), False),
        ("next fri 14:00", (2026, 11, 27, 14, 0), True),
        ("mon", (2026, 11, 30, 0, 0), False),
        ("next monday 8am", (2026, 11, 30, 8, 0), True),
        ("wed", (2026, 12, 2, 0, 0), False),
        ("in 2 days", (2026, 11, 28, 0, 0), False),
        ("in 2 days at 10:00", (2026, 11, 28, 10, 0), True),
        ("in 3 wks", (2026, 12, 17, 0, 0), False),
        ("in a week", (2026, 12, 3, 0, 0), False),
        ("in 1 day", (2026, 11, 27, 0, 0), False),
        ("+2d", (2026, 11, 28, 0, 0), False),
        ("+1w", (2026, 12, 3, 0, 0), False),
        ("+ 2 days 9:30", (2026, 11, 28, 9, 30), True),
        ("in 90 min", (2026, 11, 27, 0, 30), True),
        ("in 2 hours", (2026, 11, 27, 1, 0), True),
        ("in an hour", (2026, 11, 27, 0, 0), True),
        ("+3h", (2026, 11, 27, 2, 0), True),
        ("+30m", (2026, 11, 26, 23, 30), True),
        ("now", (2026, 11, 26, 23, 0), True),
        ("noon", (2026, 11, 26, 12, 0), True),
        ("midday tomorrow", (2026, 11, 27, 12, 0), True),
        ("fri noon", (2026, 11, 27, 12, 0), True),
        ("midnight", (2026, 11, 27, 0, 0), True),  # the end of today
        ("fri midnight", (2026, 11, 28, 0, 0), True),  # the end of Friday
        ("00:00", (2026, 11, 26, 0, 0), True),  # an explicit 00:00 is the start of the day
        ("2pm", (2026, 11, 26, 14, 0), True),
        ("at 7", (2026, 11, 26, 7, 0), True),
        ("next week", (2026, 11, 30, 0, 0), False),
        ("eow", (2026, 11, 27, 0, 0), False),
    ],
)
def test_relative_forms_london(text: str, expected: tuple, has_time: bool) -> None:
    p = parse_when(text, NOW)
    assert wall(p) == expected
    assert p.has_time is has_time
    check_invariants(p, NOW)


@pytest.mark.parametrize("now", ZONES)
@pytest.mark.parametrize(
    ("text", "day"),
    [("tomorrow", 27), ("fri", 27), ("next fri", 27), ("sat", 28), ("+2d", 28), ("in 1 wk", 3)],
)
def test_relative_days_in_every_zone(now: datetime, text: str, day: int) -> None:
    assert parse_when(text, now).local.day == day


def test_bare_weekday_today_counts_only_while_the_time_is_ahead() -> None:
    # now is Thursday 23:00
    assert wall(parse_when("thu 23:30", NOW)) == (2026, 11, 26, 23, 30)
    assert wall(parse_when("thursday 22:00", NOW)) == (2026, 12, 3, 22, 0)
    assert wall(parse_when("this thu 23:30", NOW)) == (2026, 11, 26, 23, 30)
    assert wall(parse_when("thu", NOW))[:3] == (2026, 12, 3)  # 00:00 today is gone
    morning = NOW.replace(hour=8)
    assert wall(parse_when("thu 9:00", morning)) == (2026, 11, 26, 9, 0)
    assert wall(parse_when("thu", morning, default_time=time(9, 0)))[:3] == (2026, 11, 26)


def test_next_weekday_is_never_today() -> None:
    assert wall(parse_when("next thu 23:30", NOW)) == (2026, 12, 3, 23, 30)
    assert wall(parse_when("next thu", NOW))[:3] == (2026, 12, 3)


def test_next_week_is_monday_of_next_week() -> None:
    sunday = datetime(2026, 11, 29, 10, 0, tzinfo=LONDON)
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=LONDON)
    assert wall(parse_when("next week", sunday))[:3] == (2026, 11, 30)
    assert wall(parse_when("next week", monday))[:3] == (2026, 12, 7)


def test_hour_offsets_are_to_the_minute() -> None:
    now = datetime(2026, 11, 26, 10, 0, 42, 123, tzinfo=LONDON)
    p = parse_when("+30m", now)
    assert p.at == datetime(2026, 11, 26, 10, 30, tzinfo=UTC)


def test_default_time_fills_day_only_input() -> None:
    p = parse_when("tomorrow", NOW, default_time=time(9, 0))
    assert wall(p) == (2026, 11, 27, 9, 0) and not p.has_time
    p = parse_when("3 Dec", NOW, default_time=time(9, 0))
    assert wall(p) == (2026, 12, 3, 9, 0) and not p.has_time
    # a given time wins over the default
    assert wall(parse_when("tomorrow 14:00", NOW, default_time=time(9, 0)))[3:] == (14, 0)


# ------------------------------------------------------------- absolute forms


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("2026-12-03 14:00", (2026, 12, 3, 14, 0), True),
        ("2026-12-03", (2026, 12, 3, 0, 0), False),
        ("2026-12-03T14:00", (2026, 12, 3, 14, 0), True),
        ("20261203", (2026, 12, 3, 0, 0), False),
        ("3/12 2pm", (2026, 12, 3, 14, 0), True),
        ("3/12/2026", (2026, 12, 3, 0, 0), False),
        ("3 Dec", (2026, 12, 3, 0, 0), False),
        ("3 december 2027", (2027, 12, 3, 0, 0), False),
        ("Dec 3 2pm", (2026, 12, 3, 14, 0), True),
        ("dec 3 at 2:15pm", (2026, 12, 3, 14, 15), True),
        ("fri 27 nov 10:00", (2026, 11, 27, 10, 0), True),
        ("3rd dec", (2026, 12, 3, 0, 0), False),
    ],
)
def test_absolute_forms(text: str, expected: tuple, has_time: bool) -> None:
    p = parse_when(text, NOW)
    assert wall(p) == expected
    assert p.has_time is has_time
    check_invariants(p, NOW)


def test_iso_is_year_month_day_whatever_dayfirst_says() -> None:
    assert wall(parse_when("2026-12-03", NOW, dayfirst=True))[:3] == (2026, 12, 3)
    assert wall(parse_when("2026-12-03", NOW, dayfirst=False))[:3] == (2026, 12, 3)


def test_dayfirst_false_reads_month_first() -> None:
    assert wall(parse_when("3/12", NOW, dayfirst=False))[:3] == (2026, 3, 12)
    assert wall(parse_when("12/3 2pm", NOW, dayfirst=False)) == (2026, 12, 3, 14, 0)


def test_year_missing_is_this_year_even_if_past() -> None:
    p = parse_when("3 Jan", NOW)
    assert wall(p)[:3] == (2026, 1, 3) and p.in_past


def test_explicit_offset_in_text_is_honoured() -> None:
    assert parse_when("3 dec 14:00 UTC", NOW).at == datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    assert parse_when("3 dec 14:00 utc", NOW_NY).at == datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    p = parse_when("2026-12-03 14:00+01:00", NOW_NY)
    assert p.at == datetime(2026, 12, 3, 13, 0, tzinfo=UTC)
    assert wall(p) == (2026, 12, 3, 8, 0)  # shown in the local zone


# ------------------------------------------------------------- describe


def test_describe() -> None:
    assert parse_when("fri 2pm", NOW).describe() == "Fri 27 Nov 2026, 14:00"
    assert parse_when("fri", NOW).describe() == "Fri 27 Nov 2026"
    assert parse_when("3 dec 9:05", NOW).describe() == "Thu 3 Dec 2026, 09:05"
    assert parse_when("tomorrow 9:30", NOW_NY).describe() == "Fri 27 Nov 2026, 09:30"


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "text",
    [
        "blorp",
        "tomorrow blorp",
        "32/13",
        "31/11",
        "tomorrow 9",  # a bare hour needs "at" or am/pm
        "5",
        "2026",
        "dec 2027",  # no day
        "25:00",
        "13pm",
        "9:60",
        "in 2 hours 9:30",
        "3 dec 14:00 est",  # dateutil would drop an unknown zone silently
        "3 dec 1999",
        "3 jan 2101",
        "in 99999 days",
        "in 999999 weeks",
        "+999999w",
        "next",
        "in days",
        "-2d",
        "tomorrow\x00",
        "to\x1bmorrow",
        "tomorrow\t9:30",
        "tomorrow\u200b",
        "x" * 10_000,
        "tomorrow 9:30" + " " * 100,  # over the limit before stripping
    ],
)
def test_bad_input_raises_date_parse_error(text: str) -> None:
    with pytest.raises(DateParseError) as err:
        parse_when(text, NOW)
    msg = str(err.value)
    assert msg.endswith(".") and "\n" not in msg and len(msg) < 200


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_blank_asks_for_a_date(text: str) -> None:
    with pytest.raises(DateParseError, match="^Enter a date"):
        parse_when(text, NOW)


def test_error_messages_are_clear() -> None:
    with pytest.raises(DateParseError) as err:
        parse_when("blorp", NOW)
    assert str(err.value) == (
        'Could not read "blorp" as a date — try "tomorrow 9:30", "fri 2pm" or "2026-12-03 14:00".'
    )
    with pytest.raises(DateParseError, match="is a Friday, not a Monday"):
        parse_when("mon 27 nov", NOW)
    with pytest.raises(DateParseError, match="outside the years 2000–2100"):
        parse_when("1/1/1999", NOW)
    with pytest.raises(DateParseError, match="too long"):
        parse_when("x" * 101, NOW)
    with pytest.raises(DateParseError, match="control characters"):
        parse_when("fri\x072pm", NOW)


def test_date_parse_error_is_a_value_error() -> None:
    assert issubclass(DateParseError, ValueError)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_when("tomorrow", datetime(2026, 11, 26, 23, 0))


# ------------------------------------------------------------- DST


def test_spring_forward_day_keeps_wall_clock() -> None:
    # London springs forward at 01:00 UTC on Sun 28 Mar 2027.
    sat_noon = datetime(2027, 3, 27, 12, 0, tzinfo=LONDON)
    p = parse_when("tomorrow 9:30", sat_noon)
    assert wall(p) == (2027, 3, 28, 9, 30)
    assert p.at == datetime(2027, 3, 28, 8, 30, tzinfo=UTC)  # BST
    p = parse_when("+1d 12:00", sat_noon)  # day offsets are wall-clock
    assert p.at == datetime(2027, 3, 28, 11, 0, tzinfo=UTC)
    p = parse_when("in 24 hours", sat_noon)  # hour offsets are elapsed time
    assert p.at == datetime(2027, 3, 28, 12, 0, tzinfo=UTC)
    assert wall(p) == (2027, 3, 28, 13, 0)


def test_time_in_spring_gap_is_normalised() -> None:
    p = parse_when("28/3/2027 1:30", NOW)  # 01:30 does not exist that night
    assert p.at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert wall(p) == (2027, 3, 28, 2, 30)
    assert p.local.utcoffset() == timedelta(hours=1)
    p = parse_when("14/3/2027 2:30", NOW_NY)  # New York's gap
    assert wall(p) == (2027, 3, 14, 3, 30)


def test_ambiguous_autumn_time_takes_first_occurrence() -> None:
    p = parse_when("31/10/2027 1:30", NOW)
    assert p.at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # still BST
    assert p.describe() == "Sun 31 Oct 2027, 01:30"


def test_next_week_across_us_dst_end() -> None:
    # New York falls back on Sun 1 Nov 2026
    sat = datetime(2026, 10, 31, 10, 0, tzinfo=NEW_YORK)
    p = parse_when("next week 9am", sat)
    assert wall(p) == (2026, 11, 2, 9, 0)
    assert p.at == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # EST


# ------------------------------------------------------------- parse_due


def test_due_day_without_time_is_end_of_day() -> None:
    p = parse_due("fri", NOW)
    assert wall(p) == (2026, 11, 27, 17, 0) and not p.has_time
    assert p.describe() == "Fri 27 Nov 2026"
    assert DUE_TIME == time(17, 0)


def test_due_words() -> None:
    assert wall(parse_due("next week", NOW)) == (2026, 11, 30, 17, 0)
    assert wall(parse_due("end of week", NOW)) == (2026, 11, 27, 17, 0)
    assert wall(parse_due("EOW", NOW)) == (2026, 11, 27, 17, 0)
    assert wall(parse_due("in 3 days", NOW)) == (2026, 11, 29, 17, 0)
    assert wall(parse_due("2026-12-03", NOW)) == (2026, 12, 3, 17, 0)
    assert wall(parse_due("fri 10am", NOW)) == (2026, 11, 27, 10, 0)


def test_due_today_is_not_overdue_before_end_of_day() -> None:
    thu_morning = datetime(2026, 11, 26, 9, 0, tzinfo=LONDON)
    assert not parse_due("today", thu_morning).in_past
    assert not parse_due("eod", thu_morning).in_past
    assert parse_due("today", NOW).in_past
    # a bare weekday naming today still counts while its end of day is ahead
    assert wall(parse_due("thu", thu_morning)) == (2026, 11, 26, 17, 0)
    assert wall(parse_due("thu", NOW))[:3] == (2026, 12, 3)
    # eow on a Saturday is the coming Friday
    sat = datetime(2026, 11, 28, 9, 0, tzinfo=LONDON)
    assert wall(parse_due("eow", sat))[:3] == (2026, 12, 4)


def test_due_errors() -> None:
    with pytest.raises(DateParseError, match="next week"):
        parse_due("someday", NOW)
    with pytest.raises(DateParseError, match="^Enter a date"):
        parse_due(" ", NOW)


# ------------------------------------------------------------- property


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=120))
def test_any_text_parses_or_raises_date_parse_error(text: str) -> None:
    for parse in (parse_when, parse_due):
        try:
            p = parse(text, NOW)
        except DateParseError:
            continue
        assert p.at.tzinfo is UTC
        assert p.at.utcoffset() == timedelta(0)
        assert p.local == p.at
        assert 2000 <= p.local.year <= 2100


_WORDS = st.sampled_from(
    "today tonight tomorrow tmrw yesterday fri friday next this mon in a an 2 3 90 days wks "
    "hours min +2d +3h at 9:30 9:30am 2pm noon midnight 3/12 2026-12-03 dec 3 14:00 eow week "
    "end of utc z 31 13 00 1999 2101 . - / : pm am".split()
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=5).map(" ".join), st.sampled_from([NOW, NOW_NY, NOW_UTC]))
def test_date_like_word_salad_parses_or_raises(text: str, now: datetime) -> None:
    try:
        p = parse_when(text, now, dayfirst=len(text) % 2 == 0)
    except DateParseError:
        return
    check_invariants(p, now)
    assert 2000 <= p.local.year <= 2100
