"""`text.visible`: what stored text looks like on a terminal."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from fieldcoach.text import is_control, visible
from tests.hostile import C0, C1, ESCAPES, ORDINARY


def _controls(s: str) -> list[str]:
    return [c for c in s if unicodedata.category(c) in ("Cc", "Cs")]


@given(st.text())
def test_no_control_character_survives(s):
    out = visible(s)
    assert _controls(out) == []
    assert len(out) == len(s)  # one symbol per character: indexes into the text still fit


@given(st.text())
def test_only_newline_survives_in_a_display_of_lines(s):
    out = visible(s, keep_newlines=True)
    assert set(_controls(out)) <= {"\n"}
    assert out.count("\n") == s.count("\n")


@given(st.text(), st.booleans())
def test_idempotent(s, keep):
    once = visible(s, keep_newlines=keep)
    assert visible(once, keep_newlines=keep) == once


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_text_without_controls_is_left_alone(s):
    assert visible(s) is s or visible(s) == s


def test_ordinary_text_emoji_rtl_and_zero_width_are_kept():
    for s in ORDINARY:
        assert visible(s) == s


def test_each_control_has_a_visible_form():
    assert visible("\x1b]0;title\x07") == "␛]0;title␇"
    assert visible("\x00\x7f\t\r\n") == "␀␡␉␍␊"
    assert visible("a\nb\rc", keep_newlines=True) == "a\nb␍c"
    for c in C0 + C1:
        assert visible(c) not in ("", c)
    for s in ESCAPES:
        assert "\x1b" not in visible(s)


def test_is_control():
    assert all(is_control(c) for c in C0 + C1 + ["\x7f"])
    assert not any(is_control(c) for c in "a \u200d\u200b\xa0\u202e\u2009é👨")


def test_how_many_names_one_thing_in_the_singular():
    from fieldcoach.text import how_many

    assert [how_many(n, "goals") for n in (0, 1, 2)] == ["0 goals", "1 goal", "2 goals"]
    assert how_many(1, "debrief answers") == "1 debrief answer"
    assert how_many(1, "inbox") == "1 inbox"
