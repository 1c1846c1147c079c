"""A new manager on a new laptop, by keys: the real `fieldcoach` command at 80x24 with an
empty home folder and no fixtures, through the whole coaching loop (add a rep, agree the
shared goal, plan a call, observe, debrief, next step, recap, export), then a second
laptop that imports the team store and opens the app on it.

Every other test starts from demo data or a seeded store, so none of them sees what a
new user sees; this one does. It asserts on the screen (through a terminal emulator) and,
once the app has quit, on the SQLite file opened read-only.
"""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

from ptyterm import Terminal, run_command

SELF_ASSESSMENT = (  # the default feedback script a fresh database must hold (PRODUCT.md 2.5)
    ("How did the call end?", "We agreed a demo date"),
    ("Did you leave with the advance you planned?", "Yes, the minimum"),
    ("What went well?", "Setting the agenda"),
    ("What would you do differently?", "Ask about budget earlier"),
    ("What did the buyer do that you did not expect?", "They brought finance along"),
)
OBSERVATIONS = (  # (as typed on the note line, as asked back in the debrief, the rep's answer)
    ("+1 clear agenda set up front", "You did this: “clear agenda set up front”", "I planned it"),
    ("-2 jumped to the demo", "I noticed: “jumped to the demo”", "I felt rushed"),
    ("? why not ask about budget", "why not ask about budget?", "I forgot"),
)
KEEP_STOP_START = (
    ("What will you keep doing?", "Sending an agenda"),
    ("What will you stop doing?", "Demoing too early"),
    ("What will you start doing?", "Asking about budget"),
)
REP, ACCOUNT, GOAL = "Priya Shah", "Acme Ltd", "Ask before telling"
STEP = "Send the pilot proposal"


def data_dir(home: Path) -> Path:
    """Where platformdirs puts the database on Linux (the README's 'Where data lives')."""
    return home / ".local" / "share" / "fieldcoach"


def read_db(home: Path) -> sqlite3.Connection:
    path = data_dir(home) / "fieldcoach.db"
    assert path.exists(), f"no database at the default location {path}"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def live(con: sqlite3.Connection, table: str, where: str = "1") -> list[sqlite3.Row]:
    con.row_factory = sqlite3.Row
    return con.execute(f"SELECT * FROM {table} WHERE deleted_at IS NULL AND {where}").fetchall()


# --- the first laptop, by keys ------------------------------------------------------------

def add_rep(t: Terminal) -> None:
    t.wait_for("coaching this week", why="home on a fresh install")
    t.press("r")
    t.wait_for("No reps yet. Press a to add", why="the empty roster")
    t.press("a")
    t.wait_for("Add a rep", "e.g. Priya Shah", why="the add-rep form")
    t.type(REP)
    t.press("tab")
    t.type("Account Executive")
    t.press("tab")
    t.type("London North")
    t.press("enter")
    t.wait_for(f"Added {REP}", why="saving the new rep")
    t.wait_gone("No reps yet. Press a", why="the roster after adding a rep")


def agree_goal(t: Terminal) -> None:
    t.press("enter")  # the rep's page
    t.wait_for("No goal agreed yet", why=f"{REP}'s page")
    t.press("g")
    t.wait_for(f"Shared goal with {REP}", why="the goal form")
    # Defect 1 of issue 10: a fresh database has no skill catalogue, so this list is empty.
    t.wait_for("Opening & agenda", "Discovery questions",
               why="the goal form's focus skills (the default skill catalogue of a fresh database)")
    t.type(GOAL)
    t.press("tab")
    # A key bound on the skill list acts once the list has focus, as a user sees it: its
    # first row highlighted, unlike the others.
    t.wait_until(lambda: t.background_of("Opening & agenda") != t.background_of("Listening"),
                 why="the focus skill list focused, its first skill highlighted")
    t.press("space", "down", "space")  # the first two skills
    t.press("ctrl+s")
    t.wait_for(f"“{GOAL}”", "Focus skills: Opening & agenda, Discovery questions",
               why="the rep's page after agreeing the goal")


def plan_call(t: Terminal) -> None:
    t.press("n")
    t.wait_for("Pre-call setup", f"Shared goal: {GOAL}", why="pre-call setup from the rep's page")
    t.press("tab")
    t.type(ACCOUNT)
    t.press("tab")
    t.type("Jo Buyer")
    t.press("tab")
    t.type("tomorrow 9:30")
    t.wait_for("09:30", "→", why="the resolved date echoed before saving")
    t.press("tab", "tab")  # past coaching/selling (coaching is the default)
    t.type("Agree a pilot scope")
    t.press("tab")
    t.type("Demo booked")
    t.press("tab")
    t.type("Pilot signed")
    t.press("tab")  # the first prep answer (see test_precall_prep_answers_are_visible)
    t.type("Read their annual report")
    t.press("ctrl+o")
    t.wait_for(f"Observing {REP} · {ACCOUNT}", "1 Opening & agenda", "2 Discovery",
               why="save & observe: the note line with the skills legend")


def observe(t: Terminal) -> None:
    typed = [o[0] for o in OBSERVATIONS]
    for i, note in enumerate(typed[:2] + ["plain remark, kept private"] + typed[2:]):
        t.type(note)
        t.press("enter")
        if i == 2:  # ctrl+t makes the last note private: it never leaves the laptop
            t.wait_for("plain remark, kept private", why="a plain note listed")
            t.press("ctrl+t")
            t.wait_for("(private)", why="the note marked private")
    screen = t.wait_for("[Opening & agenda] clear agenda set up front",
                        "[Discovery questions] jumped to the demo", "why not ask about budget",
                        why="the notes listed with their skill tags")
    assert "No notes yet" not in screen
    t.press("ctrl+d")
    t.wait_for("End the call and start the feedback script now?", why="the end-call confirmation")
    t.press("y")


def debrief(t: Terminal) -> None:
    t.wait_for("Self-assessment", "Ask the rep", why="the feedback script right after the call")
    for prompt, answer in SELF_ASSESSMENT:
        t.wait_for(prompt, why="the rep's self-assessment, one question at a time")
        t.type(answer)
        t.press("enter")
    for _, asked, answer in OBSERVATIONS:
        t.wait_for(asked, why="the manager's note turned into a question")
        t.type(answer)
        t.press("enter")
    t.wait_for("The rep rates each skill first", "Opening & agenda", "Discovery questions",
               why="the rep's ratings of the focus skills")
    t.press("4", "3")
    t.wait_for("rep 3/5", why="the rep's ratings shown")
    t.press("ctrl+n")
    t.wait_for("Now your ratings", why="the manager's ratings after the rep's")
    t.press("3", "2")
    t.wait_for("you 2/5", why="the manager's ratings beside the rep's")
    t.press("ctrl+n")
    for prompt, answer in KEEP_STOP_START:
        t.wait_for(prompt, why="keep / stop / start")
        t.type(answer)
        t.press("enter")
    t.wait_for("What is the agreed next step?", why="the next step")
    t.type(STEP)
    t.press("enter")  # to 'by when'
    t.type("fri")
    t.wait_for("→ Fri", why="the due date echoed")
    t.press("enter")
    t.wait_for(f"Rep: {STEP}", why="the next step agreed")
    t.press("ctrl+n")
    t.wait_for("Rep's words", "Not acknowledged", why="the rep's words after the next step")
    t.press("a")
    t.wait_for("Acknowledged by the rep", why="the rep acknowledged the recap")
    t.press("ctrl+n")
    t.wait_for("Recap — the debrief is done", f"Coaching recap: {REP} at {ACCOUNT}",
               why="the recap at the end of the debrief")
    t.press("s")
    t.wait_for("Recap saved", why="the recap saved to a file")


def export_from_sync_screen(t: Terminal, store: Path) -> None:
    t.press("escape")
    t.wait_for("coaching this week", "Coaching:selling 1:0", "Send the pilot",
               why="home after the debrief: the call counted and the open next step")
    t.press("e")
    # the layout line comes with the settings: from then on the cursor waits in the folder
    # field (no folder yet), and Enter there keeps the folder and exports
    t.wait_for("Team store", "Store folder", "Your files go to FOLDER/", why="the Sync screen, ready")
    t.type(str(store))
    t.press("enter")
    t.wait_for("Exported to", "3 written", why="export to the team store (one call, reps, manifest)")


def test_fresh_install_whole_loop_then_second_laptop(new_home, open_app):
    home = new_home("laptop1")
    store = home / "team-store"
    t = open_app(home)
    add_rep(t)
    agree_goal(t)
    plan_call(t)
    observe(t)
    debrief(t)
    export_from_sync_screen(t, store)
    assert t.quit() == 0, t.dump()

    # What the app wrote, read back from the file it created under the empty home.
    db_file = data_dir(home) / "fieldcoach.db"
    assert stat.S_IMODE(db_file.stat().st_mode) & 0o077 == 0, "the database is readable by others"
    con = read_db(home)
    (manager,) = live(con, "manager")
    skills = {s["id"]: s["name"] for s in live(con, "skill")}
    questions = {q["text"] for q in live(con, "script_question")}
    (rep,) = live(con, "rep")
    assert (rep["name"], rep["role"], rep["territory"]) == (REP, "Account Executive", "London North")
    (goal,) = live(con, "goal")
    assert goal["statement"] == GOAL
    assert [skills[s] for s in json.loads(goal["skill_ids"])] == ["Opening & agenda", "Discovery questions"]
    (call,) = live(con, "call")
    assert (call["account"], call["contact"], call["kind"], call["status"]) == (ACCOUNT, "Jo Buyer",
                                                                               "coaching", "done")
    assert call["objective"] == "Agree a pilot scope"
    assert (call["advance_min"], call["advance_stretch"]) == ("Demo booked", "Pilot signed")
    assert call["started_at"] and call["ended_at"] and call["feedback_started_at"]
    prep = json.loads(call["prep_answers"])
    assert prep[0]["answer"] == "Read their annual report"
    notes = {n["text"]: n for n in live(con, "note")}
    assert set(notes) == {"clear agenda set up front", "jumped to the demo", "why not ask about budget",
                          "plain remark, kept private"}
    assert (notes["clear agenda set up front"]["kind"], skills[notes["clear agenda set up front"]["skill_id"]]) \
        == ("strength", "Opening & agenda")
    assert (notes["jumped to the demo"]["kind"], skills[notes["jumped to the demo"]["skill_id"]]) \
        == ("improve", "Discovery questions")
    assert notes["why not ask about budget"]["kind"] == "question"
    assert [n for n, row in notes.items() if row["private"]] == ["plain remark, kept private"]
    answers = {a["question"]: a["answer"] for a in live(con, "debrief_answer")}
    for prompt, answer in SELF_ASSESSMENT + KEEP_STOP_START:
        assert prompt in questions and answers[prompt] == answer
    assert sorted(answers.values()) == sorted(a for *_, a in SELF_ASSESSMENT + OBSERVATIONS + KEEP_STOP_START)
    ratings = {(skills[r["skill_id"]], r["by"]): r["score"] for r in live(con, "rating")}
    assert ratings == {("Opening & agenda", "rep"): 4, ("Discovery questions", "rep"): 3,
                       ("Opening & agenda", "manager"): 3, ("Discovery questions", "manager"): 2}
    (step,) = live(con, "next_step")
    assert (step["action"], step["owner"], step["call_id"], step["done_at"]) == (STEP, "rep", call["id"], None)
    assert manager["store_dir"] == str(store)
    first = {"manager": manager["id"], "skills": sorted(skills), "questions": sorted(questions),
             "call": call["id"]}
    con.close()

    (recap,) = (data_dir(home) / "recaps").glob("*.md")
    assert STEP in recap.read_text(encoding="utf-8") and "We agreed a demo date" in recap.read_text("utf-8")

    folder = store / first["manager"]
    doc = json.loads((folder / "calls" / f"{first['call']}.json").read_text(encoding="utf-8"))
    assert "plain remark, kept private" not in json.dumps(doc), "a private note left the laptop"
    assert "clear agenda set up front" in json.dumps(doc)

    again = run_command(home, "export", "--store", str(store))
    assert again.returncode == 0 and "0 written" in again.stdout, again.stdout + again.stderr

    # The second laptop: a new, empty home; import the store, then open the app there.
    home2 = new_home("laptop2")
    imported = run_command(home2, "import", str(store))
    assert imported.returncode == 0 and "imported 3 files" in imported.stdout, imported.stdout + imported.stderr
    t2 = open_app(home2)
    t2.wait_for(REP, "Send the pilot", why="home on the second laptop: the rep and the open next step")
    t2.press("r")
    # Texts only the roster shows: a half-drawn roster over home's rows would pass for it.
    t2.wait_for("Coached", "Priya Shah", "Ask before telling", why="the roster on the second laptop")
    t2.press("enter")
    t2.wait_for(f"“{GOAL}”", "Focus skills: Opening & agenda, Discovery questions", "#1", ACCOUNT,
                why="the rep's page on the second laptop: goal and the numbered session")
    assert t2.quit() == 0, t2.dump()

    con2 = read_db(home2)
    (manager2,) = live(con2, "manager")
    assert manager2["id"] == first["manager"], "the second laptop did not take over the manager identity"
    assert sorted(s["id"] for s in live(con2, "skill")) == first["skills"], \
        "the two laptops' default skills are not one catalogue"
    assert sorted(q["text"] for q in live(con2, "script_question")) == first["questions"], \
        "the two laptops' feedback scripts differ or repeat"
    (call2,) = live(con2, "call")
    assert (call2["id"], call2["status"]) == (first["call"], "done")
    assert {n["text"] for n in live(con2, "note")} == {"clear agenda set up front", "jumped to the demo",
                                                       "why not ask about budget"}
    assert len(live(con2, "debrief_answer")) == len(SELF_ASSESSMENT + OBSERVATIONS + KEEP_STOP_START)
    assert len(live(con2, "rating")) == 4
    assert [s["action"] for s in live(con2, "next_step")] == [STEP]
    con2.close()


def test_precall_prep_answers_are_visible(new_home, open_app):
    """Pre-call setup on a fresh install: the first prep expectation and the answer typed
    into it are both on screen while the manager types (issue 10, defect 4)."""
    t = open_app(new_home("laptop"))
    t.wait_for("coaching this week", why="home on a fresh install")
    t.press("n")
    t.wait_for("Pre-call setup", "Account (required)", why="pre-call setup")
    t.wait_for("No reps yet: add one", why="pre-call setup loaded")
    t.press("tab", "tab", "tab", "tab", "tab", "tab", "tab", "tab")  # account .. stretch, then prep 1
    t.type("Read their annual report")
    # The form scrolls the focused answer into view: the question and the answer show together.
    screen = t.wait_for("Read their annual report", why="the prep answer as it is typed")
    assert "Researched the account" in screen, t.dump()
