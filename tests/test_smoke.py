from fieldcoach import notes, queries, services
from fieldcoach.clock import utcnow
from fieldcoach.demo import write_demo


def test_one_coaching_call_end_to_end(store):
    con = store.con()
    rep = services.add_rep(store, "Priya Shah")
    sk = queries.skills(con)
    services.set_goal(store, rep, "Ask before telling", [sk[0].id, sk[1].id])
    call = services.plan_call(store, rep_id=rep, account="Acme")
    services.start_call(store, call)
    row, active = notes.capture(con, "+2 great open question")
    assert active.id == call and row.kind == "strength" and row.skill_id == sk[1].id
    services.end_call(store, call)
    services.add_next_step(store, rep_id=rep, action="Send recap", call_id=call)
    assert services.finish_call(store, call).status == "done"
    assert queries.home_summary(con, utcnow()).steps[0].action == "Send recap"


def test_demo_writes_the_home_figures(store):
    write_demo(store, calls=40)
    h = queries.home_summary(store.con(), utcnow())
    assert h.coaching_calls > 0 and h.focus and h.upcoming and h.in_progress
