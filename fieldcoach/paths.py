"""Where the database lives: platformdirs by default, FIELDCOACH_DB or --db to override."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "fieldcoach"
ENV_DB = "FIELDCOACH_DB"


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "fieldcoach.db"


def resolve_db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """--db wins over FIELDCOACH_DB, which wins over the platform default."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def drafts_dir(db_path: Path) -> Path:
    """Drafts sit beside the database they belong to, private like it."""
    return db_path.parent / f".{db_path.name}.drafts"


def recaps_dir(db_path: Path) -> Path:
    """Saved recaps (Markdown files to send to the rep) sit beside the database too."""
    return db_path.parent / "recaps"
