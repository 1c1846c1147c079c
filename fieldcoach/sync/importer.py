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
from ..errors import ImportRefused as ImportRefused  # raised here; importable from here as before
from . import SCHEMA_VERSION, store_io
from .export import COLUMNS, CURSOR_PREFIX, JSON_COLUMNS, LOCAL_ONLY, read_cursor, write_cursor
from .ids import UUID_PATTERN, shown

Row = dict[str, Any]  # one record as columns
STUB_STAMP = "1970-01-01T00:00:00.000000+00:00"
_SCHEMA_RE = re.compile(r"^fieldcoach/(\d+)$")
# Insert order respects the foreign keys (rep before goal, call before note...).
TABLE_ORDER = ("skill", "rep", "goal", "expectation", "call", "note", "debrief_answer", "rating",
               "next_step")
# A record's call is the document it sits in: import writes it back into the row.
# Likewise a rep's and a call's manager is the one the document names, and a note that
# came from the store has been shared (it is retracted if made private here).
_IMPLIED = ("manager_id", "call_id", "shared")
EXTRA_COLUMNS = {t: tuple(c for c in _IMPLIED if c in cols)
                 for t, cols in LOCAL_ONLY.items() if set(_IMPLIED) & set(cols)}


@dataclass
class ImportResult:
    files: int = 0
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    kept_local: int = 0
    deleted: int = 0          # tombstones applied (records that became deleted here)
    retracted: int = 0        # notes retracted by their author: text removed here
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

    from .models import DOCUMENT, UNION_TAGS

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        obj = json.loads(data)
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{path}: not valid JSON (not UTF-8 text)") from exc
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"{path}: not valid JSON (line {exc.lineno} column {exc.colno}: "
                            f"{exc.msg})") from exc
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
        loc = [x for x in loc if x not in UNION_TAGS]
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "timezone_aware":
            msg = "naive datetime: give a UTC offset, e.g. +00:00"
        elif err["type"] == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == UUID_PATTERN:
            msg = f"not a UUID (lowercase, hyphenated): {shown(err['input'])}"
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


Retractions = dict[str, tuple[str, str]]  # note id: (call id, when it was retracted)


def _flatten(docs: list[Any]) -> tuple[dict[str, dict[str, Row]], dict[str, str], dict[str, str],
                                       Retractions]:
    """Records per table by id (within the import: newer wins, a tie is settled by content),
    names of the reps the call documents mention, the managers named (id: name, the name
    empty unless a manifest gave it), the notes retracted."""
    from .models import Bundle, CallDocument, Manifest, RepsDocument, RetractedNote

    tables: dict[str, dict[str, Row]] = {t: {} for t in TABLE_ORDER}
    rep_names: dict[str, str] = {}
    managers: dict[str, str] = {}
    retractions: Retractions = {}

    def retract(rec: RetractedNote, call_id: str) -> None:
        stamp = to_db(rec.deleted_at)
        if rec.id not in retractions or stamp > retractions[rec.id][1]:
            retractions[rec.id] = (call_id, stamp)

    def put(table: str, row: Row) -> None:
        cur = tables[table].get(row["id"])
        if cur is None or _rank(row) > _rank(cur):
            tables[table][row["id"]] = row

    def call_doc(d: CallDocument) -> None:
        managers.setdefault(d.manager_id, "")
        rep_names.setdefault(d.rep.id, d.rep.name)
        put("call", _row("call", d.call, {"manager_id": d.manager_id}))
        extra = {"call_id": d.call.id}
        for rec in d.notes:
            if isinstance(rec, RetractedNote):
                retract(rec, d.call.id)
            else:
                put("note", _row("note", rec, {**extra, "shared": 1}))
        for key, table in (("debrief_answers", "debrief_answer"), ("ratings", "rating"),
                           ("next_steps", "next_step")):
            for rec in getattr(d, key):
                put(table, _row(table, rec, extra))

    def reps_doc(d: RepsDocument) -> None:
        managers.setdefault(d.manager_id, "")
        for key, table in (("reps", "rep"), ("goals", "goal"), ("expectations", "expectation"),
                           ("skills", "skill")):
            for rec in getattr(d, key):
                put(table, _row(table, rec, {"manager_id": d.manager_id} if table == "rep" else {}))
        for rec in d.next_steps:
            put("next_step", _row("next_step", rec, {"call_id": None}))

    for d in docs:
        if isinstance(d, Bundle):
            managers[d.manifest.manager_id] = managers.get(d.manifest.manager_id) or d.manifest.manager_name
            reps_doc(d.reps)
            for c in d.calls:
                call_doc(c)
        elif isinstance(d, CallDocument):
            call_doc(d)
        elif isinstance(d, RepsDocument):
            reps_doc(d)
        elif isinstance(d, Manifest):
            managers[d.manager_id] = managers.get(d.manager_id) or d.manager_name
    return tables, rep_names, managers, retractions


def _rank(row: Row) -> tuple[str, str]:
    return row["updated_at"], json.dumps(row, sort_keys=True, ensure_ascii=False)


def _upsert_sql(table: str) -> tuple[str, tuple[str, ...]]:
    cols = COLUMNS[table] + EXTRA_COLUMNS.get(table, ())
    sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    where = f"excluded.updated_at > {table}.updated_at"
    if table == "note":  # copies in the store are never private (a retracted one comes back)
        sets += ", private = 0"
        where += f" AND NOT ({table}.private AND {table}.deleted_at IS NULL)"
    sql = (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
           f"ON CONFLICT(id) DO UPDATE SET {sets} WHERE {where}")
    return sql, cols


# A note private here (the author's own) is never overwritten by a copy from the store,
# however new: it ranks above any stamp. A retracted copy (private, deleted) may come back.
_LOCAL_STAMP = {"note": "CASE WHEN private AND deleted_at IS NULL THEN '9' ELSE updated_at END"}


def merge(con: sqlite3.Connection, docs: list[Any], *, now: datetime | None = None) -> ImportResult:
    tables, rep_names, managers, retractions = _flatten(docs)
    result = ImportResult(files=len(docs))
    applied_min: str | None = None
    with transaction(con):
        owner = check_owner(con, managers)
        if owner is None:
            return result
        mid, adopt = owner
        if adopt:
            # A new laptop of the same manager: take over the identity that names the folder.
            _adopt(con, mid, managers[mid], to_db(now or utcnow()), tables["skill"])
            result.adopted_manager = mid
        for table in TABLE_ORDER:
            rows = tables[table]
            if table == "goal":  # the reps are in: now make sure every referenced rep exists
                _stub_reps(con, tables, rep_names, mid)
            if not rows:
                continue
            ids = json.dumps(list(rows))
            local = dict(con.execute(
                f"SELECT id, {_LOCAL_STAMP.get(table, 'updated_at')} FROM {table} "
                "WHERE id IN (SELECT value FROM json_each(?))", (ids,)))
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
        result.retracted = apply_retractions(con, retractions)
        if result.retracted:
            applied_min = min(applied_min or "9", *(stamp for _, stamp in retractions.values()))
        if applied_min is not None:
            _rewind_export_cursors(con, applied_min)
    return result


def apply_retractions(con: sqlite3.Connection, retractions: Retractions) -> int:
    """Remove the text of notes their author made private after sharing them (PRODUCT.md
    section 5): wherever such a note arrived, it becomes an empty, deleted, private note, so
    a re-export from here carries the same id-only retraction. A note that is private here
    is the author's own and keeps its text. A retraction for a note never seen here leaves
    the same empty note, so every copy of the call reads alike. Retraction wins over any
    copy of the note, whatever its stamp: it is the author taking the words back.
    Returns the number of notes whose text was removed here."""
    if not retractions:
        return 0
    rows = [(nid, cid, stamp) for nid, (cid, stamp) in sorted(retractions.items())]
    con.executemany(
        "INSERT INTO note (id, call_id, created_at, updated_at, deleted_at, taken_at, text, private, shared) "
        "VALUES (?1, ?2, ?3, ?3, ?3, ?3, '', 1, 1) ON CONFLICT(id) DO NOTHING", rows)
    # Removed, not hidden: secure_delete zeroes the old text in the page (without it the
    # words stay in the file's free space until the page is reused).
    secure = con.execute("PRAGMA secure_delete").fetchone()[0]
    con.execute("PRAGMA secure_delete = 1")
    try:
        cur = con.executemany(
            "UPDATE note SET text = '', private = 1, shared = 1, deleted_at = ?2, "
            "updated_at = max(updated_at, ?2) WHERE id = ?1 AND private = 0",
            [(nid, stamp) for nid, _, stamp in rows])
    finally:
        con.execute(f"PRAGMA secure_delete = {int(secure)}")
    return cur.rowcount


def _named(manager_id: str, name: str) -> str:
    return f"{name} ({manager_id})" if name else f"manager {manager_id}"


def check_owner(con: sqlite3.Connection, managers: dict[str, str]) -> tuple[str, bool] | None:
    """Whose documents these are, and whether they may come in (PRODUCT.md section 5,
    "Ownership"): (manager id, adopt it) or None when there is nothing to take.

    A manager's database holds that manager's records only: documents of this database's
    own manager come in (a second laptop, a restore), and a database nobody has worked in
    yet adopts the one manager it imports. Anything else (a teammate's folder, a store of
    several managers) is refused with ImportRefused, before a row is written: a team's
    documents are read in the team database, never mixed into one manager's figures and
    exports."""
    if not managers:
        return None
    if len(managers) > 1:
        names = ", ".join(_named(m, n) for m, n in sorted(managers.items(), key=lambda kv: (kv[1], kv[0])))
        raise ImportRefused(f"these documents belong to {len(managers)} managers ({names}); a manager's "
                            "database holds one manager's records: read a team store with `fieldcoach team`")
    (mid, name), = managers.items()
    local = con.execute("SELECT id, name FROM manager WHERE deleted_at IS NULL "
                        "ORDER BY created_at, id LIMIT 1").fetchone()
    if local is not None and local[0] == mid:
        return mid, False
    # No manager row: no rep or call either (schema_sql.V4), so nobody to refuse on behalf of.
    if local is None or _unclaimed(con, mid):
        return mid, True
    raise ImportRefused(f"these are the documents of {_named(mid, name)}, another manager; this "
                        f"database holds the records of {_named(local[0], local[1])} only: read a "
                        "teammate's documents with `fieldcoach team`")


def _unclaimed(con: sqlite3.Connection, manager_id: str) -> bool:
    """Nobody has worked in this database yet: no reps or calls (goals, steps, answers,
    ratings and call notes need one of those; notes in the inbox are this laptop's user's
    and stay theirs), skills and script as seeded, and at most one unnamed manager that is
    not manager_id already."""
    mgrs = con.execute("SELECT id, name, deleted_at FROM manager").fetchall()
    if len(mgrs) > 1 or (mgrs and (mgrs[0][1] or mgrs[0][2] or mgrs[0][0] == manager_id)):
        return False
    if con.execute("SELECT EXISTS (SELECT 1 FROM rep) OR EXISTS (SELECT 1 FROM call)").fetchone()[0]:
        return False
    for table, seeded in (("skill", SEEDED_SKILLS), ("script_question", SEEDED_SCRIPT)):
        ids = json.dumps([row[0] for row in seeded])
        if con.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE updated_at != ? "
                       "OR id NOT IN (SELECT value FROM json_each(?)))", (SEED_STAMP, ids)).fetchone()[0]:
            return False
    return True


def _adopt(con: sqlite3.Connection, manager_id: str, name: str, stamp: str,
           skills: dict[str, Row]) -> None:
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


def _stub_reps(con: sqlite3.Connection, tables: dict[str, dict[str, Row]],
               names: dict[str, str], manager_id: str | None) -> None:
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
    con.executemany("INSERT OR IGNORE INTO rep (id, created_at, updated_at, name, manager_id) "
                    "VALUES (?,?,?,?,?)",
                    [(rid, STUB_STAMP, STUB_STAMP, names.get(rid, ""), manager_id)
                     for rid in sorted(missing)])


def _rewind_export_cursors(con: sqlite3.Connection, oldest: str) -> None:
    """Imported records may be older than an export cursor: make the next export look again."""
    keys = con.execute("SELECT key FROM sync_state WHERE key LIKE ?", (CURSOR_PREFIX + "%",)).fetchall()
    for (key,) in keys:
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
