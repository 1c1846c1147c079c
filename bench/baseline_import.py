"""Baseline for the import figure: a minimal json + sqlite3 script inserting the same rows
as `fieldcoach import DIR` (fieldcoach/sync/ingest.py) into an empty fieldcoach database:

    DIR/<manager-id>/reps.json        reps, goals, expectations, skills, loose next steps
    DIR/<manager-id>/calls/*.json     the call, its notes, debrief answers, ratings, next steps

One transaction, WAL and synchronous=NORMAL as fieldcoach opens its file, an executemany
per table every few thousand rows, JSON lists stored as compact JSON text, stamps stored
as the documents give them. No validation, no merge rule (plain INSERT OR REPLACE), no
record of what was read: what a competent one-off script would do.
Usage: python bench/baseline_import.py DB DIR
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys

REC = ("id", "created_at", "updated_at", "deleted_at")
COLUMNS = {
    "skill": REC + ("name", "description", "position"),
    "rep": REC + ("name", "role", "territory"),
    "goal": REC + ("rep_id", "statement", "skill_ids", "status"),
    "expectation": REC + ("rep_id", "text", "position"),
    "call": REC + ("rep_id", "account", "contact", "kind", "status", "scheduled_at", "started_at",
                   "ended_at", "feedback_started_at", "feedback_ended_at", "objective", "advance_min",
                   "advance_stretch", "prep_answers", "skill_ids"),
    "note": REC + ("taken_at", "offset_seconds", "text", "kind", "skill_id", "call_id"),
    "debrief_answer": REC + ("question_id", "question", "answer", "by", "position", "call_id"),
    "rating": REC + ("skill_id", "by", "score", "call_id"),
    "next_step": REC + ("rep_id", "owner", "action", "due_at", "done_at", "call_id"),
}
JSON_COLS = {"goal": ("skill_ids",), "call": ("prep_answers", "skill_ids")}
CALL_PARTS = (("notes", "note"), ("debrief_answers", "debrief_answer"), ("ratings", "rating"),
              ("next_steps", "next_step"))
REPS_PARTS = (("reps", "rep"), ("goals", "goal"), ("expectations", "expectation"), ("skills", "skill"),
              ("next_steps", "next_step"))
BATCH = 5000


def main(db: str, store: str) -> int:
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    sql = {t: f"INSERT OR REPLACE INTO {t} ({', '.join(c)}) VALUES ({', '.join('?' * len(c))})"
           for t, c in COLUMNS.items()}
    pending: dict[str, list[tuple]] = {t: [] for t in COLUMNS}

    def add(table: str, rec: dict, call_id: str | None = None) -> None:
        for c in JSON_COLS.get(table, ()):
            rec[c] = json.dumps(rec[c], ensure_ascii=False, separators=(",", ":"))
        if "call_id" in COLUMNS[table]:
            rec["call_id"] = call_id
        rows = pending[table]
        rows.append(tuple(rec[c] for c in COLUMNS[table]))
        if len(rows) >= BATCH:
            con.executemany(sql[table], rows)
            rows.clear()

    con.execute("BEGIN IMMEDIATE")
    files = 0
    for folder, dirs, names in os.walk(store):
        dirs.sort()
        in_calls = os.path.basename(folder) == "calls"
        for name in sorted(names):
            if not name.endswith(".json") or name.startswith(".") or not (in_calls or name == "reps.json"):
                continue
            with open(os.path.join(folder, name), "rb") as fh:
                doc = json.load(fh)
            files += 1
            if doc["type"] == "reps":
                for key, table in REPS_PARTS:
                    for rec in doc[key]:
                        add(table, rec)
            else:
                add("call", doc["call"])
                for key, table in CALL_PARTS:
                    for rec in doc[key]:
                        add(table, rec, doc["id"])
    for table, rows in pending.items():
        if rows:
            con.executemany(sql[table], rows)
    con.execute("COMMIT")
    con.close()
    return files


if __name__ == "__main__":
    n = main(sys.argv[1], sys.argv[2])
    print(f"{n} documents inserted")
