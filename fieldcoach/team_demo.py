"""`fieldcoach demo --team DIR --managers N --calls N`: a whole team store of demo managers.

Each manager gets their own name, reps, budget and habits: some coach every week and
some rarely, some debrief at once and some days later, some reps' self-assessment gap
closes in on their manager's ratings and some does not. Each manager's database is
written by the plain demo writer into a temporary file and exported to DIR by the real
exporter, so the documents are exactly what managers' laptops write (and validate, and
import). Ids are fresh UUIDs per database, so nothing collides across managers except
the seeded default skills, whose ids are the same everywhere on purpose (defaults.py).
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .demo import Habits, write_demo

FIRST = ["Alex", "Sam", "Jordan", "Priya", "Tom", "Aisha", "Liam", "Sofia", "Jonas", "Mei", "Daniel",
         "Zoë", "Ravi", "Hannah", "Kwame", "Nadia", "Gareth", "Fiona", "Ian", "Leah", "Omar", "Ingrid",
         "Marta", "Chidi", "Yuki", "Pedro", "Elif", "Sven", "Amara", "Rhys"]
LAST = ["Morgan", "Okafor", "Shah", "Becker", "O'Connor", "Marques", "Lindqvist", "Chen", "Evans",
        "Dubois", "Patel", "Müller", "Mensah", "Rahman", "Price", "Walsh", "Brooks", "Grant", "Haddad",
        "Nakamura", "Kowalski", "Svensson", "Costa", "Adeyemi", "Jensen", "Ivanova", "Murphy", "Silva"]
ROLES = ["Account Executive", "Account Executive", "Senior AE", "Business Development Rep"]
REGIONS = ["London", "Midlands", "North West", "North East", "Scotland", "Wales", "South West", "East",
           "Yorkshire", "Thames Valley", "Home Counties", "Benelux", "DACH", "Nordics", "Iberia", "France"]
AREAS = ["North", "South", "East", "West", "Central", "Metro"]

# (weeks per 25 calls, share of quiet weeks): how often a manager coaches
CADENCE = {"weekly": (1, 0.0), "most weeks": (2, 0.2), "rarely": (4, 0.55)}
# minutes from the end of the call to the debrief
DEBRIEF = {"at once": (2, 5, 8, 12, 20), "same day": (30, 60, 120, 240),
           "days later": (1440, 2880, 4320, 30)}
BUDGETS = (60, 90, 120, 120, 180, 240)


@dataclass(frozen=True)
class Manager:
    habits: Habits
    budget_minutes: int
    cadence: str
    debrief: str


def team(managers: int, seed: int = 7) -> list[Manager]:
    """Managers with distinct names and rosters (no rep name twice in the team)."""
    rng = random.Random(seed)
    people = [f"{f} {last}" for f in FIRST for last in LAST]
    rng.shuffle(people)
    out = []
    for i in range(managers):
        name = people.pop()
        region = REGIONS[i % len(REGIONS)] + (f" {i // len(REGIONS) + 1}" if i >= len(REGIONS) else "")
        reps = tuple((people.pop(), rng.choice(ROLES), f"{region} {AREAS[j % len(AREAS)]}")
                     for j in range(rng.randint(4, 9)))
        cadence = rng.choice(list(CADENCE))
        debrief = rng.choice(list(DEBRIEF))
        per_25, quiet = CADENCE[cadence]
        habits = Habits(manager=name, reps=reps, weeks_per_25_calls=per_25, quiet_weeks=quiet,
                        feedback_delays=DEBRIEF[debrief], gap_closes=rng.random() < 0.6)
        out.append(Manager(habits, rng.choice(BUDGETS), cadence, debrief))
    return out


def write_team(folder: Path, *, managers: int, calls: int, seed: int = 7, now: datetime | None = None,
               progress: Callable[[int, Manager, str], None] | None = None) -> int:
    """Write the store; returns the number of call documents written."""
    from .db import transaction
    from .store import Store
    from .sync.export import export_store

    written = 0
    for i, m in enumerate(team(managers, seed)):
        with tempfile.TemporaryDirectory(prefix="fieldcoach-team-") as tmp:
            store = Store(Path(tmp) / "manager.db")
            store.open()
            try:
                summary = write_demo(store, calls=calls, seed=seed * 1000 + i, now=now, habits=m.habits)
                con = store.con()
                with transaction(con):
                    con.execute("UPDATE manager SET budget_minutes = ?", (m.budget_minutes,))
                mid = con.execute("SELECT id FROM manager").fetchone()[0]
                r = export_store(con, folder, mid, m.habits.manager, full=True)
                written += sum(1 for p in r.written if "/calls/" in p)
            finally:
                store.close()
        if progress:
            progress(i, m, summary)
    return written
