"""Baseline for the PostgreSQL team load figure: a minimal json + psycopg script putting
the same rows as `fieldcoach team load STORE --db URL` into the empty tables of a team
database (made by fieldcoach, so the tables and indexes are the same), by COPY; the
store read by bench/team_store_rows.py.

One transaction, one COPY per table every few thousand rows, JSON lists as compact JSON
text, stamps as the documents give them. No validation, no merge (the tables are empty),
no record of the files read: the fastest plain way in.
Usage: python bench/baseline_team_copy.py URL STORE
"""

from __future__ import annotations

import sys

import psycopg
from team_store_rows import TABLES, records, row

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
                for r in pending[table]:
                    out.write_row(r)
            pending[table].clear()

        managers: dict[str, str] = {}
        n = 0
        for table, rec, implied in records(store, managers):
            pending[table].append(row(cols[table], rec, implied))
            n += 1
            if len(pending[table]) >= BATCH:
                flush(table)
        for table in TABLES:
            if pending[table]:
                flush(table)
        with con.cursor() as cur, cur.copy("COPY manager (id, name) FROM STDIN") as out:
            for r in sorted(managers.items()):
                out.write_row(r)
    return n  # the connection's block commits


if __name__ == "__main__":
    print(f"{main(sys.argv[1], sys.argv[2])} records copied")
