"""Baseline for the export figure: a minimal sqlite3 + json script writing the same
documents as `fieldcoach export --store DIR` (layout DIR/<manager-id>/calls/<call-id>.json,
reps.json, manifest.json; UTF-8, sorted keys, indent 2, trailing newline), with the same
durability as the real export (temporary file in the same folder, fsync, rename).

A handful of bulk queries, grouped in Python: what a competent one-off script would do.
Usage: python bench/baseline_export.py DB DIR [--no-fsync]
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections import defaultdict

SCHEMA = "fieldcoach/1"


def _rows(con: sqlite3.Connection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur]


def _write(path: str, doc: dict, fsync: bool) -> None:
    data = (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        if fsync:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def _by_call(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        out[r["call_id"]].append(r)
    return out


def export(db: str, store: str, fsync: bool = True) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    manager = _rows(con, "SELECT * FROM manager")[0]
    root = os.path.join(store, manager["id"])
    calls_dir = os.path.join(root, "calls")
    os.makedirs(calls_dir, exist_ok=True)
    reps = _rows(con, "SELECT * FROM rep ORDER BY id")
    rep_names = {r["id"]: r["name"] for r in reps}
    notes = _by_call(_rows(con, "SELECT * FROM note WHERE private = 0 AND call_id IS NOT NULL "
                                "ORDER BY taken_at, id"))
    answers = _by_call(_rows(con, "SELECT * FROM debrief_answer ORDER BY position, id"))
    ratings = _by_call(_rows(con, "SELECT * FROM rating ORDER BY skill_id, by, id"))
    steps = _by_call(_rows(con, "SELECT * FROM next_step WHERE call_id IS NOT NULL ORDER BY created_at, id"))
    n = 0
    for call in _rows(con, "SELECT * FROM call ORDER BY id"):
        cid = call["id"]
        for key in ("prep_answers", "skill_ids"):
            call[key] = json.loads(call[key])
        call.update(schema=SCHEMA, rep_name=rep_names.get(call["rep_id"], ""),
                    notes=notes.get(cid, []), answers=answers.get(cid, []),
                    ratings=ratings.get(cid, []), steps=steps.get(cid, []))
        _write(os.path.join(calls_dir, f"{cid}.json"), call, fsync)
        n += 1
    goals = _rows(con, "SELECT * FROM goal ORDER BY id")
    for g in goals:
        g["skill_ids"] = json.loads(g["skill_ids"])
    _write(os.path.join(root, "reps.json"),
           {"schema": SCHEMA, "manager_id": manager["id"], "reps": reps, "goals": goals,
            "expectations": _rows(con, "SELECT * FROM expectation ORDER BY id"),
            "skills": _rows(con, "SELECT * FROM skill ORDER BY position, id")}, fsync)
    _write(os.path.join(root, "manifest.json"),
           {"schema": SCHEMA, "manager": manager, "calls": n}, fsync)
    con.close()
    return n


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = export(args[0], args[1], fsync="--no-fsync" not in sys.argv)
    print(f"{count} call documents written")
