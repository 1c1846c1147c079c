"""Every statement the team database's reads and its audit log run, written once in
SQLAlchemy Core and compiled by SQLAlchemy for each engine into compiled_sql.py.

Why compiled ahead: importing SQLAlchemy costs about as much CPU as launching a whole
hello-world Textual app, and PRODUCT.md section 8 gives the Team view twice that to show
its figures, and a reload with nothing changed 5% of a load. So the figures, the audit log
and the unchanged-reload check run these statements' compiled text on the database's
driver (sqlite3, or psycopg under SQLAlchemy's engine) through dbapi.TeamDb, and only
creating, migrating and loading the database import SQLAlchemy. One set of statements,
one executor, both engines.

After changing a statement, write compiled_sql.py again with

    make sql        (python -m fieldcoach.team.statements)

tests/test_team_statements.py fails while the file and these statements differ.

Parameters are named (bindparam); a statement's constants ("selling") are bound
parameters too, their values kept beside the compiled text.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sqlalchemy import ClauseElement, ColumnElement, and_, bindparam, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from . import schema

c, r, n, g, rt, m = schema.call, schema.rep, schema.next_step, schema.goal, schema.rating, schema.manager
a, f = schema.audit_log, schema.ingest_file
mr, rr = rt.alias("m"), rt.alias("r")  # a rating by the manager, and the rep's of the same skill

DIALECTS: dict[str, Dialect] = {
    "sqlite": sqlite.dialect(paramstyle="named"),     # :name, as sqlite3 takes with a dict
    "postgresql": postgresql.psycopg.dialect(),  # type: ignore[no-untyped-call]  # %(name)s, as psycopg takes
}
OUT = Path(__file__).with_name("compiled_sql.py")


def _p(name: str) -> Any:
    return bindparam(name)


COACHING = c.c.kind != "selling"


def _scoped(scope: str) -> tuple[Any, ColumnElement[bool], Any, list[ColumnElement[bool]]]:
    """(call key, live calls, step key, step filter) for figures per manager ("team") or
    per rep of one manager ("manager")."""
    if scope == "team":
        return c.c.manager_id, c.c.deleted_at.is_(None), r.c.manager_id, []
    return (c.c.rep_id, and_(c.c.deleted_at.is_(None), c.c.manager_id == _p("manager_id")), r.c.id,
            [r.c.manager_id == _p("manager_id")])


def _figures(scope: str) -> dict[str, ClauseElement]:
    key, live, skey, sscope = _scoped(scope)
    step_live = and_(n.c.deleted_at.is_(None), r.c.id == n.c.rep_id)
    return {
        # the period's coaching calls (by start)
        f"coaching_calls/{scope}": select(
            key, c.c.manager_id, c.c.rep_id, c.c.started_at, c.c.ended_at, c.c.feedback_started_at,
            c.c.feedback_ended_at)
        .where(c.c.started_at >= _p("start"), c.c.started_at < _p("end"), live, COACHING),
        # selling calls done, by schedule
        f"selling_done/{scope}": select(key, func.count())
        .where(c.c.scheduled_at >= _p("start"), c.c.scheduled_at < _p("end"), live, c.c.kind == "selling",
               c.c.status == "done").group_by(key),
        # reps coached in the NOT_COACHED_DAYS before as_of
        f"recent_reps/{scope}": select(key, c.c.rep_id)
        .where(c.c.started_at >= _p("start"), c.c.started_at < _p("end"), live, COACHING)
        .group_by(key, c.c.rep_id),
        f"steps_done/{scope}": select(skey, func.count()).select_from(n).join(r, step_live)
        .where(n.c.done_at >= _p("start"), n.c.done_at < _p("end"), *sscope).group_by(skey),
        f"steps_overdue/{scope}": select(skey, func.count()).select_from(n).join(r, step_live)
        .where(n.c.due_at >= _p("start"), n.c.due_at < _p("end"), n.c.done_at.is_(None), *sscope)
        .group_by(skey),
        # each rep's agreed focus skills: the skills of their active goals
        f"focus_skills/{scope}": select(g.c.rep_id, g.c.skill_ids).select_from(g)
        .join(r, r.c.id == g.c.rep_id).where(g.c.deleted_at.is_(None), g.c.status == "active", *sscope),
        # the manager's ratings of the coaching calls started from start (the period before)
        # to end, each with the rep's own score of the skill on the call beside it
        f"ratings/{scope}": select(key, c.c.rep_id, c.c.id, c.c.started_at, mr.c.skill_id, mr.c.score,
                                   rr.c.score)
        .select_from(c)
        .join(mr, and_(mr.c.call_id == c.c.id, mr.c.deleted_at.is_(None), mr.c.by == "manager"))
        .outerjoin(rr, and_(rr.c.call_id == c.c.id, rr.c.deleted_at.is_(None), rr.c.by == "rep",
                            rr.c.skill_id == mr.c.skill_id))
        .where(c.c.started_at >= _p("start"), c.c.started_at < _p("end"), live, COACHING),
    }


def _sessions() -> dict[str, ClauseElement]:
    """A rep's calls in a period (drill-down): coaching calls by start, selling calls by
    schedule; read by manager and rep."""
    in_period = and_(
        c.c.manager_id == _p("manager_id"), c.c.rep_id == _p("rep_id"), c.c.deleted_at.is_(None),
        or_(and_(c.c.started_at >= _p("start"), c.c.started_at < _p("end")),
            and_(c.c.started_at.is_(None), c.c.scheduled_at >= _p("start"), c.c.scheduled_at < _p("end"))))
    return {
        "rep_calls": select(c.c.id, c.c.kind, c.c.status, c.c.scheduled_at, c.c.started_at, c.c.ended_at,
                            c.c.feedback_started_at, c.c.feedback_ended_at, c.c.rep_acknowledged_at,
                            c.c.rep_comment).where(in_period),
        "rep_ratings": select(rt.c.call_id, rt.c.skill_id, rt.c.by, rt.c.score).select_from(c)
        .join(rt, and_(rt.c.call_id == c.c.id, rt.c.deleted_at.is_(None))).where(in_period),
        "rep_steps": select(n.c.call_id, n.c.due_at, n.c.done_at)
        .where(n.c.rep_id == _p("rep_id"), n.c.deleted_at.is_(None)),
    }


def _statements() -> dict[str, ClauseElement]:
    manager_cols = (m.c.id, m.c.name, m.c.budget_minutes_week, m.c.late_minutes)
    return {
        "schema_version": select(schema.schema_version.c.version),
        "manager_count": select(func.count()).select_from(m),
        "managers": select(*manager_cols),
        "manager": select(*manager_cols).where(m.c.id == _p("manager_id")),
        "rep_counts": select(r.c.manager_id, func.count()).where(r.c.deleted_at.is_(None))
        .group_by(r.c.manager_id),
        "roster": select(r.c.id, r.c.name)
        .where(r.c.manager_id == _p("manager_id"), r.c.deleted_at.is_(None)),
        "last_coached": select(c.c.rep_id, func.max(c.c.started_at))
        .where(c.c.manager_id == _p("manager_id"), c.c.deleted_at.is_(None), COACHING,
               c.c.started_at < _p("end")).group_by(c.c.rep_id),
        **_figures("team"), **_figures("manager"), **_sessions(),
        # the file states of a folder's subtree: paths from lo (a directory) up to hi
        "file_states": select(f.c.folder, f.c.path, f.c.size, f.c.mtime_ns, f.c.sha256, f.c.read_ns)
        .where(f.c.folder == _p("folder"), f.c.path >= _p("lo"), f.c.path < _p("hi")),
        "audit_insert": insert(a).values(at=_p("at"), who=_p("who"), action=_p("action"), scope=_p("scope")),
        "audit_purge": delete(a).where(a.c.at < _p("cut")),
        "audit_entries": select(a.c.id, a.c.at, a.c.who, a.c.action, a.c.scope)
        .where(a.c.at >= _p("since")).order_by(a.c.at, a.c.id),
        "audit_all": select(a.c.id, a.c.at, a.c.who, a.c.action, a.c.scope).order_by(a.c.at, a.c.id),
    }


def compile_all() -> dict[str, dict[str, tuple[str, dict[str, Any]]]]:
    """Per engine, per statement: (compiled text, the constants' parameter values)."""
    out: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
    for engine, dialect in DIALECTS.items():
        out[engine] = {}
        for name, stmt in sorted(_statements().items()):
            compiled = stmt.compile(dialect=dialect)
            consts = {k: v for k, v in compiled.params.items() if v is not None}
            out[engine][name] = (str(compiled), consts)
    return out


def source() -> str:
    """compiled_sql.py's text for the statements as they are now."""
    import sqlalchemy

    lines = ['"""The statements of statements.py compiled for each engine. Written by',
             "`make sql` (python -m fieldcoach.team.statements): do not edit.\"\"\"", "",
             "from typing import Any", "",
             f"SQLALCHEMY = {sqlalchemy.__version__!r}  # the version that compiled them", "",
             "SQL: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {"]
    for engine, stmts in compile_all().items():
        lines.append(f"    {engine!r}: {{")
        for name, (sql, consts) in stmts.items():
            lines.append(f"        {name!r}: (")
            lines.append(f"            {sql!r},")
            lines.append(f"            {consts!r}),")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(source(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}", file=sys.stderr)
