"""A manager's database with two reps, each with everything a rep can have (goal,
expectations, a call with shared and private notes, debrief answers, ratings, next steps
in and outside the call), an inbox note, drafts and a saved recap: the privacy tests
look for the forgotten rep's name and unique texts in every byte afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fieldcoach import notes, services
from fieldcoach.drafts import Drafts
from fieldcoach.paths import drafts_dir, recaps_dir
from fieldcoach.queries import call_detail
from fieldcoach.recap import recap_markdown, save_recap
from fieldcoach.store import Store

NAME = "Dana Quillfeather"       # the rep who is forgotten
OTHER = "Tom Becker"             # the rep who stays
NOTE = "zebra-marker-7f3a shared observation"
PRIVATE = "okapi-marker-91c2 private worry"
ANSWER = "narwhal-marker-55d0 answer"
STEP = "axolotl-marker-a1b2 step"
GOAL = "quokka-marker-3e3e goal"
EXPECT = "pangolin-marker-c4c4 prep"
ACCOUNT = "Marmoset Holdings"
KEPT = "kept-marker-0000 about Tom"
INBOX = "inbox-marker-e5e5 quick capture"
MARKERS = (NAME, NOTE, PRIVATE, ANSWER, STEP, GOAL, EXPECT, ACCOUNT)


@dataclass
class Seeded:
    store: Store
    rep: str
    other: str
    call: str
    other_call: str
    ids: dict[str, list[str]] = field(default_factory=dict)  # table: ids about the rep


def _call(s: Store, rep: str, account: str, note: str, private: str, answer: str, step: str,
          skill: str) -> tuple[str, dict[str, list[str]]]:
    call = services.plan_call(s, rep_id=rep, account=account, contact="Ms Contact " + account,
                              objective="objective of " + account, skill_ids=[skill])
    services.start_call(s, call)
    active = notes.active_call(s.con())
    n1 = notes.add_note(s.con(), active, note).id
    n2 = notes.add_note(s.con(), active, private, private=True).id
    services.end_call(s, call)
    services.begin_feedback(s, call)
    a = services.save_answer(s, call, question="How did it go?", answer=answer)
    services.save_rating(s, call, skill, "rep", 4)
    services.save_rating(s, call, skill, "manager", 3)
    st = services.add_next_step(s, rep_id=rep, action=step, call_id=call)
    services.finish_call(s, call)
    ratings = [r[0] for r in s.con().execute("SELECT id FROM rating WHERE call_id = ?", (call,))]
    return call, {"call": [call], "note": [n1, n2], "debrief_answer": [a], "rating": ratings,
                  "next_step": [st]}


def seed(path: Path) -> Seeded:
    s = Store(path)
    s.open()
    services.bootstrap(s, manager_name="Alex Morgan")
    skill = s.con().execute("SELECT id FROM skill ORDER BY position LIMIT 1").fetchone()[0]
    rep = services.add_rep(s, NAME, role="Account executive", territory="North")
    other = services.add_rep(s, OTHER)
    goal = services.set_goal(s, rep, GOAL, [skill])
    services.set_expectations(s, rep, [EXPECT])
    services.set_goal(s, other, "Tom's goal", [skill])
    call, ids = _call(s, rep, ACCOUNT, NOTE, PRIVATE, ANSWER, STEP, skill)
    other_call, _ = _call(s, other, "Other account", KEPT, "tom private", "tom answer", "tom step", skill)
    loose = services.add_next_step(s, rep_id=rep, action=STEP + " outside a call")
    notes.add_note(s.con(), None, INBOX)
    ids["rep"] = [rep]
    ids["goal"] = [goal]
    ids["expectation"] = [r[0] for r in s.con().execute("SELECT id FROM expectation WHERE rep_id = ?", (rep,))]
    ids["next_step"].append(loose)
    # typed but not saved: a note in the call, the goal form, a quick note naming the rep
    d = Drafts(drafts_dir(path))
    d.save(f"note:{call}", {"note": NOTE + " draft"})
    d.save(f"goal:{rep}", {"statement": GOAL + " draft"})
    d.save("capture", {"text": f"call {NAME} back"})
    d.save(f"note:{other_call}", {"note": KEPT + " draft"})
    now = datetime.now(UTC)
    for cid in (call, other_call):
        detail = s.read(call_detail, cid, now)
        assert detail is not None
        save_recap(recaps_dir(path), detail, recap_markdown(detail, UTC), now=now, tz=UTC)
    return Seeded(s, rep, other, call, other_call, ids)


def raw_bytes(path: Path) -> bytes:
    """The database file and its WAL as they lie on disk (no checkpoint first)."""
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def tree_bytes(folder: Path) -> bytes:
    """Every file under folder, names and contents."""
    out = b""
    for p in sorted(folder.rglob("*")):
        out += str(p.relative_to(folder)).encode() + b"\n"
        if p.is_file():
            out += p.read_bytes()
    return out
