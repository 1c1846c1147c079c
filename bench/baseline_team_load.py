"""Baseline for the team load figure: a minimal json + sqlite3 script putting the same
rows as `fieldcoach team load STORE` into an empty team database (made by fieldcoach,
so the tables and indexes are the same):

    STORE/<manager-id>/manifest.json   the manager
    STORE/<manager-id>/reps.json       reps, goals, expectations, skills, loose next steps
    STORE/<manager-id>/calls/*.json    the call, its notes, debrief answers, ratings, next steps

One transaction, WAL as fieldcoach opens the file, an executemany per table every few
thousand rows, JSON lists as compact JSON text, stamps as the documents give them. No
validation, no newer-wins rule (INSERT OR REPLACE), no record of the files read: what a
competent one-off script would do.
Usage: python bench/baseline_team_load.py DB STORE
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys

TABLES = ("skill", "rep", "goal", "expectation", "call", "note", "debrief_answer", "rating", "next_step")
CALL_PARTS = (("notes", "note"), ("debrief_answers", "debrief_answer"), ("ratings", "rating"),
              ("next_steps", "next_step"))
REPS_PARTS = (("reps", "rep"), ("goals", "goal"), ("expectations", "expectation"), ("skills", "skill"),
              ("next_steps", "next_step"))
BATCH = 5000


def main(db: str, store: str) -> int:
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    cols = {t: [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')] for t in TABLES}
    sql = {t: f'INSERT OR REPLACE INTO "{t}" ({", ".join(c)}) VALUES ({", ".join("?" * len(c))})'
           for t, c in cols.items()}
    pending: dict[str, list[tuple]] = {t: [] for t in TABLES}

    def add(table: str, rec: dict, implied: dict) -> None:
        row = []
        for c in cols[table]:
            v = rec.get(c, implied.get(c))
            row.append(json.dumps(v, ensure_ascii=False, separators=(",", ":")) if isinstance(v, list) else v)
        rows = pending[table]
        rows.append(tuple(row))
        if len(rows) >= BATCH:
            con.executemany(sql[table], rows)
            rows.clear()

    con.execute("BEGIN IMMEDIATE")
    files = 0
    managers = {}
    for folder, dirs, names in os.walk(store):
        dirs.sort()
        in_calls = os.path.basename(folder) == "calls"
        for name in sorted(names):
            if not name.endswith(".json") or name.startswith("."):
                continue
            if not in_calls and name not in ("reps.json", "manifest.json"):
                continue
            with open(os.path.join(folder, name), "rb") as fh:
                doc = json.load(fh)
            files += 1
            mid = doc["manager_id"]
            if doc["type"] == "manifest":
                managers[mid] = doc["manager_name"]
            elif doc["type"] == "reps":
                for key, table in REPS_PARTS:
                    for rec in doc[key]:
                        add(table, rec, {"manager_id": mid})
            else:
                add("call", doc["call"], {"manager_id": mid})
                for key, table in CALL_PARTS:
                    for rec in doc[key]:
                        add(table, rec, {"call_id": doc["id"], "shared": 1})
    for table, rows in pending.items():
        if rows:
            con.executemany(sql[table], rows)
    con.executemany("INSERT OR REPLACE INTO manager (id, name) VALUES (?, ?)", sorted(managers.items()))
    con.execute("COMMIT")
    con.close()
    return files


if __name__ == "__main__":
    n = main(sys.argv[1], sys.argv[2])
    print(f"{n} documents inserted")
