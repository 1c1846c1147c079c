"""Opening the team database: where it is (--db, FIELDCOACH_TEAM_DB, else team.db in the
user data folder; a plain path means SQLite, postgresql://... or postgresql+psycopg://...
a PostgreSQL database through psycopg 3), creating or migrating its schema on first use,
and refusing one written by a newer fieldcoach. Errors a user can cause are UserError:
one line, never the password."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Integer, create_engine, event, insert, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.types import TypeEngine

from ..errors import UserError
from . import audit, schema
from .dbapi import failure

_SCHEMA_LOCK = 0x666965_6C64  # any fixed number: the advisory lock that orders schema changes


def _add_columns(con: Connection, table: str, cols: list[tuple[str, TypeEngine[Any]]]) -> None:
    q = con.dialect.identifier_preparer.quote
    for name, kind in cols:
        con.execute(text(f"ALTER TABLE {q(table)} ADD COLUMN {q(name)} {kind.compile(dialect=con.dialect)}"))


def _to_2(con: Connection) -> None:
    """The manager's budget and late threshold, the rep's words on a call, the audit log."""
    _add_columns(con, "manager", [("budget_minutes_week", Integer()), ("late_minutes", Integer())])
    _add_columns(con, "call", [(c, schema.TEXT) for c in schema.REP_VOICE
                               if c not in {col["name"] for col in inspect(con).get_columns("call")}])
    schema.audit_log.create(con)


def _to_3(con: Connection) -> None:
    """Covering indexes for the period reads: calls by start and ratings by call carry
    what the figures read (the ratings' index replaces the one on call_id alone)."""
    q = con.dialect.identifier_preparer.quote
    for table, old in (("call", "ix_call_started_at"), ("rating", "ix_rating_call_id")):
        con.execute(text(f"DROP INDEX IF EXISTS {q(old)}"))
        for index in schema.RECORDS[table].indexes:
            if index.name == schema.index_name(table, schema.COVERING[table]):
                index.create(con, checkfirst=True)


def _on_audit_log_created(_table: object, con: Connection, **_kw: object) -> None:
    audit.install_append_only(con)


# Whenever audit_log is created (create_all on a new database, or the version 2
# migration's audit_log.create), the append-only trigger comes with it.
event.listen(schema.audit_log, "after_create", _on_audit_log_created)

# version reached -> how to get there from the one before
MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _to_2, 3: _to_3}


def _sqlite_pragmas(dbapi_con: object, _record: object) -> None:
    cur = dbapi_con.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA secure_delete=ON")  # content a tombstone overwrites is zeroed, not freed
    cur.close()


def _engine_url(url: str) -> URL:
    """The parsed URL: SQLite, or PostgreSQL through psycopg 3 whatever driver it names."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UserError(f"not a database URL: {url}") from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    if backend != "sqlite":
        raise UserError(f"{parsed.render_as_string(hide_password=True)}: the team database is SQLite "
                        "(a file) or PostgreSQL (postgresql://...)")
    return parsed


def open_team_db(url: str, *, create: bool = True) -> Engine:
    """The engine of the team database at url, its schema created or migrated; without
    create, a database that does not hold one yet is refused (a report reads, it does not
    make an empty database)."""
    parsed = _engine_url(url)
    shown = parsed.render_as_string(hide_password=True)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database and not create and not Path(parsed.database).exists():
        raise UserError(f"no team database at {parsed.database}: run `fieldcoach team load STORE` first")
    if sqlite and parsed.database:
        folder = Path(parsed.database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    if sqlite:
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        # an unreachable host fails in seconds, not after the system's TCP timeout
        args = {} if "connect_timeout" in parsed.query else {"connect_timeout": 10}
        engine = create_engine(parsed, connect_args=args)
    try:
        with engine.begin() as con:
            _create_or_migrate(con, shown, create)
    except DBAPIError as exc:
        engine.dispose()
        raise UserError(f"cannot open the team database {shown}: {failure(exc)}") from exc
    except UserError:
        engine.dispose()
        raise
    return engine


def _create_or_migrate(con: Connection, shown: str, create: bool) -> None:
    if con.dialect.name == "postgresql":
        # two first loads at once: the second waits, then finds the schema made (SQLite's
        # write lock does the same there); released at the end of the transaction
        con.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
    if not inspect(con).has_table("schema_version"):
        names = inspect(con).get_table_names()
        if names:
            raise UserError(f"{shown} is not a fieldcoach team database (it has other tables)")
        if not create:
            raise UserError(f"no team database at {shown}: run `fieldcoach team load STORE` first")
        schema.metadata.create_all(con)
        con.execute(insert(schema.schema_version).values(version=schema.VERSION))
        return
    found = con.execute(select(schema.schema_version.c.version)).scalar_one_or_none() or 0
    if found > schema.VERSION:
        raise UserError(f"{shown} was written by a newer fieldcoach (team database version {found}; "
                        f"this one knows {schema.VERSION}); upgrade fieldcoach")
    for v in range(found + 1, schema.VERSION + 1):
        MIGRATIONS[v](con)
    if found < schema.VERSION:
        con.execute(schema.schema_version.update().values(version=schema.VERSION))
