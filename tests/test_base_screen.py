"""What a failed piece of blocking work says, before any screen shows it."""

from __future__ import annotations

import sqlite3

from fieldcoach.errors import FieldError, StoreError
from screens.base import describe_failure


def test_a_field_error_names_its_field():
    assert describe_failure("the rep", FieldError("name", "Name is required.")) == ("Name is required.", "name")


def test_a_locked_database_reads_as_such_for_a_read_and_a_write():
    locked = sqlite3.OperationalError("database is locked")
    read, field = describe_failure("the roster", locked, reading=True)
    assert "busy" in read and "could not be read" in read and field == ""
    saved, _ = describe_failure("the rep", locked)
    assert "was not saved" in saved


def test_a_store_error_is_its_own_sentence_and_anything_else_is_named():
    assert describe_failure("the rep", StoreError("The disk is full.")) == ("The disk is full.", "")
    text, _ = describe_failure("the recap", RuntimeError("boom"))
    assert text == "The recap failed: boom"


def test_a_failed_read_says_what_could_not_be_read():
    text, _ = describe_failure("the settings", RuntimeError("boom"), reading=True)
    assert text == "The settings could not be read: boom"


async def test_a_screen_leaves_only_itself():
    """leave() pops the screen only while it is the one showing: a late result reaching a
    screen already popped, or one under another, pops nothing."""
    from textual.app import App

    from screens.base import BaseScreen

    class Plain(BaseScreen[None]):
        pass

    app: App[None] = App()
    async with app.run_test() as pilot:
        below, above = Plain(), Plain()
        await app.push_screen(below)
        await app.push_screen(above)
        await pilot.pause()
        assert below.leave() is False and app.screen is above
        assert above.leave() is True
        await pilot.pause()
        assert app.screen is below
        assert above.leave() is False and app.screen is below  # already left
