"""The schema as ordered SQL upgrade steps; PRAGMA user_version counts the steps applied.

Plain SQL (not SQLModel's create_all) so a step means the same thing forever, and so
opening an up-to-date file never has to import the ORM. Never edit a released step:
add one. tests/test_schema_sources.py runs every step on an empty file and checks the
result against the tables of models.py (columns, types, NOT NULL, defaults, keys).
"""

from __future__ import annotations

from .defaults import SEED_STAMP, SEEDED_SCRIPT, SEEDED_SKILLS

# Columns every synced record carries.
_STAMPS = """
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
"""

V1 = f"""
CREATE TABLE manager (
    {_STAMPS},
    name TEXT NOT NULL DEFAULT '',
    budget_minutes INTEGER NOT NULL DEFAULT 120,
    late_minutes INTEGER NOT NULL DEFAULT 30,
    store_dir TEXT,
    dayfirst INTEGER NOT NULL DEFAULT 1,
    theme TEXT NOT NULL DEFAULT 'textual-dark'
);
CREATE TABLE skill (
    {_STAMPS},
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE rep (
    {_STAMPS},
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    territory TEXT NOT NULL DEFAULT ''
);
CREATE TABLE goal (
    {_STAMPS},
    rep_id TEXT NOT NULL REFERENCES rep(id),
    statement TEXT NOT NULL,
    skill_ids TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX ix_goal_rep ON goal(rep_id, status);
CREATE TABLE expectation (
    {_STAMPS},
    rep_id TEXT NOT NULL REFERENCES rep(id),
    text TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_expectation_rep ON expectation(rep_id);
CREATE TABLE call (
    {_STAMPS},
    rep_id TEXT NOT NULL REFERENCES rep(id),
    account TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'coaching',
    status TEXT NOT NULL DEFAULT 'planned',
    scheduled_at TEXT,
    started_at TEXT,
    ended_at TEXT,
    feedback_started_at TEXT,
    feedback_ended_at TEXT,
    objective TEXT NOT NULL DEFAULT '',
    advance_min TEXT NOT NULL DEFAULT '',
    advance_stretch TEXT NOT NULL DEFAULT '',
    prep_answers TEXT NOT NULL DEFAULT '[]',
    skill_ids TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX ix_call_rep ON call(rep_id, ended_at);
CREATE INDEX ix_call_status ON call(status, scheduled_at);
CREATE INDEX ix_call_started ON call(started_at);
CREATE INDEX ix_call_updated ON call(updated_at, id);
CREATE TABLE note (
    {_STAMPS},
    call_id TEXT REFERENCES call(id),
    taken_at TEXT NOT NULL,
    offset_seconds INTEGER,
    text TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'plain',
    skill_id TEXT,
    private INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_note_call ON note(call_id, taken_at);
CREATE TABLE script_question (
    {_STAMPS},
    position INTEGER NOT NULL,
    stage TEXT NOT NULL,
    text TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE debrief_answer (
    {_STAMPS},
    call_id TEXT NOT NULL REFERENCES call(id),
    question_id TEXT,
    question TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    by TEXT NOT NULL DEFAULT 'rep',
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_answer_call ON debrief_answer(call_id, position);
CREATE TABLE rating (
    {_STAMPS},
    call_id TEXT NOT NULL REFERENCES call(id),
    skill_id TEXT NOT NULL,
    by TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5)
);
CREATE INDEX ix_rating_call ON rating(call_id);
CREATE TABLE next_step (
    {_STAMPS},
    call_id TEXT REFERENCES call(id),
    rep_id TEXT NOT NULL REFERENCES rep(id),
    owner TEXT NOT NULL DEFAULT 'rep',
    action TEXT NOT NULL,
    due_at TEXT,
    done_at TEXT
);
CREATE INDEX ix_step_rep ON next_step(rep_id, done_at);
CREATE INDEX ix_step_call ON next_step(call_id);
CREATE TABLE sync_state (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
"""

# Home's "last coached" per rep: one index seek per rep for max(ended_at) instead of a
# walk over every call.
V2 = """
CREATE INDEX ix_call_rep_kind ON call(rep_id, kind, deleted_at, ended_at);
"""


def _sql(value: str | int) -> str:
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"


def _seed(table: str, columns: tuple[str, ...], rows: list[tuple[str | int, ...]]) -> str:
    values = ",\n    ".join("(" + ", ".join(_sql(v) for v in row) + ")" for row in rows)
    return (f"INSERT INTO {table} (id, created_at, updated_at, {', '.join(columns)})\n"
            f"SELECT * FROM (VALUES\n    {values})\nWHERE NOT EXISTS (SELECT 1 FROM {table});\n")


# A new database is usable at once: the default skill catalogue and feedback script, with
# the stable ids and fixed stamp of defaults.py. A file from an older version that never
# got them (the app was opened, settings never visited) gains them too; one that has a
# catalogue or a script of its own, tombstones included, keeps it as it is.
V3 = _seed("skill", ("name", "description", "position"),
           [(id_, SEED_STAMP, SEED_STAMP, name, desc, i)
            for i, (id_, name, desc) in enumerate(SEEDED_SKILLS)]) + \
    _seed("script_question", ("stage", "text", "position"),
          [(id_, SEED_STAMP, SEED_STAMP, stage, text, i)
           for i, (id_, stage, text) in enumerate(SEEDED_SCRIPT)])

# Every rep and call belongs to a manager (PRODUCT.md section 5, "Ownership"). Until now a
# file held one manager, so its reps and calls are that manager's; a file with records
# and no manager row yet gets one (a random UUID, dated by its oldest record), as the app
# would have made on the first visit to settings or export. manager_id is nullable only
# because SQLite cannot add a NOT NULL column that references another table; everything
# that writes a rep or a call sets it. The manager-first indexes replace the call indexes
# home and export read, so their queries stay index searches once scoped to the manager.
_UUID4 = ("lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
          "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) || "
          "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))")
_FIRST_MANAGER = "(SELECT id FROM manager WHERE deleted_at IS NULL ORDER BY created_at, id LIMIT 1)"
V4 = f"""
ALTER TABLE rep ADD COLUMN manager_id TEXT REFERENCES manager(id);
ALTER TABLE call ADD COLUMN manager_id TEXT REFERENCES manager(id);
INSERT INTO manager (id, created_at, updated_at)
SELECT {_UUID4}, t, t FROM (
    SELECT min(t) AS t FROM (SELECT min(created_at) AS t FROM rep
                             UNION ALL SELECT min(created_at) FROM call))
WHERE t IS NOT NULL AND NOT EXISTS (SELECT 1 FROM manager WHERE deleted_at IS NULL);
UPDATE rep SET manager_id = {_FIRST_MANAGER};
UPDATE call SET manager_id = {_FIRST_MANAGER};
CREATE INDEX ix_rep_manager ON rep(manager_id, deleted_at);
DROP INDEX ix_call_started;
DROP INDEX ix_call_status;
DROP INDEX ix_call_updated;
CREATE INDEX ix_call_manager_started ON call(manager_id, started_at);
CREATE INDEX ix_call_manager_status ON call(manager_id, status, scheduled_at);
CREATE INDEX ix_call_manager_updated ON call(manager_id, updated_at, id);
"""

# A note that has been in the team store (exported from here, or imported from it) and is
# made private later is retracted: the next export carries it as an id-only tombstone
# (PRODUCT.md section 5). A note private from the start never leaves at all, not even as
# a tombstone: its id and timing would tell the team that the manager wrote something
# private about the rep. In a file that has exported before, every call note may be in
# the store already (private ones too: made private after an export that carried them),
# so they count as shared.
V5 = """
ALTER TABLE note ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
UPDATE note SET shared = 1
WHERE call_id IS NOT NULL AND EXISTS (SELECT 1 FROM sync_state WHERE key LIKE 'export:%');
"""

# What import read of each folder (sync/ingest.py): a file whose size and mtime (or, when
# those are in doubt, content hash) are as recorded is not read again. Bookkeeping, like
# sync_state: not a synced record, so not a table of models.py.
V6 = """
CREATE TABLE ingest_file (
    folder TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    read_ns INTEGER NOT NULL,
    PRIMARY KEY (folder, path)
) WITHOUT ROWID;
"""

# The rep's voice (PRODUCT.md section 9): at the end of the debrief the rep may acknowledge
# the recap (when) and add a comment in their own words; both travel with the call.
V7 = """
ALTER TABLE call ADD COLUMN rep_acknowledged_at TEXT;
ALTER TABLE call ADD COLUMN rep_comment TEXT;
"""

# Retention per record class (PRODUCT.md section 9): days a record is kept, NULL for
# "keep forever" (the default). The receipts of purges and forgotten reps: when, what, and
# how many records of each kind, never what they held. Bookkeeping, like sync_state.
V8 = """
ALTER TABLE manager ADD COLUMN keep_private_notes_days INTEGER;
ALTER TABLE manager ADD COLUMN keep_notes_days INTEGER;
ALTER TABLE manager ADD COLUMN keep_ratings_days INTEGER;
ALTER TABLE manager ADD COLUMN keep_calls_days INTEGER;
ALTER TABLE manager ADD COLUMN keep_inbox_days INTEGER;
CREATE TABLE privacy_receipt (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    counts TEXT NOT NULL
);
"""

# Index i holds the step that takes a file from version i to version i + 1.
STEPS: list[str] = [V1, V2, V3, V4, V5, V6, V7, V8]
SCHEMA_VERSION = len(STEPS)
