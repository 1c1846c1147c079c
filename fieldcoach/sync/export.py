"""Export: the database as team store documents (plain sqlite3 + json, no ORM, no pydantic).

Store layout, one folder per manager so several managers share a store:

    DIR/<manager-id>/manifest.json
    DIR/<manager-id>/reps.json
    DIR/<manager-id>/calls/<call-id>.json

Bytes are deterministic: sorted keys, two-space indent, UTF-8, a trailing newline, lists
in an order taken from the data, every timestamp from the records themselves. So an
export with nothing changed writes nothing, and import-then-export gives the same files.

Incremental: a cursor per store folder in sync_state remembers the (change stamp, call
id) of the last call document made durable, plus a fingerprint of the roster and of the
manifest. "Changed" for a call is the latest updated_at over the call, its notes
(private ones too: making a note private must remove it from the store), debrief
answers, ratings, next steps and its rep. The cursor advances batch by batch, only after
the batch's files are fsynced in place, so a killed export resumes where it stopped.

The cursor says what was written, not what is still there: every export also lists the
manager's folder and writes again any document it wrote before that has gone (a shared
folder emptied by its sync client or a colleague). Ids name files and folders, so only
UUIDs do (ids.py); a document with any other id is refused, never written.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..clock import from_db, to_db
from ..errors import ExportRefused as ExportRefused  # raised here; importable from here as before
from ..errors import UnsafePath
from . import SCHEMA_ID, store_io
from .ids import inside, is_uuid, shown

# What the documents hold, per table. Literal, not derived from models.py, which would
# put the ORM import (~1 s) on the export path; tests/test_schema_sources.py checks
# that COLUMNS and LOCAL_ONLY together are exactly the columns of each table.
REC = ("id", "created_at", "updated_at", "deleted_at")
COLUMNS: dict[str, tuple[str, ...]] = {
    "skill": REC + ("name", "description", "position"),
    "rep": REC + ("name", "role", "territory"),
    "goal": REC + ("rep_id", "statement", "skill_ids", "status"),
    "expectation": REC + ("rep_id", "text", "position"),
    "call": REC + ("rep_id", "account", "contact", "kind", "status", "scheduled_at", "started_at",
                   "ended_at", "feedback_started_at", "feedback_ended_at", "objective", "advance_min",
                   "advance_stretch", "prep_answers", "skill_ids", "rep_acknowledged_at", "rep_comment"),
    "note": REC + ("taken_at", "offset_seconds", "text", "kind", "skill_id"),
    "debrief_answer": REC + ("question_id", "question", "answer", "by", "position"),
    "rating": REC + ("skill_id", "by", "score"),
    "next_step": REC + ("rep_id", "owner", "action", "due_at", "done_at"),
}
# Columns that never leave the laptop as fields of a record.
LOCAL_ONLY: dict[str, tuple[str, ...]] = {
    # the manager is the store folder a document sits in (import sets it again)
    "rep": ("manager_id",),
    "call": ("manager_id",),
    # the call a record belongs to is the document it sits in (import sets it again)
    # private notes are not exported (one that was shared leaves as an id-only retraction)
    "note": ("call_id", "private", "shared"),
    "debrief_answer": ("call_id",),
    "rating": ("call_id",),
    "next_step": ("call_id",),  # a step agreed outside a call sits in reps.json
}
# Tables that are not exported: the manager row is the folder and the manifest, the
# feedback script is not part of the store contract, sync_state holds export cursors,
# ingest_file what import has read, privacy_receipt what purges and forgetting removed.
LOCAL_TABLES = ("manager", "script_question", "sync_state", "ingest_file", "privacy_receipt")
JSON_COLUMNS = {"goal": ("skill_ids",), "call": ("prep_answers", "skill_ids")}
# Stable list order inside documents (SQL text order is code point order, as in Python).
ORDER = {
    "skill": "position, id", "rep": "name, id", "goal": "rep_id, created_at, id",
    "expectation": "rep_id, position, id", "note": "taken_at, id", "debrief_answer": "position, by, id",
    "rating": "skill_id, by, id", "next_step": "created_at, id",
}
# A private note is left out, unless it had been shared: then it leaves as a retraction.
SHARED_NOTES = "AND (private = 0 OR shared = 1)"
CHILDREN = (("notes", "note", SHARED_NOTES), ("debrief_answers", "debrief_answer", ""),
            ("ratings", "rating", ""), ("next_steps", "next_step", ""))
BATCH = 1000
CURSOR_PREFIX = "export:"
STAMP_LEN = len("2026-01-01T00:00:00.000000+00:00")

Doc = dict[str, Any]  # a JSON object: a document, a record, a cursor
Row = tuple[Any, ...]  # a database row in COLUMNS order


def dumps(doc: Doc) -> bytes:
    return (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _stamp_fixer(cols: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(i for i, c in enumerate(cols) if c.endswith("_at"))


def _norm(v: str) -> str:
    return to_db(from_db(v))


def irregular_stamps(con: sqlite3.Connection) -> frozenset[str]:
    """Tables holding a stamp not in the stored fixed-width UTC form (e.g. an old row
    without its offset): only their rows pay for a per-value check."""
    out = set()
    for table, cols in COLUMNS.items():
        cond = " OR ".join(f"({c} IS NOT NULL AND length({c}) != {STAMP_LEN})"
                           for c in cols if c.endswith("_at"))
        if con.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {cond})").fetchone()[0]:
            out.add(table)
    return frozenset(out)


def _records(rows: list[Row], table: str, check: bool = True) -> list[Doc]:
    """Rows as plain dicts; stamps normalised to aware UTC text, JSON columns decoded."""
    cols = COLUMNS[table]
    stamps = _stamp_fixer(cols) if check else ()
    jcols = JSON_COLUMNS.get(table, ())
    out = []
    for r in rows:
        if stamps and any(r[i] is not None and len(r[i]) != STAMP_LEN for i in stamps):
            r = tuple(_norm(v) if i in stamps and v is not None else v for i, v in enumerate(r))
        d = dict(zip(cols, r, strict=True))
        for c in jcols:
            d[c] = json.loads(d[c] or "[]")
        out.append(d)
    return out


def _sel(table: str, alias: str = "") -> str:
    p = f"{alias}." if alias else ""
    return ", ".join(p + c for c in COLUMNS[table])


# --- documents ----------------------------------------------------------------------------

def call_documents(con: sqlite3.Connection, manager_id: str, ids: list[str],
                   irregular: frozenset[str] | None = None) -> Iterator[Doc]:
    """The call documents of ids, in the order given (a few set-based queries per batch)."""
    if irregular is None:
        irregular = irregular_stamps(con)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        marks = ",".join("?" * len(chunk))
        calls = {}
        rep_names = {}
        for r in con.execute(f"SELECT {_sel('call', 'c')}, r.name FROM call c "
                             f"LEFT JOIN rep r ON r.id = c.rep_id WHERE c.id IN ({marks})", chunk):
            r = tuple(r)
            calls[r[0]] = r[:-1]
            rep_names[r[0]] = r[-1]
        kids: dict[str, dict[str, list[Doc]]] = {cid: {k: [] for k, _, _ in CHILDREN} for cid in calls}
        retracted: dict[str, list[tuple[str, str]]] = {}  # call id: [(note id, updated_at)]
        for key, table, extra in CHILDREN:
            rows: dict[str, list[Row]] = {}
            private = "private" if table == "note" else "0"
            for r in con.execute(f"SELECT call_id, {private}, {_sel(table)} FROM {table} "
                                 f"WHERE call_id IN ({marks}) {extra} ORDER BY call_id, {ORDER[table]}",
                                 chunk):
                if r[1]:
                    retracted.setdefault(r[0], []).append((r[2], r[4]))
                else:
                    rows.setdefault(r[0], []).append(tuple(r)[2:])
            for cid, rs in rows.items():
                if cid in kids:
                    kids[cid][key] = _records(rs, table, table in irregular)
        for cid in chunk:
            if cid not in calls:
                continue
            call = _records([calls[cid]], "call", "call" in irregular)[0]
            doc: Doc = {"schema": SCHEMA_ID, "type": "call", "manager_id": manager_id, "id": cid,
                   "rep": {"id": call["rep_id"], "name": rep_names[cid] or ""}, "call": call}
            latest = call["updated_at"]
            for key, _, _ in CHILDREN:
                recs = kids[cid][key]
                doc[key] = recs
                for rec in recs:
                    if rec["updated_at"] > latest:
                        latest = rec["updated_at"]
            # Retracted notes last, by id: the same list on every laptop, whatever it
            # knows of the note beyond its id.
            for nid, updated in sorted(retracted.get(cid, ())):
                stamp = updated if len(updated) == STAMP_LEN else _norm(updated)
                doc["notes"].append({"id": nid, "deleted_at": stamp})
                latest = max(latest, stamp)
            doc["updated_at"] = latest
            yield doc


# The manager's records only (PRODUCT.md section 5, "Ownership"): the reps are the
# manager's, and goals, expectations and steps follow their rep. The skill catalogue is
# the database's own. Each WHERE takes the manager's id as :mid.
_MY_REPS = "rep_id IN (SELECT id FROM rep WHERE manager_id = :mid)"
_MY_CALLS = "call_id IN (SELECT id FROM call WHERE manager_id = :mid)"
REPS_TABLES = (("reps", "rep", "WHERE manager_id = :mid"), ("goals", "goal", f"WHERE {_MY_REPS}"),
               ("expectations", "expectation", f"WHERE {_MY_REPS}"), ("skills", "skill", ""),
               ("next_steps", "next_step", f"WHERE call_id IS NULL AND {_MY_REPS}"))


def reps_document(con: sqlite3.Connection, manager_id: str) -> Doc:
    doc: Doc = {"schema": SCHEMA_ID, "type": "reps", "manager_id": manager_id}
    latest = None
    for key, table, where in REPS_TABLES:
        recs = _records(con.execute(f"SELECT {_sel(table)} FROM {table} {where} ORDER BY {ORDER[table]}",
                                    {"mid": manager_id}).fetchall(), table)
        doc[key] = recs
        for rec in recs:
            if latest is None or rec["updated_at"] > latest:
                latest = rec["updated_at"]
    doc["updated_at"] = latest
    return doc


def _reps_fingerprint(con: sqlite3.Connection, manager_id: str) -> list[Any]:
    parts = " UNION ALL ".join(
        f"SELECT count(*) n, max(updated_at) m FROM {t} {w}" for _, t, w in REPS_TABLES)
    n, m = con.execute(f"SELECT total(n), max(m) FROM ({parts})", {"mid": manager_id}).fetchone()
    return [int(n), m]


def _content_latest(con: sqlite3.Connection, manager_id: str) -> str | None:
    """Latest updated_at over everything the manager's call documents hold."""
    latest: str | None = con.execute(
        "SELECT max(m) FROM (SELECT max(updated_at) m FROM call WHERE manager_id = :mid "
        f"UNION ALL SELECT max(updated_at) FROM note WHERE {_MY_CALLS} {SHARED_NOTES} "
        f"UNION ALL SELECT max(updated_at) FROM debrief_answer WHERE {_MY_CALLS} "
        f"UNION ALL SELECT max(updated_at) FROM rating WHERE {_MY_CALLS} "
        f"UNION ALL SELECT max(updated_at) FROM next_step WHERE {_MY_CALLS})",
        {"mid": manager_id}).fetchone()[0]
    return latest


def _count_calls(con: sqlite3.Connection, manager_id: str) -> int:
    n: int = con.execute("SELECT count(*) FROM call WHERE manager_id = ?", (manager_id,)).fetchone()[0]
    return n


def manifest_document(con: sqlite3.Connection, manager_id: str, manager_name: str,
                      reps_updated: str | None) -> Doc:
    n_calls = _count_calls(con, manager_id)
    latest = max((s for s in (_content_latest(con, manager_id), reps_updated) if s), default=None)
    if latest is not None and len(latest) != STAMP_LEN:
        latest = _norm(latest)
    budget, late = _manager_settings(con, manager_id)
    return {"schema": SCHEMA_ID, "type": "manifest", "manager_id": manager_id,
            "manager_name": manager_name, "calls": n_calls, "updated_at": latest,
            "budget_minutes_week": budget, "late_minutes": late}


def _manager_settings(con: sqlite3.Connection, manager_id: str) -> tuple[int | None, int | None]:
    """The weekly coaching budget and late-debrief threshold the manifest carries."""
    row = con.execute("SELECT budget_minutes, late_minutes FROM manager WHERE id = ?",
                      (manager_id,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def bundle_document(con: sqlite3.Connection, manager_id: str, manager_name: str) -> Doc:
    ids = [r[0] for r in con.execute("SELECT id FROM call WHERE manager_id = ? ORDER BY id", (manager_id,))]
    reps = reps_document(con, manager_id)
    return {"schema": SCHEMA_ID, "type": "bundle",
            "manifest": manifest_document(con, manager_id, manager_name, reps["updated_at"]),
            "reps": reps, "calls": list(call_documents(con, manager_id, ids))}


# --- change detection ---------------------------------------------------------------------

_CHANGES = """
    SELECT id AS call_id, updated_at AS u FROM call WHERE manager_id = :mid {w_call}
    UNION ALL SELECT call_id, updated_at FROM note WHERE call_id IS NOT NULL {w_and}
    UNION ALL SELECT call_id, updated_at FROM debrief_answer {w_where}
    UNION ALL SELECT call_id, updated_at FROM rating {w_where}
    UNION ALL SELECT call_id, updated_at FROM next_step WHERE call_id IS NOT NULL {w_and}
    UNION ALL SELECT c.id, r.updated_at FROM call c JOIN rep r ON r.id = c.rep_id {w_rep}
"""


def changed_calls(con: sqlite3.Connection, manager_id: str,
                  after: tuple[str, str] | None) -> list[tuple[str, str]]:
    """(change stamp, call id) of the manager's calls changed after the cursor, oldest first.

    A cheap filtered scan finds candidate calls (anything stamped at or after the cursor);
    only those get their change stamp computed, so an export with nothing changed costs
    one query.
    """
    if after is None:
        q = _CHANGES.format(w_call="", w_and="", w_where="", w_rep="")
        rows = con.execute(f"SELECT call_id, max(u) FROM ({q}) WHERE call_id IN "
                           "(SELECT id FROM call WHERE manager_id = :mid) GROUP BY call_id",
                           {"mid": manager_id}).fetchall()
    else:
        ts = after[0]
        q = _CHANGES.format(w_call="AND updated_at >= :ts", w_and="AND updated_at >= :ts",
                            w_where="WHERE updated_at >= :ts", w_rep="WHERE r.updated_at >= :ts")
        cands = [r[0] for r in con.execute(f"SELECT DISTINCT call_id FROM ({q}) WHERE call_id IN "
                                           "(SELECT id FROM call WHERE manager_id = :mid)",
                                           {"ts": ts, "mid": manager_id})]
        if not cands:
            return []
        rows = []
        full = _CHANGES.format(w_call="AND id IN (SELECT value FROM json_each(:ids))",
                               w_and="AND call_id IN (SELECT value FROM json_each(:ids))",
                               w_where="WHERE call_id IN (SELECT value FROM json_each(:ids))",
                               w_rep="WHERE c.id IN (SELECT value FROM json_each(:ids))")
        for start in range(0, len(cands), 5000):
            ids = json.dumps(cands[start:start + 5000])
            rows += con.execute(f"SELECT call_id, max(u) FROM ({full}) GROUP BY call_id",
                                {"ids": ids, "mid": manager_id}).fetchall()
    out = [(m, cid) for cid, m in rows if m is not None and cid is not None]
    if after is not None:
        out = [k for k in out if k > after]
    out.sort()
    return out


# --- the cursor -----------------------------------------------------------------------------

def cursor_key(store_dir: Path) -> str:
    return CURSOR_PREFIX + str(store_dir)


def read_cursor(con: sqlite3.Connection, key: str) -> Doc:
    r = con.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    if r is None:
        return {}
    try:
        value = json.loads(r[0])
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def write_cursor(con: sqlite3.Connection, key: str, value: Doc) -> None:
    con.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, sort_keys=True)))


# --- writing the store ----------------------------------------------------------------------

@dataclass
class Conflict:
    path: str          # relative to the store folder
    store_updated: str
    local_updated: str


@dataclass
class ExportResult:
    folder: Path                       # DIR/<manager-id>
    written: list[str] = field(default_factory=list)   # relative to the store folder
    unchanged: int = 0
    deleted: int = 0                   # tombstones among the written documents
    conflicts: list[Conflict] = field(default_factory=list)
    temps_removed: int = 0
    restored: int = 0                  # written again: exported before, gone from the store
    refused: list[str] = field(default_factory=list)   # documents whose id is not a safe name


Progress = Callable[[int, int], None]


def _existing_updated(data: bytes) -> str | None:
    try:
        value = json.loads(data).get("updated_at")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _newer(store_stamp: str | None, ours: str | None) -> bool:
    """True when the store's document is strictly newer than ours (compared as instants)."""
    if not store_stamp:
        return False
    try:
        s = from_db(store_stamp)
    except ValueError:
        return False
    if ours is None:
        return True
    return s > from_db(ours)


class _Writer:
    def __init__(self, root: Path, result: ExportResult) -> None:
        self.root = root
        self.result = result
        self.batch = store_io.Batch()
        self.deleted_pending = 0

    def offer(self, path: Path, data: bytes, updated: str | None, existing: bool, tombstone: bool) -> bool:
        """Queue the document unless the store holds it already or a newer copy; True if queued."""
        rel = str(path.relative_to(self.root))
        if existing:
            try:
                old = path.read_bytes()
            except FileNotFoundError:
                old = None
            if old == data:
                self.result.unchanged += 1
                return False
            if old is not None:
                store_stamp = _existing_updated(old)
                if _newer(store_stamp, updated):
                    self.result.conflicts.append(Conflict(rel, store_stamp or "", updated or ""))
                    return False
        self.batch.add(path, data)
        self.result.written.append(rel)
        self.deleted_pending += tombstone
        return True

    def commit(self) -> None:
        self.batch.commit()
        self.result.deleted += self.deleted_pending
        self.deleted_pending = 0

    def abort(self) -> None:
        self.batch.abort()


def _listing(folder: Path) -> set[str]:
    """Names in folder; none when the folder is gone (deleted, or not a folder any more)."""
    try:
        with os.scandir(folder) as it:
            return {e.name for e in it}
    except (FileNotFoundError, NotADirectoryError):
        return set()


def lost_calls(con: sqlite3.Connection, manager_id: str, present: set[str], pending: set[str]) -> list[str]:
    """Calls exported before (not pending) whose document is no longer in the store.

    The cursor says what was written, not what is still there: a sync client or a
    colleague may empty the folder. One listing of calls/ and one scan of the call ids
    (about 10 ms on 10,000 calls) witness it; a missing file is written again, never read
    as a deletion.
    """
    ids = con.execute("SELECT id FROM call WHERE manager_id = ? ORDER BY id", (manager_id,))
    return [cid for (cid,) in ids
            if f"{cid}.json" not in present and cid not in pending]


def export_store(con: sqlite3.Connection, store_dir: Path, manager_id: str, manager_name: str, *,
                 full: bool = False, progress: Progress | None = None) -> ExportResult:
    store_dir = Path(store_dir).expanduser().resolve()
    if not is_uuid(manager_id):
        raise ExportRefused(f"the manager id {shown(manager_id)} is not a UUID, so it cannot name a folder "
                            f"of the store; nothing written")
    folder = inside(store_dir, manager_id)
    calls_dir = folder / "calls"
    result = ExportResult(folder)
    key = cursor_key(store_dir)
    cursor = {} if full else read_cursor(con, key)

    saved = cursor.get("calls")
    after = (str(saved[0]), str(saved[1])) if isinstance(saved, list) and len(saved) == 2 else None
    todo = changed_calls(con, manager_id, after)
    existing = _listing(calls_dir)
    lost: list[tuple[str, str]] = []
    if after is not None:
        pending = {cid for _, cid in todo}
        lost = [("", cid) for cid in lost_calls(con, manager_id, existing, pending)]
    reps_lost = "reps" in cursor and not (folder / "reps.json").is_file()
    manifest_lost = "manifest" in cursor and not (folder / "manifest.json").is_file()
    reps_fp = _reps_fingerprint(con, manager_id)
    n_calls = _count_calls(con, manager_id)
    manifest_fp = [manager_name, n_calls, *_manager_settings(con, manager_id)]
    reps_changed = full or reps_lost or cursor.get("reps") != reps_fp
    manifest_changed = (full or bool(todo) or bool(lost) or reps_changed or manifest_lost
                        or cursor.get("manifest") != manifest_fp)
    if not (todo or lost or reps_changed or manifest_changed):
        for d in (folder, calls_dir):  # clean up after a killed run even when nothing changed
            result.temps_removed += store_io.remove_stale_temps(d)
        if progress:
            progress(0, 0)
        return result

    store_io.ensure_dir(calls_dir)
    for d in (folder, calls_dir):
        result.temps_removed += store_io.remove_stale_temps(d)
    # lost documents first (their change is older than the cursor), then the changes in order
    lost_ids = {cid for _, cid in lost}
    todo = lost + todo
    total = len(todo) + 2
    writer = _Writer(store_dir, result)
    done = 0
    if progress:
        progress(0, total)
    irregular = irregular_stamps(con) if todo else frozenset()
    try:
        for start in range(0, len(todo), BATCH):
            chunk = todo[start:start + BATCH]
            restored = 0
            for doc in call_documents(con, manager_id, [cid for _, cid in chunk if _safe_call(cid, result)],
                                      irregular):
                name = f"{doc['id']}.json"
                was_lost = doc["id"] in lost_ids
                # a lost file is still looked for: one the listing missed (a sync client
                # mid-download) may be newer, and export never replaces a newer copy
                if writer.offer(calls_dir / name, dumps(doc), doc["updated_at"], was_lost or name in existing,
                                doc["call"]["deleted_at"] is not None):
                    restored += was_lost
            writer.commit()
            mark_shared(con, [cid for _, cid in chunk])
            result.restored += restored
            # only now (the batch is durable in the store), and never backwards: a lost
            # document's stamp is older than the cursor
            last = list(chunk[-1])
            if not isinstance(cursor.get("calls"), list) or last > cursor["calls"]:
                cursor["calls"] = last
            write_cursor(con, key, cursor)
            done += len(chunk)
            if progress:
                progress(done, total)

        reps = reps_document(con, manager_id)
        if reps_changed:
            if writer.offer(folder / "reps.json", dumps(reps), reps["updated_at"],
                            (folder / "reps.json").exists(), False):
                result.restored += reps_lost
        manifest = manifest_document(con, manager_id, manager_name, reps["updated_at"])
        if writer.offer(folder / "manifest.json", dumps(manifest), manifest["updated_at"],
                        (folder / "manifest.json").exists(), False):
            result.restored += manifest_lost
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    cursor["reps"] = reps_fp
    cursor["manifest"] = manifest_fp
    if "calls" not in cursor and todo == []:
        cursor["calls"] = ["", ""]
    write_cursor(con, key, cursor)
    if progress:
        progress(total, total)
    return result


def _safe_call(call_id: str, result: ExportResult) -> bool:
    """A call id names a file: refuse (and report) one that is not a UUID, e.g. one
    imported before import checked ids."""
    try:
        if not is_uuid(call_id):
            raise UnsafePath(f"{shown(call_id)} is not a UUID")
        inside(result.folder / "calls", f"{call_id}.json")
    except UnsafePath as exc:
        result.refused.append(f"call {exc}, so it cannot name a file of the store: not written")
        return False
    return True


def mark_shared(con: sqlite3.Connection, call_ids: list[str] | None, manager_id: str = "") -> None:
    """The notes of these calls (all the manager's when None) have left the laptop: made
    private later, each leaves as a retraction. Their stamps stay: this is not a change."""
    where = ("call_id IN (SELECT value FROM json_each(?))" if call_ids is not None
             else "call_id IN (SELECT id FROM call WHERE manager_id = ?)")
    arg = json.dumps(call_ids) if call_ids is not None else manager_id
    con.execute(f"UPDATE note SET shared = 1 WHERE {where} AND private = 0 AND shared = 0", (arg,))


def export_bundle(con: sqlite3.Connection, manager_id: str, manager_name: str) -> bytes:
    data = dumps(bundle_document(con, manager_id, manager_name))
    mark_shared(con, None, manager_id)
    return data
