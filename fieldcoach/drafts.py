"""Drafts: text typed but not yet saved, kept on disk as the user types.

One small JSON file per form ("key"), written atomically into a private folder beside
the database. A crash costs at most the debounce interval of typing. On the next start
the app offers each draft back once; a draft that cannot be read is set aside (renamed
*.bad) rather than offered again, so a bad draft can never make the app crash-loop.
Standard library only.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .clock import from_db, to_db, utcnow
from .db import ensure_private_dir

NAME_LIMIT = 200  # characters of an encoded key, well under the usual 255-byte file name limit


@dataclass(frozen=True)
class Draft:
    key: str                 # which form: e.g. "note:<call-id>", "precall:new", "answer:<call>:<q>"
    fields: dict[str, str]   # field name -> text
    saved_at: datetime       # aware, UTC

    @property
    def empty(self) -> bool:
        return not any(v.strip() for v in self.fields.values())


class Drafts:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _file(self, key: str) -> Path:
        # The key holds ids and may hold any text: base64 keeps it one plain name (no
        # separator, no dot-dot; base64 is loaded anyway, hashlib is not). A key too long
        # for a file name (most file systems stop at 255 bytes) is named by its hash.
        name = base64.urlsafe_b64encode(key.encode("utf-8", "surrogatepass")).decode().rstrip("=")
        if not name or len(name) > NAME_LIMIT:
            import hashlib

            name = "h-" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / (name + ".json")

    def save(self, key: str, fields: dict[str, str]) -> None:
        """Write (or, when every field is blank, remove) the draft for key."""
        if not any(v.strip() for v in fields.values()):
            self.discard(key)
            return
        ensure_private_dir(self.folder)
        data = json.dumps({"key": key, "fields": fields, "saved_at": to_db(utcnow())}, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self._file(key))
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    def discard(self, key: str) -> None:
        try:
            self._file(key).unlink()
        except FileNotFoundError:
            pass

    def get(self, key: str) -> Draft | None:
        return self._read(self._file(key))

    def _read(self, path: Path) -> Draft | None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            fields = {str(k): str(v) for k, v in dict(raw["fields"]).items()}
            saved_at = from_db(raw["saved_at"])
            if saved_at is None:
                raise ValueError("draft without a time")
            return Draft(str(raw["key"]), fields, saved_at)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            try:
                path.rename(path.with_suffix(".bad"))  # never offer it again
            except OSError:
                pass
            return None

    def all(self) -> list[Draft]:
        if not self.folder.is_dir():
            return []
        # .tmp-* files are writes in progress (or cut short by a crash): never drafts.
        paths = sorted(p for p in self.folder.glob("*.json") if not p.name.startswith(".tmp-"))
        found = [d for p in paths if (d := self._read(p)) and not d.empty]
        return sorted(found, key=lambda d: d.saved_at)
