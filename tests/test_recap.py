"""The recap sent to the rep: plain text and Markdown, built from a finished debrief."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fieldcoach import notes, queries, services
from fieldcoach.debrief import RATE_MANAGER, RATE_REP, build_steps, observation_notes
from fieldcoach.recap import build, md_escape, recap_markdown, recap_text

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def finished_call(store):
    con = store.con()
    rep = services.add_rep(store, "Priya Shah")
    sk = queries.skills(con)
    services.set_goal(store, rep, "Ask before telling", [sk[0].id])
    cid = services.plan_call(store, rep_id=rep, account="Kestrel [Insurance]", objective="Agree a pilot")
    services.start_call(store, cid, now=NOW)
    ctx = notes.call_context(con, cid)
    notes.add_note(con, ctx, "- talked over the buyer", now=NOW + timedelta(minutes=1))
    notes.add_note(con, ctx, "+1 clear agenda", now=NOW + timedelta(minutes=2))
    secret = notes.add_note(con, ctx, "looked tired", now=NOW + timedelta(minutes=3))
    notes.set_private(con, secret.id, True)
    services.end_call(store, cid, now=NOW + timedelta(minutes=30))
    services.save_answer(store, cid, question="How did the call end?", answer="Well, *really*", position=0)
    services.save_answer(store, cid, question="What will you keep doing?", answer="Agendas", position=200)
    services.save_rating(store, cid, sk[0].id, "rep", 4)
    services.save_rating(store, cid, sk[0].id, "manager", 3)
    services.add_next_step(store, rep_id=rep, action="Send plan", call_id=cid,
                           due_at=datetime(2026, 11, 27, 17, 0, tzinfo=UTC))
    services.finish_call(store, cid, now=NOW + timedelta(minutes=50))
    return queries.call_detail(con, cid, NOW)


def test_plain_recap_has_every_section(store):
    text = recap_text(finished_call(store), UTC)
    assert text.startswith("Coaching recap: Priya Shah at Kestrel [Insurance]\n")
    for part in ("Your self-assessment", "How did the call end?", "Well, *really*",
                 "Keep / stop / start", "Agendas", "Ratings", "you 4/5, manager 3/5",
                 "Agreed next steps", "You", "Send plan — by Fri 27 Nov 2026",
                 "Objective: Agree a pilot", "Shared goal: Ask before telling"):
        assert part in text, part
    assert "looked tired" not in text  # private notes never leave the laptop
    assert text.endswith("\n")


def test_markdown_recap_escapes_user_text(store):
    md = recap_markdown(finished_call(store), UTC)
    assert md.startswith("# Coaching recap: Priya Shah at Kestrel \\[Insurance\\]\n")
    assert "Well, \\*really\\*" in md and "## Agreed next steps" in md
    assert md_escape("a_b") == "a\\_b"


def test_stage_map_overrides_positions(store):
    d = finished_call(store)
    r = build(d, UTC, {"How did the call end?": "kss"})
    titles = {s.title: [q for q, _ in s.items] for s in r.sections}
    assert "How did the call end?" in titles["Keep / stop / start"]


def test_steps_put_the_rep_first_and_skip_private_notes(store):
    d = finished_call(store)
    steps = build_steps(queries.script(store.con()), d.notes, [s.id for s in d.skills])
    assert steps[0].stage == "self" and steps[-1].kind == "recap" and steps[-2].kind == "voice"
    assert steps[-3].kind == "next"
    obs = [s for s in steps if s.stage == "observations"]
    assert [s.note_kind for s in obs] == ["strength", "improve"]  # strengths first, private left out
    kinds = [s.kind for s in steps]
    assert kinds.index(RATE_REP) + 1 == kinds.index(RATE_MANAGER)
    assert len(observation_notes(d.notes)) == 2
    assert not any(s.kind in (RATE_REP, RATE_MANAGER) for s in build_steps([], [], []))
