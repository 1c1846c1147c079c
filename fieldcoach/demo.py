"""Realistic demo data, fast enough to write 10,000 calls for the benchmark.

Rows go in with plain sqlite3 executemany inside one transaction (the ORM would take
minutes for 10,000 calls); only the manager row (services.bootstrap) goes through the
ORM. The skill catalogue and the script are already there: the schema seeds them.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from . import coaching
from .clock import local_tz, to_db, utcnow, week_start
from .db import transaction
from .store import Store

REPS = [
    ("Priya Shah", "Account Executive", "London North"), ("Tom Becker", "Account Executive", "Midlands"),
    ("Aisha Okafor", "Senior AE", "London South"), ("Liam O'Connor", "Account Executive", "North West"),
    ("Sofia Marques", "Business Development Rep", "Scotland"), ("Jonas Lindqvist", "Senior AE", "South West"),
    ("Mei Chen", "Account Executive", "East"), ("Daniel Evans", "Business Development Rep", "Wales"),
    ("Zoë Dubois", "Account Executive", "Home Counties"), ("Ravi Patel", "Senior AE", "Yorkshire"),
    ("Hannah Müller", "Account Executive", "Thames Valley"),
    ("Kwame Mensah", "Account Executive", "North East"),
]
ACCOUNTS = ["Brightwell Logistics", "Harbour Foods", "Kestrel Insurance", "Northgate Health",
            "Orchard Retail", "Pennine Water", "Quayside Hotels", "Redfern Engineering",
            "Sable Pharma", "Thornbury Council", "Unity Housing", "Vantage Motors",
            "Willow Care Homes", "Yardley Construction", "Zenith Telecom", "Ashdown Schools"]
CONTACTS = ["Claire Hughes (Ops Director)", "Mark Ellis (CFO)", "Nadia Rahman (Procurement)",
            "Gareth Price (IT Manager)", "Fiona Walsh (Head of Facilities)", "Ian Brooks (CEO)",
            "Leah Grant (Buyer)", "Sam Turner (Finance Manager)"]
OBJECTIVES = ["Confirm the pain behind the tender", "Agree a pilot scope", "Meet the economic buyer",
              "Uncover the decision process", "Present the ROI case", "Handle the pricing concern"]
ADVANCES = [("Second meeting booked with IT", "Pilot agreed with a start date"),
            ("Buyer shares the current contract", "Introduction to the CFO"),
            ("Date for a site visit", "Verbal yes to a pilot"),
            ("Follow-up call in the diary", "Joint evaluation plan signed off")]
NOTES = {
    "strength": ["opened with a clear agenda and checked theirs", "great open question on current process",
                 "summarised the buyer's three priorities back", "let the silence work after the price",
                 "linked the demo to the downtime they mentioned", "asked for the next meeting with a date"],
    "improve": ["talked over the buyer twice", "jumped to the demo before discovery",
                "answered the price objection too fast", "no agenda at the start",
                "missed the cue about the budget freeze", "did not ask for the advance"],
    "question": ["what made you move to the demo there?", "how did you read the CFO's reaction?",
                 "what would you ask if you had five more minutes?", "why did you drop the case study?"],
    "plain": ["buyer late by 10 min", "two people from IT joined", "competitor mentioned: Apex",
              "budget cycle starts April", "buyer took notes during the ROI slide"],
}
ANSWERS = ["It ended well, they want a follow-up.", "Yes, we got the second meeting.",
           "Partly: we got the contract but not the CFO.", "The discovery part went well.",
           "I would slow down before the demo.", "They raised price earlier than I expected.",
           "Keep asking about impact.", "Stop answering objections before exploring them.",
           "Start asking for the advance explicitly."]
STEPS = [("rep", "Send recap and proposed pilot plan"), ("rep", "Book follow-up with the CFO"),
         ("manager", "Share the objection-handling playbook"), ("rep", "Prepare three impact questions"),
         ("manager", "Join the next call with Kestrel"), ("rep", "Role-play the price objection")]


def _id(rng: random.Random) -> str:
    """A new random id, unique to this database: two demo databases never share a rep or a
    call, so their exports make a realistic team store. The seeded generator still takes
    its draw, so everything else comes out as before for the same seed and clock."""
    rng.getrandbits(128)
    return str(uuid.uuid4())


def _working_day(day: datetime, tz: tzinfo, hour: int, minute: int) -> datetime:
    """That day at hour:minute local time, moved on to Monday if it falls on a weekend (UTC)."""
    loc = day.astimezone(tz)
    if loc.weekday() >= 5:  # Saturday or Sunday
        loc += timedelta(days=7 - loc.weekday())
    return datetime(loc.year, loc.month, loc.day, hour, minute, tzinfo=tz).astimezone(day.tzinfo)


@dataclass(frozen=True)
class Habits:
    """How one manager coaches; the defaults are the plain demo's manager. team_demo.py
    gives each manager of a team their own."""

    manager: str = "Alex Morgan"
    reps: tuple[tuple[str, str, str], ...] = ()   # (name, role, territory); () = the demo's own
    weeks_per_25_calls: int = 1       # how far the calls spread: 4 = a quarter of the weeks' pace
    quiet_weeks: float = 0.0          # share of the weeks with no coaching at all
    feedback_delays: tuple[int, ...] = (2, 5, 8, 12, 20, 45, 90)  # minutes from call end to debrief
    gap_closes: bool = True           # the rep's self-rating closes in on the manager's over time


def write_demo(store: Store, *, calls: int = 40, seed: int = 7, now: datetime | None = None,
               tz: tzinfo | None = None, habits: Habits = Habits()) -> str:
    """Calls fall on working days (Monday to Friday, office hours in tz, the machine's zone by
    default) of past calendar weeks, leaving the week before last without coaching."""
    from .queries import script, skills
    from .services import bootstrap

    rng = random.Random(seed)
    now = now or utcnow()
    tz = tz or local_tz()
    this_monday = week_start(now, tz)
    manager_id = bootstrap(store, manager_name=habits.manager)
    con = store.con()
    skill_ids = [k.id for k in skills(con)]
    questions = script(con)
    roster = list(habits.reps) or REPS[:6 if calls <= 200 else len(REPS)]
    weeks = max(10, -(-calls // 25) * habits.weeks_per_25_calls)
    quiet = {w for w in range(3, weeks) if rng.random() < habits.quiet_weeks} if habits.quiet_weeks else set()
    busy = [w for w in range(1, weeks) if w not in quiet and w != 2]
    rows: dict[str, list[tuple[Any, ...]]] = {
        k: [] for k in ("rep", "goal", "exp", "call", "note", "ans", "rat", "step")}

    def stamps(at: datetime) -> tuple[str, str]:
        s = to_db(at)
        return s, s

    reps = []
    for name, role, terr in roster:
        rid = _id(rng)
        reps.append(rid)
        rows["rep"].append((rid, *stamps(now - timedelta(weeks=weeks + 2)), name, role, terr))
        if rng.random() < 0.85:  # one rep without an agreed goal shows up in the focus list
            focus = rng.sample(skill_ids, rng.randint(1, 3))
            rows["goal"].append((_id(rng), *stamps(now - timedelta(weeks=weeks)), rid,
                                 "Win the next meeting by asking before telling", json.dumps(focus),
                                 "active"))
        for i, text in enumerate(coaching.DEFAULT_EXPECTATIONS):
            rows["exp"].append((_id(rng), *stamps(now - timedelta(weeks=weeks)), rid, text, i))

    n_skip_week = 2  # a week with no coaching, so home shows an honest gap
    # N calls in all: from 10 on, three of them are the live debrief and two planned calls.
    finished = calls - 3 if calls >= 10 else calls
    for i in range(finished):
        rid = rng.choice(reps)
        cid = _id(rng)
        kind = coaching.SELLING if rng.random() < 0.2 else coaching.COACHING
        wk = rng.randrange(1, weeks) if calls > 10 else (i % 9) + 1
        if wk == n_skip_week:
            wk = 1
        elif wk in quiet:
            wk = rng.choice(busy)
        day = this_monday - timedelta(weeks=wk) + timedelta(days=rng.randint(0, 4), hours=12)
        start = _working_day(day, tz, rng.choice([9, 10, 11, 13, 14, 15]), rng.choice([0, 15, 30]))
        end = start + timedelta(minutes=rng.randint(25, 70))
        # a debrief days later still lies in the past
        fb_start = min(end + timedelta(minutes=rng.choice(habits.feedback_delays)),
                       max(end, now - timedelta(hours=1)))
        fb_end = fb_start + timedelta(minutes=rng.randint(10, 30))
        focus = rng.sample(skill_ids, rng.randint(1, 3))
        adv = rng.choice(ADVANCES)
        prep = [{"text": t, "answer": rng.choice(["done", "yes", "partly"])}
                for t in coaching.DEFAULT_EXPECTATIONS]
        if kind == coaching.SELLING:
            rows["call"].append((cid, *stamps(end), None, rid, rng.choice(ACCOUNTS), rng.choice(CONTACTS),
                                 kind, "done", to_db(start), None, to_db(end), None, None,
                                 rng.choice(OBJECTIVES), adv[0], adv[1], "[]", "[]"))
            continue
        rows["call"].append((cid, *stamps(fb_end), None, rid, rng.choice(ACCOUNTS), rng.choice(CONTACTS),
                             kind, "done", to_db(start - timedelta(days=2)), to_db(start), to_db(end),
                             to_db(fb_start), to_db(fb_end), rng.choice(OBJECTIVES), adv[0], adv[1],
                             json.dumps(prep), json.dumps(focus)))
        for _ in range(rng.randint(9, 15)):
            k = rng.choices(["strength", "improve", "question", "plain"], [3, 3, 2, 2])[0]
            off = rng.randint(30, int((end - start).total_seconds()))
            at = start + timedelta(seconds=off)
            rows["note"].append((_id(rng), *stamps(at), None, cid, to_db(at), off, rng.choice(NOTES[k]), k,
                                 rng.choice(focus) if k != "plain" else None, int(rng.random() < 0.05)))
        for pos, q in enumerate(questions):
            rows["ans"].append((_id(rng), *stamps(fb_start), None, cid, q.id, q.text, rng.choice(ANSWERS),
                                "rep", pos))
        # the self-assessment gap closes over time, or (for some managers' reps) stays
        drift = max(0, 2 - (weeks - wk) * 4 // weeks) if habits.gap_closes else 2
        for sid in focus:
            m = rng.randint(2, 5)
            r_ = min(5, max(1, m + rng.choice([0, drift, drift, -1 if drift else 0])))
            rows["rat"].append((_id(rng), *stamps(fb_end), None, cid, sid, "rep", r_))
            rows["rat"].append((_id(rng), *stamps(fb_end), None, cid, sid, "manager", m))
        owner, action = rng.choice(STEPS)
        due = fb_end + timedelta(days=rng.randint(2, 10))
        done = to_db(due - timedelta(days=1)) if wk > 2 or rng.random() < 0.4 else None
        rows["step"].append((_id(rng), *stamps(fb_end), None, cid, rid, owner, action, to_db(due), done))

    if calls >= 10:
        _in_progress_and_upcoming(rng, rows, reps, skill_ids, now, tz)
    for text in ("call Priya about the Kestrel renewal", "? ask Tom how the tender went"):
        rows["note"].append((_id(rng), *stamps(now - timedelta(hours=3)), None, None,
                             to_db(now - timedelta(hours=3)), None, text, "plain", None, 0))

    base = "id, created_at, updated_at"
    sql = {
        "rep": f"INSERT INTO rep ({base}, name, role, territory, manager_id) VALUES (?,?,?,?,?,?,?)",
        "goal": f"INSERT INTO goal ({base}, rep_id, statement, skill_ids, status) VALUES (?,?,?,?,?,?,?)",
        "exp": f"INSERT INTO expectation ({base}, rep_id, text, position) VALUES (?,?,?,?,?,?)",
        "call": f"INSERT INTO call ({base}, deleted_at, rep_id, account, contact, kind, status, "
                "scheduled_at, started_at, ended_at, feedback_started_at, feedback_ended_at, objective, "
                "advance_min, advance_stretch, prep_answers, skill_ids, manager_id) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        "note": f"INSERT INTO note ({base}, deleted_at, call_id, taken_at, offset_seconds, text, kind, "
                "skill_id, private) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        "ans": f"INSERT INTO debrief_answer ({base}, deleted_at, call_id, question_id, question, answer, by, "
               "position) VALUES (?,?,?,?,?,?,?,?,?,?)",
        "rat": f"INSERT INTO rating ({base}, deleted_at, call_id, skill_id, by, score) "
               "VALUES (?,?,?,?,?,?,?,?)",
        "step": f"INSERT INTO next_step ({base}, deleted_at, call_id, rep_id, owner, action, due_at, "
                "done_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
    }
    with transaction(con):
        for key, stmt in sql.items():
            owned = key in ("rep", "call")  # every rep and call is the manager's (schema_sql.V4)
            con.executemany(stmt, [(*r, manager_id) for r in rows[key]] if owned else rows[key])
    return (f"{len(rows['rep'])} reps, {len(rows['call'])} calls, {len(rows['note'])} notes, "
            f"{len(rows['step'])} next steps")


def _in_progress_and_upcoming(rng: random.Random, rows: dict[str, list[tuple[Any, ...]]], reps: list[str],
                              skill_ids: list[str], now: datetime, tz: tzinfo) -> None:
    """A debrief waiting since 45 minutes ago (late), and coaching calls planned on the next
    two working days."""
    rid = reps[0]
    focus = skill_ids[:2]
    start, end = now - timedelta(minutes=100), now - timedelta(minutes=45)
    cid = _id(rng)
    rows["call"].append((cid, to_db(end), to_db(end), None, rid, "Kestrel Insurance", CONTACTS[1], "coaching",
                         "debrief", to_db(start), to_db(start), to_db(end), None, None,
                         "Handle the pricing concern", *ADVANCES[1], "[]", json.dumps(focus)))
    for off, k, text in ((120, "strength", "clear agenda, checked the buyer's"),
                         (900, "improve", "answered price before asking why"),
                         (1800, "question", "what did the CFO's silence tell you?")):
        at = start + timedelta(seconds=off)
        rows["note"].append((_id(rng), to_db(at), to_db(at), None, cid, to_db(at), off, text, k,
                             focus[0] if k != "question" else None, 0))
    day = now
    for hour in (9, 14):
        day = _working_day(day + timedelta(days=1), tz, 12, 0)
        at = _working_day(day, tz, hour, 30)
        rows["call"].append((_id(rng), to_db(now), to_db(now), None, rng.choice(reps[1:]),
                             rng.choice(ACCOUNTS), rng.choice(CONTACTS), "coaching", "planned", to_db(at),
                             None, None, None, None, rng.choice(OBJECTIVES), *rng.choice(ADVANCES), "[]",
                             json.dumps(rng.sample(skill_ids, 2))))
