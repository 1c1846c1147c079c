"""The team database's tables: the store's records of every manager, keyed so that two
managers cannot collide where their ids may be equal (the seeded default skills share
fixed ids everywhere: skills are keyed by manager and id), and the file states the
ingestion engine keeps. Stamps are text in the stored form (UTC, microseconds,
"+00:00"), so they compare as text on every engine."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, Table, Text

from ..sync.ingest import columns

# Raise with a migration in db.MIGRATIONS whenever the tables change.
VERSION = 3

metadata = MetaData()

# Text compares byte by byte as in SQLite, whatever the server's locale: stamps and ids
# compare as text, and a folder's files are read by a path range ("a/b/" up to "a/b0").
TEXT = Text().with_variant(Text(collation="C"), "postgresql")

# (a call's advance_min and advance_stretch are words, not numbers: text, as PostgreSQL insists)
INTEGER_COLUMNS = {"position", "offset_seconds", "score", "shared"}
# The ingestion engine appends the document's manager to these tables' rows (load.py).
OWNED = ("skill",)

# Version 2 added the rep's words on a call (db._to_2); the ingestion engine sends them
# (from fieldcoach/1.1 documents; older ones leave them empty).
REP_VOICE = ("rep_acknowledged_at", "rep_comment")


# Period views read calls by start (coaching) and by schedule (selling), never the whole
# table. The busiest reads (a period's coaching calls, and their ratings) find all they
# need in the index, without a look-up of each row: calls by start carry the columns the
# figures read (version 3), ratings by call the rater, skill and score.
CALLS_BY_START = ("started_at", "deleted_at", "kind", "manager_id", "rep_id", "id", "ended_at",
                  "feedback_started_at", "feedback_ended_at")
RATINGS_BY_CALL = ("call_id", "deleted_at", "by", "skill_id", "score")
COVERING = {"call": CALLS_BY_START, "rating": RATINGS_BY_CALL}


def _record_table(name: str, *indexes: tuple[str, ...]) -> Table:
    cols = columns(name) + (("manager_id",) if name in OWNED else ())
    key = ("manager_id", "id") if name in OWNED else ("id",)
    return Table(
        name, metadata,
        *(Column(c, Integer if c in INTEGER_COLUMNS else TEXT, primary_key=c in key,
                 nullable=c not in key and c not in ("created_at", "updated_at")) for c in cols),
        *(Index(index_name(name, ix), *ix) for ix in indexes))


def index_name(table: str, cols: tuple[str, ...]) -> str:
    """ix_<table>_<first column>, plus "_cover" when the index carries more columns than
    it is searched by (names stay short; PostgreSQL cuts them at 63 bytes)."""
    if table in COVERING and cols == COVERING[table]:
        return f"ix_{table}_{cols[0]}_cover"
    return f"ix_{table}_{'_'.join(cols)}"


schema_version = Table("schema_version", metadata, Column("version", Integer, primary_key=True))
# budget and late threshold: the manager's own settings, from the store's manifest (version 2)
manager = Table("manager", metadata, Column("id", TEXT, primary_key=True), Column("name", TEXT),
                Column("budget_minutes_week", Integer), Column("late_minutes", Integer))
skill = _record_table("skill")
rep = _record_table("rep", ("manager_id",))
goal = _record_table("goal", ("rep_id",))
expectation = _record_table("expectation", ("rep_id",))
# period views read calls by start (coaching) and by schedule (selling), never the whole table
call = _record_table("call", CALLS_BY_START, ("scheduled_at",), ("manager_id", "rep_id"))
note = _record_table("note", ("call_id",))
debrief_answer = _record_table("debrief_answer", ("call_id",))
rating = _record_table("rating", RATINGS_BY_CALL)
# done in a period: by done_at; open and due in a period: done_at IS NULL, then due_at
next_step = _record_table("next_step", ("done_at", "due_at"), ("rep_id",))
ingest_file = Table(
    "ingest_file", metadata,
    Column("folder", TEXT, primary_key=True), Column("path", TEXT, primary_key=True),
    Column("size", BigInteger, nullable=False), Column("mtime_ns", BigInteger, nullable=False),
    Column("sha256", TEXT, nullable=False), Column("read_ns", BigInteger, nullable=False))

# Who saw what (PRODUCT.md section 9): one row per load, report, export or view; rows are
# only ever added, and removed only when older than the policy's retention (version 2).
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", TEXT, nullable=False),       # stored stamp, UTC
    Column("who", TEXT, nullable=False),      # the operating-system user, and host
    Column("action", TEXT, nullable=False),   # load, report, export, view, access
    Column("scope", TEXT, nullable=False),    # JSON: period, managers, rep detail, paths...
    Index("ix_audit_log_at", "at"))

RECORDS = {t.name: t for t in (skill, rep, goal, expectation, call, note, debrief_answer, rating, next_step)}
# The columns a row from the ingestion engine fills, in its order.
SENT = {name: columns(name) + (("manager_id",) if name in OWNED else ()) for name in RECORDS}
