"""Live-observation note shorthand: markers, skill tags, and text never eaten."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldcoach.shorthand import KIND_MARKERS, NoteKind, ParsedNote, legend, parse_note

SKILLS = ["Discovery questions", "Demo", "Closing"]
P, S, I, Q = NoteKind.PLAIN, NoteKind.STRENGTH, NoteKind.IMPROVE, NoteKind.QUESTION  # noqa: E741 - I for Improve, beside P, S, Q


def note(raw: str, count: int = 3, names=SKILLS) -> tuple[str, NoteKind, int | None]:
    n = parse_note(raw, count, names)
    return n.text, n.kind, n.skill_index


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # markers
        ("+ good rapport", ("good rapport", S, None)),
        ("- talked over buyer", ("talked over buyer", I, None)),
        ("? why no budget question", ("why no budget question", Q, None)),
        ("plain note", ("plain note", P, None)),
        # marker then tag, tag then marker
        ("+2 great open question", ("great open question", S, 2)),
        ("2+ great", ("great", S, 2)),
        ("-1 talked over buyer", ("talked over buyer", I, 1)),
        ("1- talked over buyer", ("talked over buyer", I, 1)),
        ("?3 ask about timeline", ("ask about timeline", Q, 3)),
        ("3? ask about timeline", ("ask about timeline", Q, 3)),
        # tag alone
        ("3 plain note on skill 3", ("plain note on skill 3", P, 3)),
        # spaces between the elements are allowed
        ("+ 2 great", ("great", S, 2)),
        ("2 + great", ("great", S, 2)),
        # surrounding whitespace
        ("   +2   great  ", ("great", S, 2)),
        # only markers: empty text parses, the caller refuses it
        ("+", ("", S, None)),
        ("+2", ("", S, 2)),
        ("2", ("", P, 2)),
        ("2?", ("", Q, 2)),
        ("", ("", P, None)),
        ("   ", ("", P, None)),
    ],
)
def test_markers_and_digit_tags(raw: str, expected: tuple) -> None:
    assert note(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "9 people in the room",  # digit out of range (3 skills)
        "0 objections",  # 0 is never a tag
        "2026 budget",  # not a single digit
        "10 people",
        "2nd meeting",  # digit glued to letters
        "-5% discount",  # marker glued to non-tag text
        "-5 % discount",  # 5 is out of range
        "+great",  # a marker needs a space, a tag or the end after it
        "-ve reaction",
        "++ double",
        "2+great",
        "?!",
        "[bold]markup[/bold] kept",
        "#zzz unknown skill",
        "# lone hash",
        "#d ambiguous between Discovery and Demo",
        "#disc-heavy",  # a glued invalid marker spoils the tag
        "3/12 follow-up",
        "3.5 stars",
        "٣ arabic-indic digit",
    ],
)
def test_plain_text_is_kept_exactly(raw: str) -> None:
    assert parse_note(raw, 3, SKILLS) == ParsedNote(raw, P, None)


def test_marker_before_unclaimed_text_but_tag_out_of_range() -> None:
    # "-" then space is a valid marker; "9" after it is not a tag, so it stays in the text
    assert note("- 9 people in the room") == ("9 people in the room", I, None)
    assert note("+ 2026 budget agreed") == ("2026 budget agreed", S, None)


def test_plus_one_phone_number_is_a_tagged_strength() -> None:
    # Documented: with at least one skill, "+1 " is a strength on skill 1.
    assert note("+1 555 phone", 1, ["Discovery"]) == ("555 phone", S, 1)
    # with no skills there is nothing to tag, and "+1" is not a marker either
    assert note("+1 555 phone", 0, []) == ("+1 555 phone", P, None)


def test_digit_tags_need_skill_count() -> None:
    assert note("2 great", 1, ["Discovery"]) == ("2 great", P, None)
    assert note("2 great", 2) == ("great", P, 2)
    assert note("1 x", -1, []) == ("1 x", P, None)


def test_digit_tags_stop_at_nine() -> None:
    names = [f"Skill {i}" for i in range(1, 13)]
    assert note("9 x", 12, names) == ("x", P, 9)
    assert note("1 x", 12, names) == ("x", P, 1)  # "10" etc. are not tags
    assert note("10 x", 12, names) == ("10 x", P, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("#disc asked well", ("asked well", P, 1)),
        ("#DISC asked well", ("asked well", P, 1)),
        ("#discovery", ("", P, 1)),
        ("+#demo smooth", ("smooth", S, 2)),
        ("#demo+ smooth", ("smooth", S, 2)),
        ("?#clo what next", ("what next", Q, 3)),
        ("- #clo rushed", ("rushed", I, 3)),
    ],
)
def test_hash_prefix_tags(raw: str, expected: tuple) -> None:
    assert note(raw) == expected


def test_hash_exact_name_beats_longer_names() -> None:
    names = ["Closing", "Close", "Demo"]
    assert note("#close x", 3, names) == ("x", P, 2)
    assert note("#clos x", 3, names) == ("#clos x", P, None)  # ambiguous
    assert note("#closi x", 3, names) == ("x", P, 1)


def test_hash_only_reaches_the_calls_skills() -> None:
    # names beyond skill_count are not the call's skills
    assert note("#clo x", 2, SKILLS) == ("#clo x", P, None)


def test_only_one_marker_and_one_tag() -> None:
    assert note("+2 3 three is text") == ("3 three is text", S, 2)
    assert note("+ - mixed") == ("- mixed", S, None)
    assert note("2 #demo x") == ("#demo x", P, 2)


def test_text_is_never_altered_inside() -> None:
    raw = "+2  two  spaces\tand [red]markup[/] and émoji 🎯 "
    assert note(raw) == ("two  spaces\tand [red]markup[/] and émoji 🎯", S, 2)


def test_kind_values_and_markers() -> None:
    assert KIND_MARKERS == {"+": S, "-": I, "?": Q}
    assert [k.value for k in NoteKind] == ["plain", "strength", "improve", "question"]
    assert NoteKind("improve") is I and I == "improve"


def test_legend() -> None:
    assert legend(SKILLS) == [
        ("+", "strength"),
        ("-", "to work on"),
        ("?", "question to ask"),
        ("1", "Discovery questions"),
        ("2", "Demo"),
        ("3", "Closing"),
    ]
    assert legend([]) == [("+", "strength"), ("-", "to work on"), ("?", "question to ask")]


def test_legend_past_nine_shows_working_hash_prefixes() -> None:
    names = [f"Skill {i}" for i in range(1, 10)] + ["Objection handling", "Pre-call planning"]
    keys = legend(names)
    assert keys[-2:] == [("#o", "Objection handling"), ("#p", "Pre-call planning")]
    for key, name in keys[3:]:
        parsed = parse_note(f"{key} x", len(names), names)
        assert parsed.skill_index is not None and names[parsed.skill_index - 1] == name


# ------------------------------------------------------------- properties

_note_text = st.text(
    alphabet=st.one_of(st.sampled_from("+-?#0123456789 \tdDcCx"), st.characters()), max_size=40
)


@settings(max_examples=500, deadline=None)
@given(_note_text, st.integers(min_value=-2, max_value=12), st.lists(st.text(max_size=12), max_size=12))
def test_parse_note_never_raises_and_keeps_text(raw: str, count: int, names: list[str]) -> None:
    n = parse_note(raw, count, names)
    assert isinstance(n.kind, NoteKind)
    assert n.text in raw
    assert n.text == n.text.strip()
    assert n.skill_index is None or 1 <= n.skill_index <= count
    if n.kind is P and n.skill_index is None:
        assert n.text == raw.strip()  # nothing recognised: nothing removed


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30), st.integers(min_value=0, max_value=9))
def test_plain_words_are_untouched(body: str, count: int) -> None:
    # text that starts with a letter is never read as shorthand
    raw = "note " + body
    assert parse_note(raw, count, SKILLS) == ParsedNote(raw.strip(), P, None)
