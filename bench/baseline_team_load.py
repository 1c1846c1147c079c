"""Baseline for the team load figure: a minimal json + sqlite3 script putting the same
rows as `fieldcoach team load STORE` into an empty team database (made by fieldcoach,
so the tables and indexes are the same), read by bench/team_store_rows.py.

One transaction, WAL as fieldcoach opens the file, an executemany per table every few
thousand rows, JSON lists as compact JSON text, stamps as the documents give them. No
validation, no newer-wins rule (INSERT OR REPLACE), no record of the files read: what a
competent one-off script would do.
Usage: python bench/baseline_team_load.py DB STORE
"""

from __future__ import annotations

import sqlite3
import sys

from team_store_rows import TABLES, records, row

BATCH = 5000


def main(db: str, store: str) -> int:
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    cols = {t: [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')] for t in TABLES}
    sql = {t: f'INSERT OR REPLACE INTO "{t}" ({", ".join(c)}) VALUES ({", ".join("?" * len(c))})'
           for t, c in cols.items()}
    pending: dict[str, list[tuple]] = {t: [] for t in TABLES}
    managers: dict[str, str] = {}
    n = 0
    con.execute("BEGIN IMMEDIATE")
    for table, rec, implied in records(store, managers):
        rows = pending[table]
        rows.append(row(cols[table], rec, implied))
        n += 1
        if len(rows) >= BATCH:
            con.executemany(sql[table], rows)
            rows.clear()
    for table, rows in pending.items():
        if rows:
            con.executemany(sql[table], rows)
    con.executemany("INSERT OR REPLACE INTO manager (id, name) VALUES (?, ?)", sorted(managers.items()))
    con.execute("COMMIT")
    con.close()
    return n


if __name__ == "__main__":
    print(f"{main(sys.argv[1], sys.argv[2])} records inserted")
