"""What a text field takes from the keyboard and from a paste, shared by the one-line and
the multi-line fields (see `screens.widgets.fields`)."""

from __future__ import annotations

import re

from fieldcoach.text import is_control

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def pasted_lines(text: str) -> list[str]:
    """A paste cut into lines at real line breaks only (str.splitlines also cuts at VT, FF,
    FS, GS, RS, NEL and U+2028, which would drop or split what the user pasted)."""
    return _LINE_BREAK.split(text)


def extra_typed(character: str | None) -> bool:
    """A typed character Textual would drop: not printable by Python's test, not a control."""
    return (character is not None and character != "" and not character.isprintable()
            and not any(map(is_control, character)))
