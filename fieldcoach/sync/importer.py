"""Import: bundles and store folders merged into the database by id.

Everything is read and validated (pydantic models, strict: unknown fields, naive
datetimes, wrong types and newer schema versions are refused) before anything is
written; the writes then go in one transaction of plain SQL upserts. Per record the
newer updated_at wins and a tie keeps the local record. Within one import, two files
holding the same record at the same updated_at are settled by content, so the order of
the paths never changes the result, and importing twice equals importing once. A file
missing from a store folder is never read as a deletion: deletions travel only as
tombstones (deleted_at set).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..clock import to_db, utcnow
from ..db import is_open_database_file, transaction
from ..defaults import SEED_STAMP, SEEDED_SCRIPT, SEEDED_SKILLS
from . import SCHEMA_VERSION, store_io
from .export import COLUMNS, CURSOR_PREFIX, JSON_COLUMNS, read_cursor, write_cursor

STUB_STAMP = "1970-01-01T00:00:00.000000+00:00"
_SCHEMA_RE = re.compile(r"^fieldcoach/(\d+)$")
# Insert order respects the foreign keys (rep before goal, call before note...).
TABLE_ORDER = ("skill", "rep", "goal", "expectation", "call", "note", "debrief_answer", "rating",
               "next_step")
EXTRA_COLUMNS = {"note": ("call_id",), "debrief_answer": ("call_id",), "rating": ("call_id",),
                 "next_step": ("call_id",)}


class ImportRefused(Exception):
    """One line naming the file and the field; nothing was written."""


@dataclass
class ImportResult:
    files: int = 0
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    kept_local: int = 0
    deleted: int = 0          # tombstones applied (records that became deleted here)
    adopted_manager: str | None = None

    @property
    def changed(self) -> int:
        return sum(self.inserted.values()) + sum(self.updated.values())


# --- reading --------------------------------------------------------------------------------

def _store_files(folder: Path) -> list[Path]:
    """The documents of a store folder (the whole store, or one manager's folder)."""
    out = []
    for p in folder.rglob("*.json"):
        if store_io.is_temp(p.name) or p.name.startswith("."):
            continue
        if p.name in ("manifest.json", "reps.json") or p.parent.name == "calls":
            out.append(p)
    return sorted(out)


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            files += _store_files(p)
        elif p.is_file():
            files.append(p)
        else:
            raise ImportRefused(f"{p}: no such file or folder")
    seen: dict[Path, None] = {}
    for f in files:
        if is_open_database_file(f):
            # Reading it would close a descriptor of our own database and drop our locks.
            raise ImportRefused(f"{f}: that is the fieldcoach database itself; import takes "
                                "bundles and store folders")
        seen.setdefault(f.resolve(), None)
    return list(seen)


def _loc(loc: Sequence[Any]) -> str:
    return ".".join(str(x) for x in loc) or "(document)"


def _check_versions(path: Path, obj: Any) -> None:
    docs = [obj]
    if isinstance(obj, dict) and obj.get("type") == "bundle":
        docs += [obj.get("manifest"), obj.get("reps")]
        calls = obj.get("calls")
        if isinstance(calls, list):
            docs += calls
    for d in docs:
        if not isinstance(d, dict):
            continue
        m = _SCHEMA_RE.match(str(d.get("schema", "")))
        if m and int(m.group(1)) > SCHEMA_VERSION:
            raise ImportRefused(
                f"{path}: written by a newer fieldcoach (schema {d['schema']}; this one reads "
                f"fieldcoach/{SCHEMA_VERSION}); upgrade fieldcoach to import it")


def load_document(path: Path) -> Any:
    """Parse and validate one file; raises ImportRefused with the file and the field."""
    from pydantic import ValidationError

    from .models import DOCUMENT

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        obj = json.loads(data)
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{path}: not valid JSON (not UTF-8 text)") from exc
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"{path}: not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})") from exc
    if not isinstance(obj, dict):
        raise ImportRefused(f"{path}: not a fieldcoach document (expected a JSON object)")
    _check_versions(path, obj)
    if "schema" not in obj:
        raise ImportRefused(f"{path}: not a fieldcoach document (no \"schema\" field)")
    try:
        return DOCUMENT.validate_json(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        if loc and loc[0] == obj.get("type"):
            loc = loc[1:]  # the discriminator tag pydantic puts first
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "timezone_aware":
            msg = "naive datetime: give a UTC offset, e.g. +00:00"
        raise ImportRefused(f"{path}: field {_loc(loc)}: {msg}") from exc


# --- merging --------------------------------------------------------------------------------

def _row(table: str, rec: Any, extra: dict[str, Any]) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for c in COLUMNS[table]:
        v = getattr(rec, c)
        if isinstance(v, datetime):
            v = to_db(v)
        elif c in JSON_COLUMNS.get(table, ()):
            items = [x.model_dump(exclude_unset=True) if hasattr(x, "model_dump") else x for x in v]
            v = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
        d[c] = v
    d.update(extra)
    return d


def _flatten(docs: list[Any]) -> tuple[dict[str, dict[str, dict]], dict[str, str], set[str], str]:
    """Records per table by id (within the import: newer wins, a tie is settled by content),
    names of the reps the call documents mention, manager ids, a manager name."""
    from .models import Bundle, CallDocument, Manifest, RepsDocument

    tables: dict[str, dict[str, dict]] = {t: {} for t in TABLE_ORDER}
    rep_names: dict[str, str] = {}
    managers: set[str] = set()
    manager_name = ""

    def put(table: str, row: dict) -> None:
        cur = tables[table].get(row["id"])
        if cur is None or _rank(row) > _rank(cur):
            tables[table][row["id"]] = row

    def call_doc(d: CallDocument) -> None:
        managers.add(d.manager_id)
        rep_names.setdefault(d.rep.id, d.rep.name)
        put("call", _row("call", d.call, {}))
        extra = {"call_id": d.call.id}
        for key, table in (("notes", "note"), ("debrief_answers", "debrief_answer"),
                           ("ratings", "rating"), ("next_steps", "next_step")):
            for rec in getattr(d, key):
                put(table, _row(table, rec, extra))

    def reps_doc(d: RepsDocument) -> None:
        managers.add(d.manager_id)
        for key, table in (("reps", "rep"), ("goals", "goal"), ("expectations", "expectation"),
                           ("skills", "skill")):
            for rec in getattr(d, key):
                put(table, _row(table, rec, {}))
        for rec in d.next_steps:
            put("next_step", _row("next_step", rec, {"call_id": None}))

    for d in docs:
        if isinstance(d, Bundle):
            managers.add(d.manifest.manager_id)
            manager_name = manager_name or d.manifest.manager_name
            reps_doc(d.reps)
            for c in d.calls:
                call_doc(c)
        elif isinstance(d, CallDocument):
            call_doc(d)
        elif isinstance(d, RepsDocument):
            reps_doc(d)
        elif isinstance(d, Manifest):
            managers.add(d.manager_id)
            manager_name = manager_name or d.manager_name
    return tables, rep_names, managers, manager_name


def _rank(row: dict) -> tuple[str, str]:
    return row["updated_at"], json.dumps(row, sort_keys=True, ensure_ascii=False)


def _upsert_sql(table: str) -> tuple[str, tuple[str, ...]]:
    cols = COLUMNS[table] + EXTRA_COLUMNS.get(table, ())
    sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    sql = (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
           f"ON CONFLICT(id) DO UPDATE SET {sets} WHERE excluded.updated_at > {table}.updated_at")
    return sql, cols


def merge(con: sqlite3.Connection, docs: list[Any], *, now: datetime | None = None) -> ImportResult:
    tables, rep_names, managers, manager_name = _flatten(docs)
    result = ImportResult(files=len(docs))
    applied_min: str | None = None
    with transaction(con):
        if len(managers) == 1 and _unclaimed(con, next(iter(managers))):
            # A new laptop of the same manager: take over the identity that names the folder.
            mid = next(iter(managers))
            _adopt(con, mid, manager_name, to_db(now or utcnow()), tables["skill"])
            result.adopted_manager = mid
        for table in TABLE_ORDER:
            rows = tables[table]
            if table == "goal":  # the reps are in: now make sure every referenced rep exists
                _stub_reps(con, tables, rep_names)
            if not rows:
                continue
            ids = json.dumps(list(rows))
            local = dict(con.execute(
                f"SELECT id, updated_at FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (ids,)))
            sql, cols = _upsert_sql(table)
            todo = []
            ins = upd = 0
            for rid, row in rows.items():
                old = local.get(rid)
                if old is not None and not row["updated_at"] > old:
                    result.kept_local += 1
                    continue
                if old is None:
                    ins += 1
                else:
                    upd += 1
                if row["deleted_at"] is not None:
                    result.deleted += 1
                if applied_min is None or row["updated_at"] < applied_min:
                    applied_min = row["updated_at"]
                todo.append(tuple(row[c] for c in cols))
            con.executemany(sql, todo)
            if ins:
                result.inserted[table] = ins
            if upd:
                result.updated[table] = upd
        if applied_min is not None:
            _rewind_export_cursors(con, applied_min)
    return result


def _unclaimed(con: sqlite3.Connection, manager_id: str) -> bool:
    """Nobody has worked in this database yet: no reps, calls or notes (goals, steps,
    answers and ratings need one of those), skills and script as seeded, and at most one
    unnamed manager that is not manager_id already."""
    mgrs = con.execute("SELECT id, name, deleted_at FROM manager").fetchall()
    if len(mgrs) > 1 or (mgrs and (mgrs[0][1] or mgrs[0][2] or mgrs[0][0] == manager_id)):
        return False
    if con.execute("SELECT EXISTS (SELECT 1 FROM rep) OR EXISTS (SELECT 1 FROM call) "
                   "OR EXISTS (SELECT 1 FROM note)").fetchone()[0]:
        return False
    for table, seeded in (("skill", SEEDED_SKILLS), ("script_question", SEEDED_SCRIPT)):
        ids = json.dumps([row[0] for row in seeded])
        if con.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE updated_at != ? "
                       "OR id NOT IN (SELECT value FROM json_each(?)))", (SEED_STAMP, ids)).fetchone()[0]:
            return False
    return True


def _adopt(con: sqlite3.Connection, manager_id: str, name: str, stamp: str,
           skills: dict[str, dict]) -> None:
    """Become manager_id. A store written before defaults had stable ids brings its own
    catalogue: it replaces the seeded one (untouched, never exported under this identity)
    instead of sitting beside it as a second copy of every skill."""
    local = con.execute("SELECT id FROM manager").fetchone()
    if local is None:
        con.execute("INSERT INTO manager (id, created_at, updated_at, name) VALUES (?,?,?,?)",
                    (manager_id, stamp, stamp, name))
    else:
        con.execute("UPDATE manager SET id = ?, name = ?, updated_at = ? WHERE id = ?",
                    (manager_id, name, stamp, local[0]))
    # Export cursors tell what went to the old identity's folder, not to this one.
    con.execute("DELETE FROM sync_state WHERE key LIKE ?", (CURSOR_PREFIX + "%",))
    seeded = {row[0] for row in SEEDED_SKILLS}
    live = [rid for rid, row in skills.items() if row["deleted_at"] is None]
    if live and seeded.isdisjoint(live):
        con.execute("DELETE FROM skill WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(sorted(seeded)),))


def _stub_reps(con: sqlite3.Connection, tables: dict[str, dict[str, dict]], names: dict[str, str]) -> None:
    """A call (or goal, step) may name a rep that neither side holds yet (a single call file was
    imported): keep the reference valid with a stub that any real copy of the rep outranks."""
    wanted: set[str] = set()
    for t in ("call", "goal", "expectation", "next_step"):
        wanted.update(r["rep_id"] for r in tables[t].values())
    if not wanted:
        return
    present = {r[0] for r in con.execute(
        "SELECT id FROM rep WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(wanted)),))}
    missing = wanted - present
    con.executemany("INSERT OR IGNORE INTO rep (id, created_at, updated_at, name) VALUES (?,?,?,?)",
                    [(rid, STUB_STAMP, STUB_STAMP, names.get(rid, "")) for rid in sorted(missing)])


def _rewind_export_cursors(con: sqlite3.Connection, oldest: str) -> None:
    """Imported records may be older than an export cursor: make the next export look again."""
    for (key,) in con.execute("SELECT key FROM sync_state WHERE key LIKE ?", (CURSOR_PREFIX + "%",)).fetchall():
        cur = read_cursor(con, key)
        calls = cur.get("calls")
        if isinstance(calls, list) and len(calls) == 2 and calls[0] >= oldest:
            cur["calls"] = [oldest, ""]
        cur.pop("reps", None)
        cur.pop("manifest", None)
        write_cursor(con, key, cur)


def import_paths(con: sqlite3.Connection, paths: Iterable[str | Path]) -> ImportResult:
    """Validate every file first; write nothing unless all of them are valid."""
    files = collect_files(paths)
    docs = [load_document(f) for f in files]
    return merge(con, docs)
