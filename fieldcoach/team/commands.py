"""`fieldcoach team load` and `fieldcoach team report`: thin wrappers that print.

SQLAlchemy is imported only where it is needed: a load that reads something, and a
server's database. A reload with nothing changed and a report on a SQLite file run on
sqlite3 (reload.py, dbapi.py)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from ..errors import ImportRefused, TeamDbError, UserError
from ..text import visible
from .dbapi import database_error
from .location import resolve_url


def load(db: str | None, paths: list[str]) -> int:
    from .policy import load_policy
    from .reload import unchanged_load

    policy = load_policy()  # a mistyped works agreement refuses the load before it starts
    url = resolve_url(db)
    try:
        quick = unchanged_load(url, paths, policy)
    except TeamDbError as exc:
        raise database_error(exc) from exc
    if quick is not None:
        print(visible(quick.summary()))
        return 0

    from sqlalchemy.exc import DBAPIError

    from .audit import record_load
    from .db import open_team_db
    from .load import load as load_paths

    engine = open_team_db(url)
    tty = sys.stderr.isatty()
    seen = [0]

    def progress(n: int) -> None:
        seen[0] += n
        if seen[0] % 100 == 0:
            print(f"\rloading: {seen[0]} documents read", end="", file=sys.stderr, flush=True)

    try:
        result = load_paths(engine, list(paths), progress if tty else None,
                            before_commit=lambda con, r: record_load(con, paths, r, policy))
    except ImportRefused as exc:
        raise UserError(f"team load refused, nothing changed: {exc}") from exc
    except (DBAPIError, TeamDbError) as exc:
        raise database_error(exc) from exc
    finally:
        engine.dispose()
        if tty and seen[0] >= 100:
            print("\r\x1b[K", end="", file=sys.stderr, flush=True)
    for line in result.invalid:
        print(f"fieldcoach: skipped {visible(line)}", file=sys.stderr)
    print(visible(result.summary()))
    return 0


def report(db: str | None, kind: str, fmt: str, back: int = 0, now: datetime | None = None,
           policy_file: str | None = None) -> int:
    from . import report as out
    from .audit import record_report
    from .policy import load_policy
    from .rollup import period, team_figures
    from .view import open_for_reading

    policy = load_policy(policy_file)  # a mistyped file refuses before the database is opened

    reading = open_for_reading(resolve_url(db))
    now = now or datetime.now(UTC)
    try:
        with reading.team.transaction() as team:
            figures = team_figures(team, period(kind, now, back), now)
        # logged before anything is shown: a report the log cannot hold is not printed
        record_report(reading.team, figures.period, fmt, policy, len(figures.managers))
    except TeamDbError as exc:
        raise database_error(exc) from exc
    finally:
        reading.close()
    print({"csv": out.as_csv, "json": out.as_json}.get(fmt, out.table)(figures, policy))
    return 0
