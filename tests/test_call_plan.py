"""The pre-call form's rules and writes, and the observation's core, without a screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fieldcoach import call_plan, coaching, notes, observation, queries, services
from fieldcoach.call_plan import CallForm, check_form
from fieldcoach.notes import NoteRow
from fieldcoach.shorthand import parse_note
from tests.helpers import FIXED as NOW


def test_a_form_without_rep_account_or_readable_date_says_which_field():
    check = check_form(CallForm(rep_id=None, account="  ", when="someday soonish",
                                skill_ids=tuple(str(i) for i in range(10))), NOW, UTC)
    assert check.call is None
    assert set(check.errors) == {"rep", "account", "when", "skills"}
    assert check.errors["account"] == "Account is required."
    assert check.errors["skills"] == "Observe at most 9 skills."


def test_a_checked_form_is_the_call_as_saved():
    form = CallForm(rep_id="r1", account="Acme", when="tomorrow 9:30", objective="Agree a pilot",
                    expectations=("Who decides?", "What next?"), answers=(" the CFO ",), skill_ids=("s1",))
    check = check_form(form, NOW, UTC)
    assert not check.errors and check.call is not None
    assert check.call.scheduled_at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    assert check.call.prep_answers == [{"text": "Who decides?", "answer": "the CFO"},
                                       {"text": "What next?", "answer": ""}]
    assert check.call.skill_ids == ["s1"] and check.call.kind == coaching.COACHING
    # Observed at once without a date: scheduled now; only planned, no date stays none.
    assert check_form(CallForm(rep_id="r1", account="Acme"), NOW, UTC, start_now=True).call.scheduled_at == NOW
    assert check_form(CallForm(rep_id="r1", account="Acme"), NOW, UTC).call.scheduled_at is None


def test_plan_then_observe_or_log_done(store):
    rep = services.add_rep(store, "Priya Shah")
    sk = queries.skills(store.con())
    services.set_goal(store, rep, "Ask before telling", [sk[0].id])
    choices = store.read(call_plan.plan_choices)
    assert [r.name for r in choices.reps] == ["Priya Shah"] and choices.skills
    brief = store.read(call_plan.rep_brief, rep, NOW)
    assert brief.goal.statement == "Ask before telling"
    assert brief.expectations == list(coaching.DEFAULT_EXPECTATIONS)  # the rep has none of their own

    coached = check_form(CallForm(rep_id=rep, account="Acme", skill_ids=(sk[0].id,)), NOW, UTC).call
    call_id = call_plan.save_plan(store, coached)
    assert queries.find_call(store.con(), call_id).status == "planned"
    call_plan.follow_plan(store, call_id, call_plan.OBSERVE, NOW)
    assert queries.find_call(store.con(), call_id).status == "observing"

    sold = check_form(CallForm(rep_id=rep, kind=coaching.SELLING, account="Bolt"), NOW, UTC).call
    call_id = call_plan.save_plan(store, sold)
    call_plan.follow_plan(store, call_id, call_plan.DONE, NOW + timedelta(hours=1))
    assert queries.find_call(store.con(), call_id).status == "done"


def test_the_note_line_opens_on_its_call_and_its_notes(store):
    rep = services.add_rep(store, "Priya Shah")
    call_id = services.plan_call(store, rep_id=rep, account="Acme")
    con = store.con()
    notes.add_note(con, notes.call_context(con, call_id), "+ clear agenda", now=NOW)
    opened = store.read(observation.open_observation, call_id)
    assert opened.call.account == "Acme" and [n.text for n in opened.notes] == ["clear agenda"]
    assert store.read(observation.open_observation, "no-such-call") is None


SKILLS = ["s1", "s2", "s3"]


# A note's text that itself begins like shorthand ("+", a digit) is out of scope here.
WORDS = st.from_regex(r"[a-zA-Zé][a-zA-Zé ,.!']{0,30}[a-z]", fullmatch=True)


@given(kind=st.sampled_from(["plain", "strength", "improve", "question"]),
       skill=st.sampled_from([None, *SKILLS]), text=WORDS)
def test_a_note_as_typed_parses_back_to_itself(kind, skill, text):
    note = NoteRow("n", "c", NOW, 0, text, kind, skill, False)
    parsed = parse_note(observation.as_typed(note, SKILLS), len(SKILLS))
    assert parsed.kind.value == kind
    assert (SKILLS[parsed.skill_index - 1] if parsed.skill_index else None) == skill
    assert parsed.text == text
