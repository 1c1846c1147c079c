"""`fieldcoach team load` and `fieldcoach team report`: thin wrappers that print."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from sqlalchemy.exc import DBAPIError

from ..errors import ImportRefused, UserError
from ..text import visible
from .db import database_error, open_team_db, resolve_url


def load(db: str | None, paths: list[str]) -> int:
    from .audit import record_load
    from .load import load as load_paths
    from .policy import load_policy

    policy = load_policy()  # a mistyped works agreement refuses the load before it starts
    engine = open_team_db(resolve_url(db))
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
    except DBAPIError as exc:
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

    policy = load_policy(policy_file)  # a mistyped file refuses before the database is opened

    engine = open_team_db(resolve_url(db), create=False)
    now = now or datetime.now(UTC)
    try:
        with engine.connect() as con:
            figures = team_figures(con, period(kind, now, back), now)
        # logged before anything is shown: a report the log cannot hold is not printed
        record_report(engine, figures.period, fmt, policy, len(figures.managers))
    except DBAPIError as exc:
        raise database_error(exc) from exc
    finally:
        engine.dispose()
    print({"csv": out.as_csv, "json": out.as_json}.get(fmt, out.table)(figures, policy))
    return 0
