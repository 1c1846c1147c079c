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

# C0 (and DEL) have their own pictures in Unicode's Control Pictures block: ESC → ␛.
# C1 and lone surrogates (a JSON file can carry "\ud800") have none: the replacement
# character says "something that cannot be shown was here".
_PICTURE = {code: chr(0x2400 + code) for code in range(0x20)}
_PICTURE[0x7F] = "\u2421"  # ␡
_PICTURE.update({code: "\ufffd" for code in range(0x80, 0xA0)})
_PICTURE.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
_PICTURE_KEEP_LINES = {code: pic for code, pic in _PICTURE.items() if code != 0x0A}

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with each control character replaced by a visible symbol of its own.

    keep_newlines: for a display of several lines, `\\n` stays a line break (every other
    line break, CR, VT, FF, NEL, is shown as a symbol)."""
    pattern = _CONTROL_BUT_NEWLINE if keep_newlines else _CONTROL
    if pattern.search(text) is None:  # the usual case: nothing to copy
        return text
    return text.translate(_PICTURE_KEEP_LINES if keep_newlines else _PICTURE)


def is_control(char: str) -> bool:
    """A character that an input field takes from a paste but never from a key press."""
    return _CONTROL.match(char) is not None
