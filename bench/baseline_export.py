"""Baseline for the export figure: a minimal sqlite3 + json script writing the same
documents as `fieldcoach export --store DIR --full` (fieldcoach/sync/export.py):

    DIR/<manager-id>/calls/<call-id>.json   one per call: rep {id, name}, the call, its
                                            shared notes, debrief answers, ratings, next steps
    DIR/<manager-id>/reps.json              reps, goals, expectations, skills, loose next steps
    DIR/<manager-id>/manifest.json

UTF-8, sorted keys, indent 2, trailing newline; same list orders, so the files are
byte-identical (the bench checks). Same durability as the real export: each file written
to a temporary name in its folder, one syncfs() of the file system (os.sync() elsewhere),
then renamed into place and the folders fsynced.

No cursor, no conflict check, no change detection: five whole-table queries grouped in
Python, which is what a competent one-off script would do.
Usage: python bench/baseline_export.py DB DIR [--no-sync]
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import sqlite3
import sys

SCHEMA = "fieldcoach/1.1"
REC = "id, created_at, updated_at, deleted_at"
CALL = (f"{REC}, rep_id, account, contact, kind, status, scheduled_at, started_at, ended_at, "
        "feedback_started_at, feedback_ended_at, objective, advance_min, advance_stretch, prep_answers, skill_ids, "
        "rep_acknowledged_at, rep_comment")
CHILDREN = (  # key, table, columns, filter, order
    ("notes", "note", f"{REC}, taken_at, offset_seconds, text, kind, skill_id", "AND private = 0", "taken_at, id"),
    ("debrief_answers", "debrief_answer", f"{REC}, question_id, question, answer, by, position", "",
     "position, by, id"),
    ("ratings", "rating", f"{REC}, skill_id, by, score", "", "skill_id, by, id"),
    ("next_steps", "next_step", f"{REC}, rep_id, owner, action, due_at, done_at", "", "created_at, id"),
)


def rows(con: sqlite3.Connection, sql: str, json_cols: tuple[str, ...] = ()) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    out = []
    for r in cur:
        d = dict(zip(cols, r, strict=False))
        for c in json_cols:
            d[c] = json.loads(d[c] or "[]")
        out.append(d)
    return out


def dumps(doc: dict) -> bytes:
    return (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def latest(stamps) -> str | None:
    return max((s for s in stamps if s), default=None)


def export(db: str, store: str, sync: bool = True) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    manager_id, manager_name, budget, late = con.execute(
        "SELECT id, name, budget_minutes, late_minutes FROM manager LIMIT 1").fetchone()
    root = os.path.join(store, manager_id)
    calls_dir = os.path.join(root, "calls")
    os.makedirs(calls_dir, exist_ok=True)
    rep_names = dict(con.execute("SELECT id, name FROM rep"))
    kids: dict[str, dict[str, list]] = {}
    for key, table, cols, where, order in CHILDREN:
        for r in rows(con, f"SELECT call_id, {cols} FROM {table} WHERE call_id IS NOT NULL {where} "
                           f"ORDER BY call_id, {order}"):
            kids.setdefault(r.pop("call_id"), {}).setdefault(key, []).append(r)
    pending: list[tuple[str, str]] = []

    def write(path: str, doc: dict) -> None:
        tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(dumps(doc))
        pending.append((tmp, path))

    n = 0
    for call in rows(con, f"SELECT {CALL} FROM call ORDER BY id", ("prep_answers", "skill_ids")):
        mine = kids.get(call["id"], {})
        doc = {"schema": SCHEMA, "type": "call", "manager_id": manager_id, "id": call["id"],
               "rep": {"id": call["rep_id"], "name": rep_names.get(call["rep_id"]) or ""}, "call": call}
        for key, *_ in CHILDREN:
            doc[key] = mine.get(key, [])
        doc["updated_at"] = latest([call["updated_at"]] + [r["updated_at"] for k, *_ in CHILDREN for r in doc[k]])
        write(os.path.join(calls_dir, f"{call['id']}.json"), doc)
        n += 1
    reps = {"schema": SCHEMA, "type": "reps", "manager_id": manager_id,
            "reps": rows(con, f"SELECT {REC}, name, role, territory FROM rep ORDER BY name, id"),
            "goals": rows(con, f"SELECT {REC}, rep_id, statement, skill_ids, status FROM goal "
                               "ORDER BY rep_id, created_at, id", ("skill_ids",)),
            "expectations": rows(con, f"SELECT {REC}, rep_id, text, position FROM expectation "
                                      "ORDER BY rep_id, position, id"),
            "skills": rows(con, f"SELECT {REC}, name, description, position FROM skill ORDER BY position, id"),
            "next_steps": rows(con, f"SELECT {REC}, rep_id, owner, action, due_at, done_at FROM next_step "
                                    "WHERE call_id IS NULL ORDER BY created_at, id")}
    reps["updated_at"] = latest(r["updated_at"] for k, v in reps.items() if isinstance(v, list) for r in v)
    write(os.path.join(root, "reps.json"), reps)
    content = con.execute(
        "SELECT max(m) FROM (SELECT max(updated_at) m FROM call "
        "UNION ALL SELECT max(updated_at) FROM note WHERE call_id IS NOT NULL AND private = 0 "
        "UNION ALL SELECT max(updated_at) FROM debrief_answer UNION ALL SELECT max(updated_at) FROM rating "
        "UNION ALL SELECT max(updated_at) FROM next_step WHERE call_id IS NOT NULL)").fetchone()[0]
    write(os.path.join(root, "manifest.json"),
          {"schema": SCHEMA, "type": "manifest", "manager_id": manager_id, "manager_name": manager_name,
           "calls": n, "updated_at": latest([content, reps["updated_at"]]),
           "budget_minutes_week": budget, "late_minutes": late})
    con.close()
    if sync:
        _sync(root)
    for tmp, path in pending:
        os.replace(tmp, path)
    if sync:
        for folder in (calls_dir, root):
            fd = os.open(folder, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
    return n


def _sync(folder: str) -> None:
    """One syncfs() for the whole batch (as the real export), else os.sync()."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    syncfs = getattr(libc, "syncfs", None)
    fd = os.open(folder, os.O_RDONLY)
    try:
        if syncfs is None or syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = export(args[0], args[1], sync="--no-sync" not in sys.argv)
    print(f"{count} call documents written")
