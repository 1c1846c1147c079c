"""The Team view's first figures read while Textual loads (fieldcoach/team/early.py): by
a child process where there is fork, else a thread; the child's answer, its errors, its
death, and a view recorded once however the figures were read."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from fieldcoach.errors import UserError
from fieldcoach.team import early
from fieldcoach.team.db import open_team_db
from fieldcoach.team.policy import Policy
from fieldcoach.team.rollup import period, team_figures
from fieldcoach.team.view import TeamData
from tests.team_seed import NOW, seed

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


def _fail() -> None:
    raise UserError("no team database here")


@needs_fork
def test_a_child_hands_back_its_answer_or_its_error() -> None:
    parent = os.getpid()
    assert early._Forked(lambda: (os.getpid() != parent, {"figures": [1, 2]})).result() == (True, {"figures": [1, 2]})
    with pytest.raises(UserError, match="no team database here"):
        early._Forked(_fail).result()


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("the words survive")
        self.handle = lambda: None  # pickle cannot carry this


def _raise_unpicklable() -> None:
    raise _Unpicklable()


@needs_fork
def test_an_error_the_pipe_cannot_carry_arrives_as_its_words() -> None:
    with pytest.raises(UserError, match="the words survive"):
        early._Forked(_raise_unpicklable).result()


@needs_fork
def test_when_the_child_dies_the_parent_reads_itself() -> None:
    parent = os.getpid()

    def read() -> str:
        if os.getpid() != parent:
            os._exit(9)  # killed before answering
        return "read by the parent"

    assert early._Forked(read).result() == "read by the parent"


@needs_fork
def test_an_answer_never_taken_is_let_go() -> None:
    answer = early._Forked(lambda: "unused")
    answer.close()
    answer.close()  # twice is harmless
    with pytest.raises(RuntimeError):
        answer.result()


def test_a_thread_reads_where_there_is_no_fork() -> None:
    assert early._Threaded(lambda: 42).result() == 42
    with pytest.raises(UserError):
        early._Threaded(_fail).result()


def _views(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM audit_log WHERE action = 'view'").fetchone()[0])
    finally:
        con.close()


@pytest.mark.parametrize("how", ["fork", "thread"])
def test_early_figures_are_the_figures_and_the_view_is_logged_once(tmp_path: Path, how: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    if how == "fork" and not hasattr(os, "fork"):
        pytest.skip("no fork on this system")
    if how == "thread":
        monkeypatch.setattr(early, "_cores", lambda: 1)
    url = seed(tmp_path)
    db = Path(url.removeprefix("sqlite:///"))
    engine = open_team_db(url)
    with engine.connect() as con:
        want = team_figures(con, period("4weeks", NOW), NOW)
    engine.dispose()

    data = TeamData(url, Policy())
    data.read_early("4weeks", 0, NOW)
    opened, figures = data.opening("4weeks", 0, NOW)
    assert opened.ready and figures == want
    later = data.figures("quarter", 0, NOW)  # the next read opens the database here, once
    assert later.period.kind == "quarter"
    data.close()
    assert _views(db) == 1


def test_an_early_read_for_another_period_is_not_used(tmp_path: Path) -> None:
    url = seed(tmp_path)
    data = TeamData(url, Policy())
    data.read_early("week", 0, NOW)
    opened, figures = data.opening("quarter", 0, NOW)
    assert opened.ready and figures is not None and figures.period.kind == "quarter"
    data.close()
    assert _views(Path(url.removeprefix("sqlite:///"))) == 1
