"""SQLAlchemy engine over the connection db.connect() opens, so the ORM and the plain
sqlite3 paths share pragmas, migrations and BEGIN IMMEDIATE semantics. Created on first
use by Store.engine, never on launch (models.py says what each path is for)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.pool import NullPool

from . import db


def make_engine(path: Path | str) -> Engine:
    path = Path(path)
    db.connect(path).close()  # create / migrate / refuse once, up front
    engine = create_engine(
        "sqlite://",
        creator=lambda: db.connect(path, migrate=False),
        poolclass=NullPool,
    )

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "handle_error")
    def _friendly(ctx: ExceptionContext) -> None:
        # A full disk, a busy or read-only file: one clear StoreError, not a driver trace.
        friendly = db.friendly_error(ctx.original_exception)
        if friendly is not None:
            raise friendly from ctx.original_exception

    return engine
