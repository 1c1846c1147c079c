"""What the note line's module loads: no multi-line text area (its document model), no ORM.
The TextBox is still importable from the shared fields, loaded on first use."""

from __future__ import annotations

import subprocess
import sys


def test_the_note_line_loads_no_text_area_and_textbox_still_imports():
    probe = (
        "import sys\n"
        "import screens.app, screens.observe\n"
        "print('text-area' if 'textual.widgets._text_area' in sys.modules else 'no-text-area')\n"
        "print('orm' if 'sqlalchemy' in sys.modules else 'no-orm')\n"
        "from screens.widgets.fields import TextBox\n"
        "from textual.widgets import TextArea\n"
        "print('textbox' if issubclass(TextBox, TextArea) else 'missing')\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["no-text-area", "no-orm", "textbox"], out.stdout + out.stderr
