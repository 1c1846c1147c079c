"""Stored text made harmless to draw on a terminal.

Text is stored byte for byte as it was typed, pasted or imported; only what is drawn
changes. A terminal obeys the control characters it is sent: ESC starts sequences that
retitle the window, clear the screen or write the clipboard, and xterm takes U+009B on
its own as a CSI. Rich and Textual pass them through (only BEL, BS, VT, FF and CR are
dropped), so a note from `fieldcoach note`, a paste or a teammate's store file could
do all of that. Every control character is drawn as one visible character instead: the
string keeps its length, so an index into it (an Input's cursor) still fits.
"""

from __future__ import annotations

import re
from functools import cache

# C0 (and DEL) have their own pictures in Unicode's Control Pictures block: ESC → ␛.
# C1 and lone surrogates (a JSON file can carry "\ud800") have none: the replacement
# character says "something that cannot be shown was here".
# The tables and patterns are built on first use (about 1.5 ms, most of it compiling the
# surrogate range): text without a control character never needs them, and this module
# is on the way to the note line.
_CONTROL_CLASS = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
_CONTROL_CLASS_BUT_NEWLINE = "\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff"


@cache
def _pictures(keep_newlines: bool) -> dict[int, str]:
    picture = {code: chr(0x2400 + code) for code in range(0x20)}
    picture[0x7F] = "\u2421"  # ␡
    picture.update({code: "\ufffd" for code in range(0x80, 0xA0)})
    picture.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
    if keep_newlines:
        del picture[0x0A]
    return picture


@cache
def _control(keep_newlines: bool) -> re.Pattern[str]:
    return re.compile(f"[{_CONTROL_CLASS_BUT_NEWLINE if keep_newlines else _CONTROL_CLASS}]")


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with each control character replaced by a visible symbol of its own.

    keep_newlines: for a display of several lines, `\\n` stays a line break (every other
    line break, CR, VT, FF, NEL, is shown as a symbol)."""
    # The usual case, nothing to copy: no control character is printable.
    if text.isprintable() or _control(keep_newlines).search(text) is None:
        return text
    return text.translate(_pictures(keep_newlines))


def is_control(char: str) -> bool:
    """A character that an input field takes from a paste but never from a key press:
    one of those `visible` shows as a symbol (asked of every typed key, so no pattern)."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF


def how_many(n: int, things: str) -> str:
    """"1 goal", "2 goals", "0 goals": things named in the plural, one drops the "s"."""
    return f"{n} {things[:-1] if n == 1 and things.endswith('s') else things}"
