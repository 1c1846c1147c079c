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

from sqlalchemy import Connection, Engine, delete, event, insert, select, text

from ..clock import from_db, to_db, utcnow
from . import schema

if TYPE_CHECKING:
    from .load import LoadResult
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


def install_append_only(con: Connection) -> None:
    """Make the database refuse UPDATE on audit_log (idempotent)."""
    for statement in DDL_BY_DIALECT.get(con.dialect.name, ()):
        con.execute(text(statement).execution_options(no_parameters=True))


def _on_create(_table: object, con: Connection, **_kw: object) -> None:
    install_append_only(con)


# The creation hook: whenever audit_log is created (create_all on a new database, or the
# version 2 migration's audit_log.create), the trigger comes with it.
event.listen(schema.audit_log, "after_create", _on_create)


def who(con: Connection) -> str:
    """user@host, plus the database user when the database is a server's."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password file
        user = "unknown"
    out = f"{user}@{socket.gethostname()}"
    db_user = con.engine.url.username
    if con.dialect.name != "sqlite" and db_user:
        out += f" (database user {db_user})"
    return out


def record(con: Connection, action: str, scope: Mapping[str, Any], now: datetime | None = None) -> None:
    """One row of the log, in the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    con.execute(insert(schema.audit_log).values(
        at=to_db(now or utcnow()), who=who(con), action=action,
        scope=json.dumps(dict(scope), ensure_ascii=False)))  # in the order given: read by people


def record_now(engine: Engine, action: str, scope: Mapping[str, Any], now: datetime | None = None) -> None:
    with engine.begin() as con:
        record(con, action, scope, now)


def record_view(engine: Engine, scope: Mapping[str, Any]) -> None:
    """The Team view was opened (scope: the period shown, rep detail on or off, ...)."""
    record_now(engine, "view", scope)


def record_load(con: Connection, paths: Sequence[str | Path], result: LoadResult, policy: Policy) -> None:
    """A load, in the load's own transaction: which folders or bundles, what was read, how
    many managers; the retention purge runs with it."""
    install_append_only(con)
    purge(con, policy.audit_log_days)
    record(con, "load", {
        "folders": [str(Path(p).expanduser().resolve()) for p in paths],
        "files": {"seen": result.files, "loaded": result.loaded, "unchanged": result.skipped,
                  "invalid": len(result.invalid)},
        "managers": result.managers})


def record_report(engine: Engine, p: Period, fmt: str, policy: Policy, managers: int) -> None:
    """A report: a table on screen is a "report", CSV or JSON for other tools an "export"."""
    record_now(engine, "report" if fmt == "table" else "export", {
        "period": {"kind": p.kind, "start": p.start.isoformat(), "end": p.end.isoformat()},
        "format": fmt, "figures": list(policy.figures), "rep_detail": policy.rep_detail,
        "managers": managers})


def purge(con: Connection, days: int, now: datetime | None = None) -> int:
    """Remove the rows older than days (0: none); returns how many went."""
    if days <= 0:
        return 0
    cut = to_db((now or utcnow()) - timedelta(days=days))
    return con.execute(delete(schema.audit_log).where(schema.audit_log.c.at < cut)).rowcount


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


def entries(con: Connection, since: datetime | None = None) -> list[Entry]:
    a = schema.audit_log
    q = select(a.c.id, a.c.at, a.c.who, a.c.action, a.c.scope).order_by(a.c.at, a.c.id)
    if since is not None:
        q = q.where(a.c.at >= to_db(since))
    out = []
    for r in con.execute(q):
        try:
            scope = json.loads(r.scope)
        except ValueError:
            scope = {"text": r.scope}
        out.append(Entry(r.id, from_db(r.at), r.who, r.action, scope if isinstance(scope, dict) else
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
