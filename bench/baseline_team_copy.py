"""Baseline for the PostgreSQL team load figure: a minimal json + psycopg script putting
the same rows as `fieldcoach team load STORE --db URL` into the empty tables of a team
database (made by fieldcoach, so the tables and indexes are the same), by COPY:

    STORE/<manager-id>/manifest.json   the manager
    STORE/<manager-id>/reps.json       reps, goals, expectations, skills, loose next steps
    STORE/<manager-id>/calls/*.json    the call, its notes, debrief answers, ratings, next steps

One transaction, one COPY per table every few thousand rows, JSON lists as compact JSON
text, stamps as the documents give them. No validation, no merge (the tables are empty),
no record of the files read: the fastest plain way in.
Usage: python bench/baseline_team_copy.py URL STORE
"""

from __future__ import annotations

import json
import os
import sys

import psycopg

TABLES = ("skill", "rep", "goal", "expectation", "call", "note", "debrief_answer", "rating", "next_step")
CALL_PARTS = (("notes", "note"), ("debrief_answers", "debrief_answer"), ("ratings", "rating"),
              ("next_steps", "next_step"))
REPS_PARTS = (("reps", "rep"), ("goals", "goal"), ("expectations", "expectation"), ("skills", "skill"),
              ("next_steps", "next_step"))
BATCH = 5000


def main(url: str, store: str) -> int:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as con:
        cols = {t: [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            (t,))] for t in TABLES}
        copy = {t: f'COPY "{t}" ({", ".join(c)}) FROM STDIN' for t, c in cols.items()}
        pending: dict[str, list[tuple]] = {t: [] for t in TABLES}

        def flush(table: str) -> None:
            with con.cursor() as cur, cur.copy(copy[table]) as out:
                for row in pending[table]:
                    out.write_row(row)
            pending[table].clear()

        def add(table: str, rec: dict, implied: dict) -> None:
            row = []
            for c in cols[table]:
                v = rec.get(c, implied.get(c))
                row.append(json.dumps(v, ensure_ascii=False, separators=(",", ":")) if isinstance(v, list) else v)
            pending[table].append(tuple(row))
            if len(pending[table]) >= BATCH:
                flush(table)

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
        for table in TABLES:
            if pending[table]:
                flush(table)
        with con.cursor() as cur, cur.copy("COPY manager (id, name) FROM STDIN") as out:
            for row in sorted(managers.items()):
                out.write_row(row)
    return files  # the connection's block commits


if __name__ == "__main__":
    n = main(sys.argv[1], sys.argv[2])
    print(f"{n} documents copied")
