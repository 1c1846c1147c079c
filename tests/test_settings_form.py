"""The settings form's rules without the UI (fieldcoach/settings_form.py): every field
checked at once, a message per bad field, skills and script left alone when unchanged."""

from __future__ import annotations

import pytest

from fieldcoach import queries, settings_form
from fieldcoach.errors import FieldError, FormErrors
from fieldcoach.settings_form import form_fields, parse_script, parse_settings, save_settings, store_folder


def good(**over: str) -> dict[str, str]:
    fields = {"name": "Alex", "budget_minutes": " 150 ", "late_minutes": "20", "store_dir": "  /team  ",
              "dayfirst": "0", "theme": "textual-light", "skills": "Discovery\n\n  Closing \n",
              "script": "self: How did it go?\nkss: Keep, stop, start?"}
    return {**fields, **over}


def test_a_good_form_becomes_one_change():
    c = parse_settings(good())
    assert (c.name, c.budget_minutes, c.late_minutes, c.store_dir, c.dayfirst, c.theme) == (
        "Alex", 150, 20, "/team", False, "textual-light")
    assert c.skills == ("Discovery", "Closing")
    assert c.script == (("self", "How did it go?"), ("kss", "Keep, stop, start?"))


def test_every_bad_field_gets_its_own_message_at_once():
    with pytest.raises(FormErrors) as caught:
        parse_settings(good(budget_minutes="lots", late_minutes="", store_dir="/a\x1b[2Jb",
                            skills=" \n ", script="self: fine\nwhat went well"))
    errors = caught.value.errors
    assert set(errors) == {"budget_minutes", "late_minutes", "store_dir", "skills", "script"}
    assert errors["budget_minutes"] == "The budget is a whole number of minutes, e.g. 120."
    assert errors["late_minutes"] == "The threshold is a whole number of minutes, e.g. 30."
    assert "control character" in errors["store_dir"]
    assert errors["skills"] == "Keep at least one skill in the catalogue."
    assert errors["script"].startswith("Line 2: start with a stage and a colon")
    assert str(caught.value) == "Not saved: see the fields in red"


def test_an_empty_store_folder_is_none_unless_required():
    assert parse_settings(good(store_dir="   ")).store_dir is None
    assert store_folder("  ") is None
    with pytest.raises(FieldError, match="Choose the team store folder first") as caught:
        store_folder("", required=True)
    assert caught.value.field == "store_dir"


def test_script_lines():
    assert parse_script("\nSELF : How did it end?\n\nnext: Who does what by when?") == [
        ("self", "How did it end?"), ("next", "Who does what by when?")]
    with pytest.raises(FieldError, match="Line 1: write the question after the colon"):
        parse_script("self:   ")
    with pytest.raises(FieldError, match="Line 2: start with a stage"):
        parse_script("self: ok\nnotastage: hmm")


def test_an_unknown_theme_falls_back_to_dark():
    assert parse_settings(good(theme="neon")).theme == "textual-dark"


def test_the_form_opens_with_what_is_stored_and_an_unchanged_catalogue_is_left_alone(store):
    stored = store.read(form_fields)
    assert stored["name"] == "Alex Morgan" and stored["budget_minutes"] == "120"
    assert stored["skills"].splitlines() == [k.name for k in queries.skills(store.con())]
    change = parse_settings({**stored, "budget_minutes": "90"}, stored)
    assert change.skills is None and change.script is None
    skills_before = store.con().execute("SELECT id, updated_at FROM skill ORDER BY id").fetchall()
    save_settings(store, change)
    assert queries.settings(store.con()).budget_minutes == 90
    assert store.con().execute("SELECT id, updated_at FROM skill ORDER BY id").fetchall() == skills_before
    # a changed catalogue and script are written
    change = parse_settings({**stored, "skills": stored["skills"] + "\nNegotiation",
                             "script": "self: How did it end?"}, stored)
    save_settings(store, change)
    assert queries.skills(store.con())[-1].name == "Negotiation"
    assert [(q.stage, q.text) for q in queries.script(store.con())] == [("self", "How did it end?")]
    assert store.read(form_fields)["script"] == "self: How did it end?"


def test_the_services_check_again_and_name_the_field(store):
    change = parse_settings(good(budget_minutes="99999"))
    with pytest.raises(FieldError, match="between 0 and 2400") as caught:
        save_settings(store, change)
    assert caught.value.field == "budget_minutes"


def test_the_core_module_has_every_field_the_form_shows():
    assert set(settings_form.FIELDS) == set(good())
