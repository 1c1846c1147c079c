"""Time inside fieldcoach is UTC and timezone-aware; SQLite stores it as fixed-width ISO text.

The fixed width (microseconds, +00:00) keeps text order equal to time order, so SQL can
compare and sort stored timestamps directly.
"""

from __future__ import annotations

from datetime import UTC as UTC  # the zone of every stored stamp; others import it from here
from datetime import date, datetime, tzinfo
from typing import overload


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_tz() -> tzinfo:
    """The machine's zone as a real zone (ZoneInfo from TZ or /etc/localtime), so weeks in
    summer and winter each get their own offset; a fixed offset of today only as a fallback."""
    zone = _named_local_zone()
    if zone is not None:
        return zone
    tz = datetime.now().astimezone().tzinfo
    assert tz is not None
    return tz


def _named_local_zone() -> tzinfo | None:
    import os
    from zoneinfo import ZoneInfo

    key = os.environ.get("TZ")
    if key is None:
        try:
            target = os.path.realpath("/etc/localtime")
        except OSError:
            return None
        if "zoneinfo/" not in target:
            return None
        key = target.split("zoneinfo/", 1)[1]
    key = key.lstrip(":")
    if not key:
        return None
    try:
        zone = ZoneInfo(key)
    except (KeyError, ValueError, OSError):  # a POSIX rule such as "EST5" or an unknown name
        return None
    # Trust the name only if it agrees with what the C library uses right now.
    now = datetime.now(UTC)
    if now.astimezone(zone).utcoffset() != now.astimezone().utcoffset():
        return None
    return zone


@overload
def to_db(value: datetime) -> str: ...
@overload
def to_db(value: None) -> None: ...
@overload
def to_db(value: datetime | None) -> str | None: ...
def to_db(value: datetime | None) -> str | None:
    """Normalise an aware datetime to the stored UTC text; naive values are a bug."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: fieldcoach stores aware UTC times only")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


@overload
def from_db(value: str) -> datetime: ...
@overload
def from_db(value: None) -> None: ...
@overload
def from_db(value: str | None) -> datetime | None: ...
def from_db(value: str | None) -> datetime | None:
    """Re-attach UTC to stored text (older rows may lack the offset)."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_local(value: datetime, tz: tzinfo | None = None) -> datetime:
    return value.astimezone(tz or local_tz())


def fmt_local(value: datetime | None, tz: tzinfo | None = None, with_day: bool = True) -> str:
    if value is None:
        return "—"
    loc = to_local(value, tz)
    return loc.strftime("%a %d %b %H:%M" if with_day else "%H:%M")


def week_start(value: datetime, tz: tzinfo | None = None) -> datetime:
    """Monday 00:00 local of the week holding value, returned in UTC."""
    from datetime import timedelta

    loc = to_local(value, tz)
    monday: date = loc.date() - timedelta(days=loc.weekday())
    start_local = datetime(monday.year, monday.month, monday.day, tzinfo=loc.tzinfo)
    # Re-localise through the zone so a DST change during the week is respected.
    return start_local.astimezone(UTC)
