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


LAUNCH_PROBE = """\
import asyncio, sys
from screens.app import FieldcoachApp
from fieldcoach import text
app = FieldcoachApp(sys.argv[1])
async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*'hi')
        await pilot.pause()
        print('SCREEN', type(app.screen).__name__, app.screen.query_one('#note-line').value)
        print('HOME', 'screens.home' in sys.modules)
        print('TABLES', text._control.cache_info().currsize + text._pictures.cache_info().currsize)
asyncio.run(main())
"""


def test_launch_into_a_call_builds_neither_home_nor_the_control_tables(store, tmp_path):
    """Home's module (the footer asks on every refresh whether home is showing) and the
    control-character tables (1.5 ms to build) stay off the way to the note line."""
    from fieldcoach import services

    rep = services.add_rep(store, "Priya Shah")
    services.start_call(store, services.plan_call(store, rep_id=rep, account="Acme"))
    script = tmp_path / "probe.py"
    script.write_text(LAUNCH_PROBE, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), str(store.path)], capture_output=True, text=True,
                         timeout=90)
    lines = out.stdout.splitlines()
    why = out.stdout + out.stderr
    assert "SCREEN ObservationScreen hi" in lines, why
    assert "HOME False" in lines, why
    assert "TABLES 0" in lines, why
