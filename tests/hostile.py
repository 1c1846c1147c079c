"""Hostile text, in one list for every test that feeds user text through fieldcoach: text
that looks like Rich markup, every C0 and C1 control, terminal escape sequences, bidi
overrides, zero-width characters, and text far longer than any field takes."""

from __future__ import annotations

MARKUP = ["[bold]x[/]", "[link=https://example.com]click[/link]", "[/]", "[@click=app.quit]q[/]"]
C0 = [chr(c) for c in range(0x20)]
C1 = [chr(c) for c in range(0x80, 0xA0)]
DEL = "\x7f"
ESCAPES = [
    "\x1b]0;title\x07",          # OSC: retitle the window
    "\x1b[2J\x1b[H",             # CSI: clear the screen, cursor home
    "\x1b[31mred\x1b[0m",        # SGR: colour
    "\x1b]52;c;SGVsbG8=\x07",    # OSC 52: write the clipboard
    "\x9b2J",                    # C1 CSI on its own
]
RTL = "abc \u202edcba\u202c \u05e9\u05dc\u05d5\u05dd"
ZERO_WIDTH = "👨\u200d👩\u200d👧 a\u200bb\u00a0c\u2009d\ufeff\u200c\u200e"
ORDINARY = ["Priya Shah", "Zoë Ångström-Núñez", "👍🏽 great 🎉", RTL, ZERO_WIDTH, "日本語のテキスト"]
LONG = "x" * 100_000

# Everything a line can hold in one string: every control but the line breaks a one-line
# field cuts a paste at, all the escapes, markup, zero-width and bidi text.
ONE_LINE_CONTROLS = [c for c in C0 + C1 + [DEL] if c not in "\n\r"]
ONE_LINE = "".join(ONE_LINE_CONTROLS) + "|" + "".join(ESCAPES) + "|" + "".join(MARKUP) + "|" + ZERO_WIDTH + RTL


def hostile(label: str, limit: int = 500) -> str:
    """ONE_LINE marked with the field it goes into (a test tells the fields apart), cut to
    the field's limit and ended with a letter (fields are stored without edge spaces)."""
    return f"{label}:{ONE_LINE}"[:limit - 1] + "!"


def harmless(text: str, *, lines: bool = False) -> bool:
    """No character a terminal would obey: no C0 (except line breaks where the display
    has lines), no DEL, no C1, no lone surrogate."""
    allowed = {"\n"} if lines else set()
    return not any((ord(c) < 0x20 and c not in allowed) or 0x7F <= ord(c) < 0xA0
                   or 0xD800 <= ord(c) < 0xE000 for c in text)
