"""Who saw what (PRODUCT.md section 9): the team database's own log of every load, report,
export, subject access and opening of the Team view, with who did it (the operating-system
user and host, and the database user on a server), when (UTC) and what it covered.

The log is append-only. The code only ever inserts; the database itself refuses an UPDATE
of a row (a trigger, on SQLite and on PostgreSQL), so a mistaken or deliberate edit of
the history fails loudly instead of rewriting it. Rows leave only through the retention
purge, which removes those older than the works agreement's `audit_log_days` (0 keeps
them forever) at each load.

The trigger is installed when the audit_log table is created (a new database, or the
migration to version 2) and again, idempotently, at each load, so that a database made
before the trigger existed gets it too.
"""

from __future__ import annotations

import getpass
import json
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import from_db, to_db, utcnow
from .dbapi import TeamDb, of_connection

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from .load_state import LoadResult
    from .policy import Policy
    from .rollup import Period

# What the log records; the Team view's start-up records "view" through record_view().
ACTIONS = ("load", "report", "export", "view", "access")
REFUSAL = "audit_log is append-only"

SQLITE_DDL = (
    f"CREATE TRIGGER IF NOT EXISTS audit_log_append_only BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
)
POSTGRESQL_DDL = (
    f"CREATE OR REPLACE FUNCTION audit_log_refuse_update() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_update()",
)
DDL_BY_DIALECT = {"sqlite": SQLITE_DDL, "postgresql": POSTGRESQL_DDL}


def install_append_only(con: Connection | TeamDb) -> None:
    """Make the database refuse UPDATE on audit_log (idempotent)."""
    db = of_connection(con)
    db.script(*DDL_BY_DIALECT.get(db.engine, ()))


def who(con: Connection | TeamDb) -> str:
    """user@host, plus the database user when the database is a server's."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password file
        user = "unknown"
    out = f"{user}@{socket.gethostname()}"
    db = of_connection(con)
    if db.engine != "sqlite" and db.db_user:
        out += f" (database user {db.db_user})"
    return out


def record(con: Connection | TeamDb, action: str, scope: Mapping[str, Any],
           now: datetime | None = None) -> None:
    """One row of the log, in the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db = of_connection(con)
    db.run("audit_insert", at=to_db(now or utcnow()), who=who(db), action=action,
           scope=json.dumps(dict(scope), ensure_ascii=False))  # in the order given: read by people


def record_now(target: Engine | TeamDb, action: str, scope: Mapping[str, Any],
               now: datetime | None = None) -> None:
    """One row of the log in a transaction of its own."""
    if isinstance(target, TeamDb):
        with target.transaction(write=True):
            record(target, action, scope, now)
        return
    with target.begin() as con:
        record(con, action, scope, now)


def record_view(target: Engine | TeamDb, scope: Mapping[str, Any]) -> None:
    """The Team view was opened (scope: the period shown, rep detail on or off, ...)."""
    record_now(target, "view", scope)


def record_load(con: Connection | TeamDb, paths: Sequence[str | Path], result: LoadResult,
                policy: Policy) -> None:
    """A load, in the load's own transaction: which folders or bundles, what was read, how
    many managers; the retention purge runs with it."""
    install_append_only(con)
    purge(con, policy.audit_log_days)
    record(con, "load", {
        "folders": [str(Path(p).expanduser().resolve()) for p in paths],
        "files": {"seen": result.files, "loaded": result.loaded, "unchanged": result.skipped,
                  "invalid": len(result.invalid)},
        "managers": result.managers})


def record_report(engine: Engine | TeamDb, p: Period, fmt: str, policy: Policy, managers: int) -> None:
    """A report: a table on screen is a "report", CSV or JSON for other tools an "export"."""
    record_now(engine, "report" if fmt == "table" else "export", {
        "period": {"kind": p.kind, "start": p.start.isoformat(), "end": p.end.isoformat()},
        "format": fmt, "figures": list(policy.figures), "rep_detail": policy.rep_detail,
        "managers": managers})


def purge(con: Connection | TeamDb, days: int, now: datetime | None = None) -> int:
    """Remove the rows older than days (0: none); returns how many went."""
    if days <= 0:
        return 0
    return of_connection(con).run("audit_purge", cut=to_db((now or utcnow()) - timedelta(days=days)))


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    who: str
    action: str
    scope: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(), "who": self.who, "action": self.action,
                "scope": self.scope}


def entries(con: Connection | TeamDb, since: datetime | None = None) -> list[Entry]:
    db = of_connection(con)
    rows = db.rows("audit_all") if since is None else db.rows("audit_entries", since=to_db(since))
    out = []
    for id_, at, who_, action, text in rows:
        try:
            scope = json.loads(text)
        except ValueError:
            scope = {"text": text}
        out.append(Entry(id_, from_db(at), who_, action, scope if isinstance(scope, dict) else
                         {"value": scope}))
    return out


def _short(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_short(v) for v in value) if value else "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, dict):
        if {"kind", "start", "end"} <= set(value):  # a period
            return f"{value['kind']} from {str(value['start'])[:10]} to {str(value['end'])[:10]}"
        return ", ".join(f"{v} {k}" if isinstance(v, int) and not isinstance(v, bool) else f"{k} {_short(v)}"
                         for k, v in value.items())
    return str(value)


# The keys summarised first, in this order; others follow alphabetically.
_FIRST = ("subject", "period", "format", "folders", "files", "managers", "rep_detail", "figures", "out")


def summary(scope: Mapping[str, Any]) -> str:
    """A scope on one line: "period 4weeks ...; format csv; figures minutes, sessions"."""
    keys = [k for k in _FIRST if k in scope] + sorted(k for k in scope if k not in _FIRST)
    return "; ".join(f"{k.replace('_', ' ')} {_short(scope[k])}" for k in keys)
