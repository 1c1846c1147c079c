"""`fieldcoach privacy log`, `privacy policy` and `privacy access --team`: the team
database's side of the privacy tools, thin wrappers that print."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from ..clock import local_tz, to_local
from ..errors import TeamDbError, UserError
from ..text import visible
from .dbapi import database_error
from .location import resolve_url


def _since(value: str | None) -> datetime | None:
    """A date or date and time; without an offset it is local time."""
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise UserError(f"--since takes a date such as 2026-11-01, not {value!r}") from exc
    return at if at.tzinfo is not None else at.replace(tzinfo=local_tz())


def log(db: str | None, since: str | None, as_json: bool) -> int:
    from .audit import entries, summary
    from .view import open_for_reading

    start = _since(since)
    reading = open_for_reading(resolve_url(db))
    try:
        with reading.team.transaction() as team:
            rows = entries(team, start)
    except TeamDbError as exc:
        raise database_error(exc) from exc
    finally:
        reading.close()
    if as_json:
        print(json.dumps([e.as_json() for e in rows], indent=2))
        return 0
    if not rows:
        print("the audit log is empty" + (" since then" if start else ""))
        return 0
    table = [("when", "who", "action", "scope")]
    table += [(to_local(e.at).strftime("%Y-%m-%d %H:%M"), visible(e.who), visible(e.action),
               visible(summary(e.scope))) for e in rows]
    widths = [max(len(r[i]) for r in table) for i in range(3)]
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[3])
    return 0


def policy(policy_file: str | None, db: str | None, init: bool) -> int:
    from .policy import load_policy, resolve_path
    from .policy_page import init_file, render

    path = resolve_path(policy_file)
    if init:
        init_file(path)
        print(visible(f"policy written to {path}: edit it to match the works agreement"))
        return 0
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    shown = resolve_url(db)
    try:
        shown = make_url(shown).render_as_string(hide_password=True)
    except ArgumentError:  # shown as given: the page still prints
        pass
    print(visible(render(load_policy(policy_file), path, shown), keep_newlines=True), end="")
    return 0


def access(db: str | None, person: str, out: str) -> int:
    from sqlalchemy.exc import DBAPIError

    from .access import write
    from .db import open_team_db

    engine = open_team_db(resolve_url(db), create=False)
    try:
        paths = write(engine, person, Path(out).expanduser())
    except (DBAPIError, TeamDbError) as exc:
        raise database_error(exc) from exc
    finally:
        engine.dispose()
    for p in paths:
        print(visible(f"written: {p}"))
    return 0
