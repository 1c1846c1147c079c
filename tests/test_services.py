"""ORM writes: each service function, its field errors, tombstones, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as h_settings
from hypothesis import strategies as st
from sqlmodel import select

from fieldcoach import notes, queries, services
from fieldcoach.coaching import CoachingError
from fieldcoach.errors import FieldError
from fieldcoach.models import Call, Expectation, NextStep, Rating, Rep, ScriptQuestion, Skill
from fieldcoach.store import Store

UTC = UTC
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def rep(store):
    return services.add_rep(store, "Priya Shah", "Account Executive", "London North")


@pytest.fixture
def skill_ids(store):
    return [k.id for k in queries.skills(store.con())]


def field_error(field, fn, *a, **kw):
    with pytest.raises(FieldError) as info:
        fn(*a, **kw)
    assert info.value.field == field
    assert info.value.message and "\n" not in info.value.message
    return info.value


def coached_call(store, rep, *, at=T0, step="Send recap"):
    cid = services.plan_call(store, rep_id=rep, account="Kestrel", scheduled_at=at)
    services.start_call(store, cid, now=at)
    services.end_call(store, cid, now=at + timedelta(minutes=40))
    services.begin_feedback(store, cid, now=at + timedelta(minutes=45))
    if step:
        services.add_next_step(store, rep_id=rep, action=step, call_id=cid, due_at=at + timedelta(days=3))
    return cid


# --- bootstrap and settings ------------------------------------------------------------------

def test_bootstrap_is_idempotent(store):
    mid = services.bootstrap(store)
    assert services.bootstrap(store) == mid
    with store.session() as s:
        assert len(s.exec(select(Skill)).all()) == 8
        assert len(s.exec(select(ScriptQuestion)).all()) == 8
    assert queries.settings(store.con()).manager_id == mid


def test_update_settings_and_validation(store):
    services.update_settings(store, name="  Alex  ", budget_minutes=90, late_minutes=15,
                             dayfirst=False, store_dir="/team/store")
    s = queries.settings(store.con())
    assert (s.name, s.budget_minutes, s.late_minutes, s.dayfirst, s.store_dir) == \
        ("Alex", 90, 15, False, "/team/store")
    field_error("budget_minutes", services.update_settings, store, budget_minutes=-1)
    field_error("budget_minutes", services.update_settings, store, budget_minutes=2401)
    field_error("budget_minutes", services.update_settings, store, budget_minutes="60")
    field_error("budget_minutes", services.update_settings, store, budget_minutes=True)
    field_error("late_minutes", services.update_settings, store, late_minutes=0)
    field_error("late_minutes", services.update_settings, store, late_minutes=10081)
    field_error("name", services.update_settings, store, name="x" * 121)
    with pytest.raises(ValueError, match="unknown"):
        services.update_settings(store, colour="red")
    assert queries.settings(store.con()).budget_minutes == 90


def test_set_skills_keeps_ids_and_tombstones_the_rest(store, skill_ids):
    names = [k.name for k in queries.skills(store.con())]
    services.set_skills(store, [names[1], "  ", "Negotiation", names[0]])
    after = queries.skills(store.con())
    assert [k.name for k in after] == [names[1], "Negotiation", names[0]]
    assert after[0].id == skill_ids[1] and after[2].id == skill_ids[0]
    with store.session() as s:
        gone = s.get(Skill, skill_ids[2])
        assert gone is not None and gone.deleted_at is not None
    field_error("skills", services.set_skills, store, ["", " "])
    field_error("skills", services.set_skills, store, ["Listening", "listening"])
    field_error("skills", services.set_skills, store, ["x" * 81])


def test_set_script_orders_by_stage_and_keeps_self_first(store):
    services.set_script(store, [("kss", "Keep?"), ("self", "How did it go?"), ("next", "What next?"),
                                ("self", "What surprised you?")])
    assert [(q.stage, q.text) for q in queries.script(store.con())] == [
        ("self", "How did it go?"), ("self", "What surprised you?"), ("kss", "Keep?"), ("next", "What next?")]
    field_error("script", services.set_script, store, [("kss", "Keep?")])
    field_error("script", services.set_script, store, [("self", "a"), ("bogus", "b")])
    assert len(queries.script(store.con())) == 4


# --- roster and goals ---------------------------------------------------------------------------

def test_rep_crud_and_tombstone(store, rep):
    services.update_rep(store, rep, name="Priya S.", territory="")
    r = queries.list_reps(store.con())[0]
    assert (r.name, r.role, r.territory) == ("Priya S.", "Account Executive", "")
    field_error("name", services.add_rep, store, "   ")
    field_error("name", services.add_rep, store, "x" * 121)
    field_error("role", services.add_rep, store, "Ok", role="r" * 501)
    field_error("name", services.update_rep, store, rep, name="")
    services.delete_rep(store, rep)
    assert queries.list_reps(store.con()) == []
    assert queries.rep_detail(store.con(), rep, T0) is None
    with store.session() as s:
        assert s.get(Rep, rep).deleted_at is not None  # tombstone, not removed
    field_error("rep", services.update_rep, store, rep, name="again")
    field_error("rep", services.delete_rep, store, rep)


def test_goal_needs_one_to_three_skills_and_one_line(store, rep, skill_ids):
    field_error("skills", services.set_goal, store, rep, "Ask first", [])
    field_error("skills", services.set_goal, store, rep, "Ask first", skill_ids[:4])
    field_error("statement", services.set_goal, store, rep, "  ", skill_ids[:1])
    field_error("statement", services.set_goal, store, rep, "two\nlines", skill_ids[:1])
    field_error("statement", services.set_goal, store, rep, "x" * 201, skill_ids[:1])
    field_error("skills", services.set_goal, store, rep, "Ask", ["no-such-skill"])
    field_error("rep", services.set_goal, store, "no-such-rep", "Ask", skill_ids[:1])
    gid = services.set_goal(store, rep, "Ask before telling", skill_ids[:3] + skill_ids[:1])
    assert services.set_goal(store, rep, "Ask, then listen", skill_ids[1:2]) == gid  # re-agreed
    g = queries.goal_for(store.con(), rep)
    assert (g.statement, g.skill_ids) == ("Ask, then listen", skill_ids[1:2])
    field_error("status", services.close_goal, store, gid, "paused")
    services.close_goal(store, gid, "achieved")
    assert queries.goal_for(store.con(), rep) is None
    assert services.set_goal(store, rep, "Next goal", skill_ids[:1]) != gid


def test_expectations_replace_keeps_ids(store, rep):
    services.set_expectations(store, rep, ["Research the account", "Set the advance"])
    first = {e.text: e.id for e in queries.expectations(store.con(), rep)}
    services.set_expectations(store, rep, ["Set the advance", " ", "Prepare questions"])
    after = queries.expectations(store.con(), rep)
    assert [e.text for e in after] == ["Set the advance", "Prepare questions"]
    assert after[0].id == first["Set the advance"]
    with store.session() as s:
        assert s.get(Expectation, first["Research the account"]).deleted_at is not None


# --- calls --------------------------------------------------------------------------------------

def test_plan_call_defaults_to_goal_skills_and_validates(store, rep, skill_ids):
    services.set_goal(store, rep, "Ask first", skill_ids[:2])
    cid = services.plan_call(store, rep_id=rep, account=" Kestrel ", scheduled_at=T0,
                             prep_answers=[{"text": "Researched", "answer": "yes"}])
    d = queries.call_detail(store.con(), cid, T0)
    assert [k.id for k in d.skills] == skill_ids[:2]
    assert d.call.account == "Kestrel" and d.prep_answers == [{"text": "Researched", "answer": "yes"}]
    field_error("account", services.plan_call, store, rep_id=rep, account="")
    field_error("kind", services.plan_call, store, rep_id=rep, account="A", kind="social")
    field_error("skills", services.plan_call, store, rep_id=rep, account="A", skill_ids=[str(i) for i in range(10)])
    field_error("objective", services.plan_call, store, rep_id=rep, account="A", objective="o" * 501)
    field_error("rep", services.plan_call, store, rep_id="ghost", account="A")


def test_coaching_lifecycle_stamps_times_once(store, rep):
    cid = coached_call(store, rep, step=None)
    with store.session() as s:
        c = s.get(Call, cid)
        assert (c.status, c.started_at, c.ended_at, c.feedback_started_at) == \
            ("debrief", T0, T0 + timedelta(minutes=40), T0 + timedelta(minutes=45))
    services.begin_feedback(store, cid, now=T0 + timedelta(hours=5))  # second time: unchanged
    with pytest.raises(CoachingError, match="next step"):
        services.finish_call(store, cid, now=T0 + timedelta(hours=1))
    assert queries.find_call(store.con(), cid).status == "debrief"
    services.add_next_step(store, rep_id=rep, action="Book the CFO", call_id=cid)
    done = services.finish_call(store, cid, now=T0 + timedelta(hours=1))
    assert done.status == "done" and done.feedback_started_at == T0 + timedelta(minutes=45)
    assert done.feedback_ended_at == T0 + timedelta(hours=1)
    with pytest.raises(CoachingError):
        services.start_call(store, cid)


def test_begin_feedback_refuses_outside_debrief(store, rep):
    cid = services.plan_call(store, rep_id=rep, account="A")
    with pytest.raises(CoachingError, match="not waiting for feedback"):
        services.begin_feedback(store, cid)


def test_selling_call_is_logged_done_without_observation(store, rep):
    cid = services.plan_call(store, rep_id=rep, account="A", kind="selling")
    with pytest.raises(CoachingError, match="selling"):
        services.start_call(store, cid)
    call = services.finish_call(store, cid, now=T0)  # no next step needed
    assert call.status == "done" and call.ended_at == T0 and call.feedback_started_at is None


def test_answers_upsert_per_question_and_who(store, rep):
    cid = coached_call(store, rep)
    a1 = services.save_answer(store, cid, question="How did it end?", answer="Well", position=0)
    assert services.save_answer(store, cid, question="How did it end?", answer="Very well") == a1
    services.save_answer(store, cid, question="How did it end?", answer="Agreed", by="manager")
    d = queries.call_detail(store.con(), cid, T0)
    assert sorted((a.by, a.answer) for a in d.answers) == [("manager", "Agreed"), ("rep", "Very well")]
    field_error("by", services.save_answer, store, cid, question="q", answer="a", by="buyer")
    field_error("answer", services.save_answer, store, cid, question="q", answer="a" * 20_001)
    field_error("call", services.save_answer, store, "ghost", question="q", answer="a")


@pytest.mark.parametrize("score", [0, 6, -1, 2.5, "3", True])
def test_rating_out_of_range_is_refused(store, rep, skill_ids, score):
    cid = coached_call(store, rep)
    field_error("score", services.save_rating, store, cid, skill_ids[0], "rep", score)
    assert queries.call_detail(store.con(), cid, T0).ratings == []


def test_ratings_upsert_and_clear(store, rep, skill_ids):
    cid = coached_call(store, rep)
    services.save_rating(store, cid, skill_ids[0], "rep", 1)
    services.save_rating(store, cid, skill_ids[0], "rep", 5)
    services.save_rating(store, cid, skill_ids[0], "manager", 3)
    assert sorted((r.by, r.score) for r in queries.call_detail(store.con(), cid, T0).ratings) == \
        [("manager", 3), ("rep", 5)]
    services.save_rating(store, cid, skill_ids[0], "rep", None)
    assert [(r.by, r.score) for r in queries.call_detail(store.con(), cid, T0).ratings] == [("manager", 3)]
    with store.session() as s:
        assert len(s.exec(select(Rating)).all()) == 2  # the cleared one is a tombstone
    field_error("by", services.save_rating, store, cid, skill_ids[0], "buyer", 3)


def test_next_steps_carry_to_the_reps_next_call(store, rep):
    first = coached_call(store, rep, step="Send recap")
    services.add_next_step(store, rep_id=rep, action="Share playbook", owner="manager", call_id=first)
    services.finish_call(store, first, now=T0 + timedelta(hours=1))
    other = services.add_rep(store, "Tom")
    services.add_next_step(store, rep_id=other, action="Not Priya's")
    nxt = services.plan_call(store, rep_id=rep, account="Harbour", scheduled_at=T0 + timedelta(days=7))
    d = queries.call_detail(store.con(), nxt, T0 + timedelta(days=1))
    assert [s.action for s in d.carried] == ["Send recap", "Share playbook"]
    assert {s.owner for s in d.carried} == {"rep", "manager"}
    assert d.steps == []
    # Done steps stop carrying; deleted steps vanish and stay as tombstones.
    services.complete_step(store, d.carried[0].id, now=T0 + timedelta(days=1))
    services.delete_step(store, d.carried[1].id)
    assert queries.call_detail(store.con(), nxt, T0).carried == []
    with store.session() as s:
        assert s.get(NextStep, d.carried[1].id).deleted_at is not None
    services.complete_step(store, d.carried[0].id, done=False)
    assert [s.action for s in queries.call_detail(store.con(), nxt, T0).carried] == ["Send recap"]


def test_next_step_validation(store, rep):
    field_error("owner", services.add_next_step, store, rep_id=rep, action="x", owner="buyer")
    field_error("action", services.add_next_step, store, rep_id=rep, action="  ")
    field_error("action", services.add_next_step, store, rep_id=rep, action="a" * 501)
    field_error("rep", services.add_next_step, store, rep_id="ghost", action="x")
    field_error("step", services.complete_step, store, "ghost")


def test_deleted_call_vanishes_from_queries_but_stays_as_tombstone(store, rep):
    cid = coached_call(store, rep)
    services.finish_call(store, cid, now=T0 + timedelta(hours=1))
    assert queries.rep_detail(store.con(), rep, T0).sessions
    services.delete_call(store, cid)
    con = store.con()
    assert queries.call_detail(con, cid, T0) is None
    assert queries.rep_detail(con, rep, T0).sessions == []
    assert queries.list_reps(con)[0].last_coached is None
    assert queries.home_summary(con, T0 + timedelta(hours=2)).coaching_calls == 0
    assert con.execute("SELECT deleted_at IS NOT NULL FROM call WHERE id = ?", (cid,)).fetchone()[0] == 1
    field_error("call", services.start_call, store, cid)


def test_deleted_note_is_a_tombstone(store, rep):
    cid = services.plan_call(store, rep_id=rep, account="A")
    services.start_call(store, cid)
    ctx = notes.call_context(store.con(), cid)
    n = notes.add_note(store.con(), ctx, "+ clear agenda")
    notes.delete_note(store.con(), n.id)
    assert notes.call_notes(store.con(), cid) == []
    assert store.con().execute("SELECT count(*) FROM note WHERE id = ? AND deleted_at IS NOT NULL",
                               (n.id,)).fetchone()[0] == 1


def test_updated_at_moves_on_every_write(store, rep):
    with store.session() as s:
        before = s.get(Rep, rep).updated_at
    services.update_rep(store, rep, role="Senior AE")
    with store.session() as s:
        r = s.get(Rep, rep)
        assert r.updated_at > before and r.created_at <= before




@pytest.fixture(scope="module")
def uni_store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("svc") / "s.db")
    s.open()
    services.bootstrap(s)
    yield s
    s.close()


@h_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=130), answer=st.text(max_size=300))
def test_any_unicode_in_forms_is_stored_exactly_or_refused_at_the_field(uni_store, name, answer):
    try:
        rep = services.add_rep(uni_store, name)
    except FieldError as e:
        assert e.field == "name"
        assert not name.strip() or len(name.strip()) > 120
        return
    assert [r.name for r in queries.list_reps(uni_store.con()) if r.id == rep] == [name.strip()]
    cid = services.plan_call(uni_store, rep_id=rep, account=name)
    services.save_answer(uni_store, cid, question="What went well?", answer=answer)
    got = queries.call_detail(uni_store.con(), cid, T0).answers
    assert [a.answer for a in got] == [answer.strip()]
