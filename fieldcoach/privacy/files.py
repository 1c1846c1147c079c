"""The files beside the database that hold what was typed about a call or a rep: drafts
(text typed but not saved, drafts.py) and saved recaps (recap.py). Removing a rep or a
call removes them too."""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

from ..paths import drafts_dir, recaps_dir


def _mentions(path: Path, needles: Collection[bytes]) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return any(n in data for n in needles)


def remove_files(db_path: Path, call_ids: Collection[str], rep_ids: Collection[str] = (),
                 names: Collection[str] = ()) -> int:
    """Remove the drafts that name one of these calls or reps (their key or their text:
    e.g. "note:<call>", "goal:<rep>", a pre-call form with the rep chosen, a quick note
    that mentions the rep by name; unreadable drafts set aside as .bad too) and the
    recaps saved for the calls. Returns how many files went."""
    removed = 0
    needles = [i.encode() for i in (*call_ids, *rep_ids) if i]
    # a name as stored, and as JSON writes it (drafts are JSON, non-ASCII kept as is)
    needles += [n.encode() for name in names if len(name.strip()) >= 3
                for n in {name, json.dumps(name, ensure_ascii=False)[1:-1]}]
    folder = drafts_dir(db_path)
    if needles and folder.is_dir():
        for p in sorted(folder.iterdir()):
            if p.suffix in (".json", ".bad") and p.is_file() and _mentions(p, needles):
                p.unlink(missing_ok=True)
                removed += 1
    from ..recap import saved_recaps  # imports queries: only when files are removed

    for p in saved_recaps(recaps_dir(db_path), call_ids):
        p.unlink(missing_ok=True)
        removed += 1
    return removed
