"""The team database's reads and audit rows as the driver runs them: the statements of
statements.py, compiled ahead (compiled_sql.py), on a DB-API connection (sqlite3, or
psycopg's under SQLAlchemy). No SQLAlchemy import here: the Team view's figures and a
reload with nothing changed never pay for it on SQLite.

A TeamDb is either opened here on a SQLite file (open_sqlite: the schema must be this
fieldcoach's, else the caller opens it through db.open_team_db, which creates, migrates
or refuses it, and comes back), or wraps a connection SQLAlchemy holds (of_connection:
inside a load's transaction, or a PostgreSQL engine's raw connection)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import TeamDbError, UserError
from ..errors import TeamDbNotCurrent as NotCurrent
from .compiled_sql import SQL

SCHEMA_VERSION = 3  # schema.VERSION, which imports SQLAlchemy (a test keeps the two equal)


def failure(exc: Exception) -> str:
    """libpq's or SQLite's reason, one line, without its "connection to server at ..." preamble
    (the URL, without its password, is said once already). exc: a TeamDbError, or
    SQLAlchemy's DBAPIError."""
    orig = getattr(exc, "orig", None)
    first = (str(orig if orig is not None else exc).strip().splitlines() or [""])[0]
    if first.startswith(("connection failed: ", "connection to server")):
        first = first.rsplit(" failed: ", 1)[-1]
    if first == "database is locked":  # SQLite, after its busy timeout
        return "it is busy: another fieldcoach (a team load?) is writing to it; try again when it is done"
    return " ".join(first.removeprefix("FATAL:").split())


def database_error(exc: Exception) -> UserError:
    """A database error under a running command (locked, read-only, full disk, a server
    gone): one line."""
    return UserError(f"team database: {failure(exc)}")


class TeamDb:
    def __init__(self, dbapi: Any, engine: str, db_user: str | None = None, *, owned: bool = False) -> None:
        """dbapi: the driver's connection; engine: "sqlite" or "postgresql"; db_user: the
        database user on a server (the audit log names it); owned: close() closes it."""
        self.dbapi = dbapi
        self.engine = engine
        self.db_user = db_user
        self._sql = SQL[engine]
        self._owned = owned
        self._lock = threading.RLock()  # the Team view's workers take turns on one connection

    def _execute(self, name: str, params: dict[str, Any]) -> Any:
        sql, consts = self._sql[name]
        cur = self.dbapi.cursor()
        try:
            cur.execute(sql, {**consts, **params} if consts else params)
        except self.dbapi.Error as exc:  # DB-API: the connection names its driver's errors
            cur.close()
            raise TeamDbError(exc) from exc
        return cur

    def rows(self, name: str, **params: Any) -> list[tuple[Any, ...]]:
        """The rows of the statement name, as the driver's tuples."""
        with self._lock:
            cur = self._execute(name, params)
            try:
                return list(cur.fetchall())
            finally:
                cur.close()

    def scalar(self, name: str, **params: Any) -> Any:
        got = self.rows(name, **params)
        return got[0][0] if got else None

    def run(self, name: str, **params: Any) -> int:
        """Run a statement that writes; how many rows it touched."""
        with self._lock:
            cur = self._execute(name, params)
            try:
                return int(cur.rowcount)
            finally:
                cur.close()

    def script(self, *statements: str) -> None:
        """Statements without parameters (the audit log's trigger)."""
        with self._lock:
            cur = self.dbapi.cursor()
            try:
                for s in statements:
                    cur.execute(s)
            except self.dbapi.Error as exc:
                raise TeamDbError(exc) from exc
            finally:
                cur.close()

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[TeamDb]:
        """One transaction, only for a connection opened here or a server's raw
        connection (inside SQLAlchemy's transaction the caller's begin() does it): its reads
        see one state of the database, its writes commit together or not at all."""
        with self._lock:
            try:
                if self.engine == "sqlite":
                    self.dbapi.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except self.dbapi.Error as exc:
                raise TeamDbError(exc) from exc
            try:
                yield self
            except BaseException:
                self.dbapi.rollback()
                raise
            try:
                self.dbapi.commit()
            except self.dbapi.Error as exc:
                raise TeamDbError(exc) from exc

    def close(self) -> None:
        if self._owned:
            self.dbapi.close()


def open_sqlite(path: str | Path) -> TeamDb:
    """The SQLite team database at path, opened by sqlite3, when it holds this fieldcoach's
    schema; NotCurrent otherwise (no file, another file, an older or newer schema)."""
    if not Path(path).is_file():
        raise NotCurrent(str(path))
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        con.execute("PRAGMA busy_timeout=5000")
        con.execute("PRAGMA secure_delete=ON")  # as db.py's: content a tombstone overwrites is zeroed
        version = con.execute("SELECT version FROM schema_version").fetchone()
    except sqlite3.DatabaseError as exc:  # no such table, not a database, ...
        con.close()
        raise NotCurrent(str(exc)) from exc
    if version is None or version[0] != SCHEMA_VERSION:
        con.close()
        raise NotCurrent(f"version {version}")
    return TeamDb(con, "sqlite", owned=True)


def of_connection(con: Any) -> TeamDb:
    """A TeamDb on the driver's connection under a SQLAlchemy Connection (in its
    transaction), or the same TeamDb when given one."""
    if isinstance(con, TeamDb):
        return con
    return TeamDb(con.connection.dbapi_connection, con.dialect.name, con.engine.url.username)
