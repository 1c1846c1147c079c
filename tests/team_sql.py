"""Plain SQL on a team database by URL, the same on SQLite and PostgreSQL: what the tests
read and change behind fieldcoach's back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text

from fieldcoach.team.location import resolve_url


def query(db: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(resolve_url(db))
    try:
        with engine.connect() as con:
            return [tuple(r) for r in con.execute(text(sql), params)]
    finally:
        engine.dispose()


def execute(db: str, *statements: str, **params: Any) -> None:
    """Each statement in one transaction; raises what the database raises."""
    engine = create_engine(resolve_url(db))
    try:
        with engine.begin() as con:
            for sql in statements:
                con.execute(text(sql), params)
    finally:
        engine.dispose()


def dialect(db: str) -> str:
    return "postgresql" if resolve_url(db).startswith("postgresql") else "sqlite"
