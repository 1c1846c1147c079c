"""Free-text dates and times, as a sales manager types them in a hurry.

python-dateutil reads absolute forms ("2026-12-03 14:00", "3/12 2pm", "Dec 3")
well but knows no relative words, and its ``fuzzy=True`` mode silently guesses
wrong ("tomorrow 9:30" becomes *today* 09:30). So the relative words are resolved
here, on top of dateutil and plain date arithmetic, and dateutil is only ever
asked about the whole text without fuzzy parsing: a word it cannot place is an
error the user sees, never a silent guess. The caller echoes
:meth:`ParsedWhen.describe` back before saving and questions ``in_past``.

Rules (all case-insensitive, surrounding whitespace ignored):

* ``today``, ``tomorrow``/``tmrw``/``tmr``/``tmw``, ``yesterday``, ``eod``/``end of
  day`` (= today), ``tonight`` (today; with no time it means 20:00, and an hour
  1-11 without am/pm is read as pm: "tonight 8:30" is 20:30), ``now``.
* A weekday (``fri``, ``friday``, ``this fri``): today if the resolved time on
  today is still strictly ahead of ``now``, otherwise the next such day. With no
  time given the filled-in time is used for that test (00:00 for ``parse_when``,
  so a bare weekday naming today means next week's; 17:00 for ``parse_due``).
* ``next <weekday>``: the next such day strictly after today, never today (on
  Thursday "next fri" is tomorrow).
* ``next week`` = Monday of next week; ``eow``/``end of week`` = ``fri``.
* Offsets: ``in 2 days``, ``in 3 wks``, ``in a week``, ``+2d``, ``+1w`` keep the
  wall-clock (same local time N days on, an optional time may follow);
  ``in 90 min``, ``in an hour``, ``+3h``, ``+30m`` are elapsed time from ``now``
  (to the minute) and take no extra time.
* Times: ``9:30``, ``9.30``, ``14:00``, ``2pm``, ``9:30am``, ``at 9`` (a bare hour
  needs "at" or am/pm, since "fri 3" could be the 3rd), ``noon``/``midday``, and
  ``midnight``, which is the *end* of the named day (00:00 of the next day).
  Time and day may come in either order ("2pm fri"). A time alone means today at
  that time, even if already past (``in_past`` is then True; it is never moved to
  tomorrow behind the user's back).
* Anything else goes to dateutil, which must find a day and a month; a leading
  4-digit year is read year-month-day whatever ``dayfirst`` says (dateutil would
  read "2026-12-03" as 12 March with dayfirst). A year missing is the current year,
  even if that puts the date in the past (flagged, not moved). A weekday that
  contradicts the date ("mon 27 nov" when that is a Friday) is an error.
* Years outside 2000-2100, text over 100 characters, control characters and
  unknown words are errors. Only :class:`DateParseError` is ever raised for text.

Wall-clock times are built naive, then given the zone (``replace(tzinfo=...)`` for
zoneinfo, ``localize`` for pytz-style zones) and normalised through UTC, so a
time in a spring-forward gap comes out as the real instant (01:30 on the London
change day shows as 02:30 BST) and an ambiguous autumn time takes its first
occurrence (``fold=0``).
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from dateutil import parser as _du_parser

from .errors import DateParseError

__all__ = ["DateParseError", "ParsedWhen", "parse_when", "parse_due", "DUE_TIME"]

MAX_LEN = 100
MIN_YEAR, MAX_YEAR = 2000, 2100
#: The time a due date without a time means: the end of that working day.
DUE_TIME = time(17, 0)
_TONIGHT_TIME = time(20, 0)

_WHEN_HINT = 'try "tomorrow 9:30", "fri 2pm" or "2026-12-03 14:00"'
_DUE_HINT = 'try "fri", "next week", "in 3 days" or "2026-12-03"'

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_DAY_OFFSETS = {"today": 0, "eod": 0, "end of day": 0, "tonight": 0, "yesterday": -1}
_DAY_OFFSETS.update(dict.fromkeys(("tomorrow", "tmrw", "tmr", "tmw"), 1))
_UNITS = {
    **dict.fromkeys(("d", "day", "days"), "days"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "weeks"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
}
_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))

# re.ASCII: \d must not match Arabic-Indic or other Unicode digits here.
_A = re.ASCII
_TIME_RE = re.compile(
    r"(?:at\s+|@\s*)?(?:(?P<word>noon|midday|midnight)"
    r"|(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?|a|p)?)",
    _A,
)
_OFFSET_RE = re.compile(
    rf"(?:in\s+(?P<n>\d{{1,6}}|an?)\s*|\+\s*(?P<n2>\d{{1,6}})\s*)(?P<unit>{_UNIT_RE})", _A
)
_WEEKDAY_SPEC_RE = re.compile(rf"(?:(?P<mod>this|next)\s+)?(?P<wd>{_WEEKDAY_RE})", _A)
_ISO_START_RE = re.compile(r"\d{4}(?:[-/.]\d|\d{4})", _A)
_UNKNOWN_TZ = getattr(_du_parser, "UnknownTimezoneWarning", UserWarning)
_UTC_WORD_RE = re.compile(r"\b(?:utc|gmt)\b", _A)
_WEEKDAY_WORD_RE = re.compile(rf"\b({_WEEKDAY_RE})\b", _A)


@dataclass(frozen=True)
class ParsedWhen:
    """A resolved date/time: the instant in UTC plus how to show it locally."""

    at: datetime  #: timezone-aware, UTC
    local: datetime  #: the same instant in the local zone (aware)
    has_time: bool  #: False when the user gave only a day
    in_past: bool  #: strictly before ``now``

    def describe(self) -> str:
        """Locale-independent echo, e.g. "Fri 27 Nov 2026, 14:00" or "Fri 27 Nov 2026"."""
        d = self.local
        day = f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"
        return f"{day}, {d:%H:%M}" if self.has_time else day


def parse_when(
    text: str,
    now: datetime,
    *,
    tz: tzinfo | None = None,
    dayfirst: bool = True,
    default_time: time | None = None,
) -> ParsedWhen:
    """Read a "when" field (e.g. a call's scheduled time) relative to ``now``.

    ``tz`` is the zone the wall-clock text is meant in (default: ``now``'s zone).
    A day without a time gets ``default_time`` (default 00:00) and
    ``has_time=False``. Raises :class:`DateParseError` for anything unreadable.
    """
    return _parse(text, now, tz, dayfirst, default_time or time(0, 0), _WHEN_HINT)


def parse_due(
    text: str, now: datetime, *, tz: tzinfo | None = None, dayfirst: bool = True
) -> ParsedWhen:
    """Read a next step's due date: as :func:`parse_when`, but a day without a time
    means the end of that working day (:data:`DUE_TIME`, 17:00 local), so "fri"
    on a Friday morning is still today and a step due "today" is not overdue at
    noon."""
    return _parse(text, now, tz, dayfirst, DUE_TIME, _DUE_HINT)


# --------------------------------------------------------------------------- core


def _parse(
    text: str, now: datetime, tz: tzinfo | None, dayfirst: bool, fill: time, hint: str
) -> ParsedWhen:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")  # a programming error, not the user's
    tz = tz or now.tzinfo
    if not isinstance(text, str):
        raise DateParseError(f"Enter a date as text — {hint}.")
    if len(text) > MAX_LEN:  # refuse before any work: this runs as the user types
        raise DateParseError(f"That is too long to be a date — {hint}.")
    stripped = text.strip()
    if not stripped:
        raise DateParseError(f"Enter a date, e.g. {hint.removeprefix('try ')}.")
    if any(unicodedata.category(c).startswith("C") for c in stripped):
        raise DateParseError(f"A date cannot contain control characters — {hint}.")
    s = " ".join(stripped.split()).lower()
    bad = DateParseError(f'Could not read "{s}" as a date — {hint}.')
    now_local = now.astimezone(tz)
    try:
        result = _relative(s, now, now_local, tz, fill)
        if result is None:
            result = _absolute(s, now_local, tz, dayfirst, fill, bad)
    except DateParseError:
        raise
    except (ValueError, ArithmeticError) as exc:  # date out of range etc.
        raise bad from exc
    at_utc, has_time = result
    local = at_utc.astimezone(tz)
    if not MIN_YEAR <= local.year <= MAX_YEAR:
        raise DateParseError(f'"{s}" is outside the years {MIN_YEAR}–{MAX_YEAR}.')
    return ParsedWhen(at=at_utc, local=local, has_time=has_time, in_past=at_utc < now)


def _localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach ``tz`` to a wall-clock time and return the real instant in UTC."""
    localize = getattr(tz, "localize", None)  # pytz-style zones need localize()
    aware = localize(naive) if callable(localize) else naive.replace(tzinfo=tz)
    return aware.astimezone(UTC)


def _parse_time(s: str, evening: bool = False) -> tuple[time, int] | None:
    """A time of day as (time, extra days): "midnight" is 00:00 of the next day."""
    m = _TIME_RE.fullmatch(s)
    if m is None:
        return None
    word = m["word"]
    if word:
        return (time(0, 0), 1) if word == "midnight" else (time(12, 0), 0)
    hour, minute, ampm = int(m["h"]), int(m["m"] or 0), m["ampm"]
    if m["m"] is None and ampm is None and not (evening or s.startswith(("at", "@"))):
        return None  # a bare number: could be a day of the month, let dateutil try
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    elif evening and 1 <= hour <= 11:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute), 0


def _split(s: str) -> list[tuple[str, str]]:
    """Ways to read ``s`` as (day spec, time), the time optional and in either order."""
    out = [(s, "")]
    for m in re.finditer(" ", s):
        out.append((s[: m.start()], s[m.end() :]))
        out.append((s[m.end() :], s[: m.start()]))
    return out


def _relative(
    s: str, now: datetime, now_local: datetime, tz: tzinfo, fill: time
) -> tuple[datetime, bool] | None:
    """Resolve the relative grammar, or None to hand the text to dateutil."""
    if s == "now":
        return now.astimezone(UTC).replace(second=0, microsecond=0), True
    # Elapsed-time offsets take the whole text.
    m = _OFFSET_RE.fullmatch(s)
    if m and _UNITS[m["unit"]] in ("hours", "minutes"):
        n = _count(m)
        delta = timedelta(**{_UNITS[m["unit"]]: n})
        # In UTC: aware-datetime arithmetic in a zone is wall-clock, not elapsed, time.
        return (now.astimezone(UTC) + delta).replace(second=0, microsecond=0), True
    # A time alone: today at that time (never silently tomorrow).
    t = _parse_time(s)
    if t is not None:
        return _at(now_local.date(), t, tz), True
    for day_part, time_part in _split(s):
        evening = day_part == "tonight"
        t = _parse_time(time_part, evening) if time_part else None
        if time_part and t is None:
            continue
        day = _resolve_day(day_part, now, now_local, tz, t, fill)
        if day is None:
            continue
        if t is None:
            if evening:
                return _at(day, (_TONIGHT_TIME, 0), tz), True
            return _localize(datetime.combine(day, fill), tz), False
        return _at(day, t, tz), True
    return None


def _count(m: re.Match[str]) -> int:
    n = m["n"] or m["n2"]
    return 1 if n in ("a", "an") else int(n)


def _at(day: date, t: tuple[time, int], tz: tzinfo) -> datetime:
    return _localize(datetime.combine(day + timedelta(days=t[1]), t[0]), tz)


def _resolve_day(
    spec: str,
    now: datetime,
    now_local: datetime,
    tz: tzinfo,
    t: tuple[time, int] | None,
    fill: time,
) -> date | None:
    today = now_local.date()
    if spec in _DAY_OFFSETS:
        return today + timedelta(days=_DAY_OFFSETS[spec])
    if spec == "next week":
        return today + timedelta(days=7 - today.weekday())
    if spec in ("eow", "end of week", "end of the week"):
        spec = "fri"
    m = _OFFSET_RE.fullmatch(spec)
    if m and _UNITS[m["unit"]] in ("days", "weeks"):
        return today + timedelta(**{_UNITS[m["unit"]]: _count(m)})
    m = _WEEKDAY_SPEC_RE.fullmatch(spec)
    if m is None:
        return None
    ahead = (_WEEKDAYS[m["wd"]] - today.weekday()) % 7
    if ahead == 0:
        if m["mod"] == "next":
            ahead = 7
        else:  # today counts only while the resolved time is still ahead
            at = _at(today, t, tz) if t else _localize(datetime.combine(today, fill), tz)
            if not at > now:
                ahead = 7
    return today + timedelta(days=ahead)


def _absolute(
    s: str, now_local: datetime, tz: tzinfo, dayfirst: bool, fill: time, bad: DateParseError
) -> tuple[datetime, bool]:
    """Absolute forms via dateutil (never fuzzy).

    Parsing twice with defaults that differ in every field tells which fields the
    text itself supplied, without dateutil's private API."""
    if re.fullmatch(r"\d{1,4}", s, _A):
        raise bad  # "5", "2026", "1430": a day, a year or a time? too ambiguous
    if _ISO_START_RE.match(s):
        dayfirst, yearfirst = False, True  # 2026-12-03 is always year-month-day
    else:
        yearfirst = False
    s = _UTC_WORD_RE.sub(lambda m: m[0].upper(), s)  # dateutil knows only "UTC"/"GMT"
    today = now_local.date()
    d1 = datetime.combine(today, time(0, 0))
    d2 = datetime(today.year, 1 if today.month != 1 else 2, 1 if today.day != 1 else 2, 1, 1)
    try:
        with warnings.catch_warnings():
            # "14:00 est": dateutil warns and drops the zone; refuse rather than guess.
            warnings.simplefilter("error", _UNKNOWN_TZ)
            r1 = _du_parser.parse(s, default=d1, dayfirst=dayfirst, yearfirst=yearfirst)
            r2 = _du_parser.parse(s, default=d2, dayfirst=dayfirst, yearfirst=yearfirst)
    except Exception as exc:  # dateutil raises assorted types on odd input
        raise bad from exc
    if r1.month != r2.month or r1.day != r2.day:
        raise bad  # no full day given ("dec 2027", "3rd"): ask, don't guess
    wd = _WEEKDAY_WORD_RE.findall(s)
    if wd and any(_WEEKDAYS[w] != r1.weekday() for w in wd):
        raise DateParseError(
            f"{r1.day} {_MONTHS[r1.month - 1]} {r1.year} is a {_DAY_NAMES[r1.weekday()]}, "
            f"not a {_DAY_NAMES[_WEEKDAYS[wd[0]]]}."
        )
    has_time = r1.hour == r2.hour
    if not has_time:
        r1 = datetime.combine(r1.date(), fill, tzinfo=r1.tzinfo)
    if r1.tzinfo is not None:  # the text named its own offset ("14:00 utc", "+01:00")
        return r1.astimezone(UTC), has_time
    return _localize(r1, tz), has_time
