"""Where the team database is: --db, else FIELDCOACH_TEAM_DB, else team.db in the user
data folder. A plain path means SQLite; postgresql://... a server. Read before anything
imports SQLAlchemy (the Team view and a reload open a SQLite file without it)."""

from __future__ import annotations

import os
from pathlib import Path

from ..paths import APP_NAME

ENV_TEAM_DB = "FIELDCOACH_TEAM_DB"
_SQLITE = "sqlite:///"


def default_url() -> str:
    from platformdirs import user_data_path

    return f"{_SQLITE}{user_data_path(APP_NAME, appauthor=False) / 'team.db'}"


def resolve_url(cli_value: str | None = None) -> str:
    """--db wins over FIELDCOACH_TEAM_DB, which wins over team.db in the user data folder."""
    value = cli_value or os.environ.get(ENV_TEAM_DB) or ""
    if not value:
        return default_url()
    if "://" in value:
        return value
    return f"{_SQLITE}{Path(value).expanduser()}"


def sqlite_file(url: str) -> str | None:
    """The file of a plain sqlite:///FILE URL; None for anything else (a server, a URL
    with options, an in-memory database), which SQLAlchemy reads."""
    if not url.startswith(_SQLITE) or "?" in url:
        return None
    return url[len(_SQLITE):] or None
