"""The team path on a new machine, as a sales director meets it: an empty home folder, one
manager's real database exported to the team store beside a demo team of two more
managers, `fieldcoach team load`, then the real `fieldcoach team` at 80x24 (the figures
per manager and the team row drawn, a period key changing the period shown, q quitting),
and `fieldcoach privacy log` listing the load and the view."""

from __future__ import annotations

import json
from pathlib import Path

from ptyterm import run_command

# `fieldcoach demo` names its manager so; `demo --team` names the others (team_demo.py)
MANAGER = "Alex Morgan"
TEAM_MANAGERS = ("Zoë Adeyemi", "Jordan Becker")


def _ok(home: Path, *args: str) -> str:
    done = run_command(home, *args)
    assert done.returncode == 0, f"fieldcoach {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def test_a_director_loads_the_store_and_reads_the_team_view(new_home, open_app):
    home = new_home("director")
    store, demo_team = home / "store", home / "demo-team"
    _ok(home, "demo", "--calls", "12")  # a manager's own database, in the default place
    _ok(home, "export", "--store", str(store))
    _ok(home, "demo", "--team", str(demo_team), "--managers", "2", "--calls", "12")
    loaded = _ok(home, "team", "load", str(store), str(demo_team))
    assert "from 3 managers" in loaded, loaded

    t = open_app(home, "team")
    screen = t.wait_for("Team view", "4 weeks:", "3 managers", MANAGER, *TEAM_MANAGERS,
                        why="the Team view's figures per manager")
    team_row = next((line for line in screen.splitlines() if line.split()[:1] == ["Team"]), None)
    assert team_row is not None and any(c.isdigit() for c in team_row), t.dump()
    t.press("p")
    t.wait_for("Quarter:", why="the period key: from 4 weeks to the quarter")
    t.wait_gone("4 weeks:", why="the period key: the 4 weeks no longer shown")
    t.press("q")
    assert t.wait_exit("q") == 0, t.dump()

    entries = json.loads(_ok(home, "privacy", "log", "--json"))
    assert [e["action"] for e in entries] == ["load", "view"]
    assert entries[0]["scope"]["folders"] == [str(store), str(demo_team)]
    assert entries[0]["scope"]["managers"] == 3
    table = _ok(home, "privacy", "log").splitlines()
    column = table[0].index("action")
    assert [line[column:].split()[0] for line in table[1:]] == ["load", "view"]
