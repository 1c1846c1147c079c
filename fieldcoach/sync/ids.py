"""Ids that become store paths: what counts as one, and the check that a path built from
data stays inside its folder.

A call id names its file (`calls/<id>.json`) and a manager id names a whole folder, and
both arrive from other laptops' files. An id of `../../../x` once made an export write
three folders above the store, so ids are the app's own form (uuid4 text: lowercase hex,
hyphenated) and nothing else; the import schema says so (models.py) and the export checks
again before it builds a path, because a database may already hold such an id.
Standard library only: the export stays plain sqlite3 + json.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import UnsafePath as UnsafePath  # raised here; importable from here as before

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_UUID = re.compile(UUID_PATTERN)
_SEPARATORS = tuple(s for s in ("/", "\\", os.sep, os.altsep, "\0") if s)


def is_uuid(value: object) -> bool:
    # fullmatch: "$" alone would let a trailing newline through
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def shown(value: object, limit: int = 40) -> str:
    """An id as it may be printed: repr escapes control characters; long ones are cut."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def inside(folder: Path, name: str) -> Path:
    """folder/name, refusing a name that is not one plain component of folder."""
    if not name or name in (".", "..") or any(s in name for s in _SEPARATORS):
        raise UnsafePath(f"{shown(name)} is not a plain file name")
    path = folder / name
    if os.path.dirname(os.path.normpath(path)) != os.path.normpath(folder):
        raise UnsafePath(f"{shown(name)} would leave {folder}")
    return path
