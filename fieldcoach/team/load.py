"""`fieldcoach team load STORE...`: every manager's documents into the team database, on
the ingestion engine (sync/ingest.py) with a sink of its own.

The database applies the merge rule, with no read of the rows first:

    INSERT ... ON CONFLICT (key) DO UPDATE SET ... WHERE excluded.updated_at > current

so a newer version wins and an older or equal one changes nothing; tombstones are
records with deleted_at and merge the same way. SQLite takes each batch as one
executemany, row after row. PostgreSQL takes it by COPY: of the rows for one key, only the
newest (the first of equal stamps: what applying them one after another gives), as
ON CONFLICT may not meet a key twice in one statement; straight into the table while none
of its keys are there yet (a first load), else into a temporary staging table, then one
INSERT ... SELECT ... ON CONFLICT per table.

Unlike `fieldcoach import`, a load is not all-or-nothing: a document that fails
validation is skipped and named, the version loaded before stays, and the file is read
again on the next load.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Engine, Table, and_, func, text, update
from sqlalchemy.dialects import sqlite

from ..sync.ingest import BATCH, TABLE_ORDER, FileState, IngestStats, Owner, Row, ingest
from . import schema
from .dbapi import of_connection
from .load_state import LoadResult, SubtreeStates

if TYPE_CHECKING:
    import psycopg


def _insert(con: Connection, table: Table) -> Any:
    """The dialect's INSERT that takes ON CONFLICT (PostgreSQL's has the same interface)."""
    name = con.dialect.name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql  # only a load into PostgreSQL pays for it

        return postgresql.insert(table)
    raise NotImplementedError(name)


def _upsert(con: Connection, table: Table) -> Any:
    stmt = _insert(con, table)
    key = [c.name for c in table.primary_key.columns]
    return stmt.on_conflict_do_update(
        index_elements=key,
        set_={c: stmt.excluded[c] for c in schema.SENT[table.name] if c not in key},
        where=stmt.excluded.updated_at > table.c.updated_at)


class _Compiled:
    """A Core statement compiled once for the connection's dialect, then run as one
    executemany on the driver's cursor in SQLAlchemy's transaction, with the rows as they
    are: SQLAlchemy's per-row parameter processing (and a dict per row) cost a fifth of a
    load, and these columns (text and integers) need none."""

    def __init__(self, con: Connection, stmt: Any, names: Sequence[str]) -> None:
        compiled = stmt.compile(dialect=con.dialect, column_keys=list(names))
        self.sql = str(compiled)
        self.names = tuple(names)
        self.positional = bool(compiled.positional)
        order = [self.names.index(p) for p in compiled.positiontup or ()]
        # the driver's order, when it is not the rows' own
        self.pick = (operator.itemgetter(*order)
                     if self.positional and order != list(range(len(self.names))) else None)

    def _params(self, row: tuple[Any, ...]) -> Any:
        if not self.positional:  # named parameters (psycopg's pyformat)
            return dict(zip(self.names, row, strict=True))
        return row if self.pick is None else self.pick(row)

    def run(self, con: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
        con.exec_driver_sql(self.sql, rows if self.positional and self.pick is None
                            else [self._params(r) for r in rows])


class TeamSink:
    """The ingestion engine's Sink over a connection of the team database."""

    batch = BATCH  # rows held before they are put, all tables together

    def __init__(self, con: Connection) -> None:
        self.con = con
        self._names = {t: list(schema.SENT[t]) for t in TABLE_ORDER}
        self._sql: dict[str, _Compiled] = {}  # compiled on first use: a reload puts nothing
        f = schema.ingest_file
        stmt = _insert(con, f)
        self._remember = _Compiled(con, stmt.on_conflict_do_update(
            index_elements=["folder", "path"],
            set_={c: stmt.excluded[c] for c in ("size", "mtime_ns", "sha256", "read_ns")}), FileState._fields)
        db = of_connection(con)
        self._subtrees = SubtreeStates(
            lambda folder, lo, hi: db.rows("file_states", folder=folder, lo=lo, hi=hi))

    def put(self, table: str, rows: list[Row]) -> None:
        sql = self._sql.get(table)
        if sql is None:
            sql = _Compiled(self.con, _upsert(self.con, schema.RECORDS[table]), schema.SENT[table])
            self._sql[table] = sql
        sql.run(self.con, rows)

    def file_states(self, folder: str, directory: str) -> dict[str, FileState]:
        return self._subtrees(folder, directory)

    def remember(self, states: list[FileState]) -> None:
        if states:
            self._remember.run(self.con, states)


class PgTeamSink(TeamSink):
    """The same sink on PostgreSQL: each batch goes by COPY into a staging table (created
    on first use, dropped at commit), then merges in one statement per table. Batches are
    larger than SQLite's: each costs a few round trips and statements whatever its size."""

    batch = 50_000

    def __init__(self, con: Connection) -> None:
        super().__init__(con)
        self._staged: dict[str, tuple[str, str, str]] = {}  # table -> (TRUNCATE, COPY, merge)
        self._merging: set[str] = set()  # tables that had a key a COPY met

    def _stage(self, t: Table, names: Sequence[str], newer_only: bool) -> tuple[str, str, str]:
        if t.name in self._staged:
            return self._staged[t.name]
        q = self.con.dialect.identifier_preparer.quote
        cols = ", ".join(q(c) for c in names)
        keys = [c.name for c in t.primary_key.columns]
        stage = q(f"stage_{t.name}")
        self.con.execute(text(f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "
                              f"SELECT {cols} FROM {q(t.name)} WITH NO DATA"))
        sets = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in names if c not in keys)
        merge = (f"INSERT INTO {q(t.name)} AS t ({cols}) SELECT {cols} FROM {stage} "
                 f"ON CONFLICT ({', '.join(q(k) for k in keys)}) DO UPDATE SET {sets}"
                 + (" WHERE excluded.updated_at > t.updated_at" if newer_only else ""))
        self._staged[t.name] = (f"TRUNCATE {stage}", f"COPY {stage} ({cols}) FROM STDIN", merge)
        return self._staged[t.name]

    def _copy(self, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
        # the psycopg connection under SQLAlchemy's, in the same transaction
        raw = cast("psycopg.Connection[Any]", self.con.connection.dbapi_connection)
        with raw.cursor() as cur, cur.copy(sql) as out:
            for row in rows:
                out.write_row(row)

    def _copy_merge(self, t: Table, names: Sequence[str], rows: Sequence[tuple[Any, ...]],
                    newer_only: bool) -> None:
        if t.name not in self._merging:
            # While none of a table's keys are there yet (a first load), a COPY straight
            # into it is the merge, at a third of the cost; at the first key already there
            # it is undone and the table merges through the staging table from then on.
            from psycopg.errors import UniqueViolation

            q = self.con.dialect.identifier_preparer.quote
            try:
                with self.con.begin_nested():
                    self._copy(f"COPY {q(t.name)} ({', '.join(q(c) for c in names)}) FROM STDIN", rows)
                return
            except UniqueViolation:
                self._merging.add(t.name)
        truncate, copy, merge = self._stage(t, names, newer_only)
        self.con.exec_driver_sql(truncate)
        self._copy(copy, rows)
        self.con.exec_driver_sql(merge)

    def put(self, table: str, rows: list[Row]) -> None:
        t = schema.RECORDS[table]
        names = self._names[table]
        self._copy_merge(t, names, _newest(rows, [names.index(c.name) for c in t.primary_key.columns],
                                           names.index("updated_at")), newer_only=True)

    def remember(self, states: list[FileState]) -> None:
        if states:
            self._copy_merge(schema.ingest_file, FileState._fields, states, newer_only=False)


def _newest(rows: list[Row], key: list[int], stamp: int) -> list[Row]:
    """Of the rows for one key, the newest, the first of equal stamps (what applying them
    one after another gives): ON CONFLICT may not meet a key twice in one statement."""
    get = operator.itemgetter(*key)
    newest: dict[Any, Row] = {}
    for r in rows:
        k = get(r)
        had = newest.get(k)
        if had is None or r[stamp] > had[stamp]:
            newest[k] = r
    return rows if len(newest) == len(rows) else list(newest.values())


def team_sink(con: Connection) -> TeamSink:
    return PgTeamSink(con) if con.dialect.name == "postgresql" else TeamSink(con)


def _apply_retractions(con: Connection, stats: IngestStats) -> int:
    """A note its author made private after sharing it: its text goes, whatever its stamp
    (the author took the words back); an empty stub stands in for one never loaded."""
    if not stats.retractions:
        return 0
    n = schema.note
    # the larger of two values: max() of two arguments in SQLite, greatest() in PostgreSQL
    greatest = func.greatest if con.dialect.name == "postgresql" else func.max
    rows = [{"id": nid, "call_id": cid, "created_at": at, "updated_at": at, "deleted_at": at,
             "taken_at": at, "text": "", "shared": 1} for nid, (cid, at) in sorted(stats.retractions.items())]
    con.execute(_insert(con, n).on_conflict_do_nothing(index_elements=["id"]), rows)
    done = 0
    for r in rows:
        res = con.execute(update(n).where(and_(n.c.id == r["id"]))
                          .values(text="", deleted_at=r["deleted_at"],
                                  updated_at=greatest(n.c.updated_at, r["deleted_at"])))
        done += res.rowcount
    return done


def load(engine: Engine, paths: list[str | Path],
         progress: Callable[[int], None] | None = None,
         before_commit: Callable[[Connection, LoadResult], None] | None = None) -> LoadResult:
    """Load the stores or bundles at paths; one transaction, which before_commit (the
    audit log's row) joins: a load the log cannot record does not happen."""
    result = LoadResult()
    managers: dict[str, str | None] = {}
    settings: dict[str, dict[str, int | None]] = {}  # from the manifests that carry them

    def owner(o: Owner, _path: str) -> None:
        if o.manager_name is not None or o.manager_id not in managers:
            managers[o.manager_id] = o.manager_name or managers.get(o.manager_id)
        if o.manager_name is not None:
            settings[o.manager_id] = {"budget_minutes_week": o.budget_minutes_week,
                                      "late_minutes": o.late_minutes}
        if progress:
            progress(1)

    with engine.begin() as con:
        sink = team_sink(con)
        stats = ingest(sink, paths, batch=sink.batch, on_owner=owner,
                       on_invalid=lambda e: result.invalid.append(str(e)), owned=schema.OWNED)
        if managers:
            m = schema.manager
            stmt = _insert(con, m)
            named = [{"id": k, "name": v, **settings[k]} for k, v in managers.items() if v is not None]
            unnamed = [{"id": k, "name": None} for k, v in managers.items() if v is None]
            if named:
                con.execute(stmt.on_conflict_do_update(index_elements=["id"], set_={
                    "name": stmt.excluded.name, "budget_minutes_week": stmt.excluded.budget_minutes_week,
                    "late_minutes": stmt.excluded.late_minutes}), named)
            if unnamed:
                con.execute(stmt.on_conflict_do_nothing(index_elements=["id"]), unnamed)
        result.retracted = _apply_retractions(con, stats)
        result.files, result.skipped, result.loaded = stats.files, stats.skipped, stats.parsed
        result.managers, result.rows = len(managers), sum(stats.rows.values())
        if before_commit is not None:
            before_commit(con, result)
    return result
