"""The real `fieldcoach` command in a pseudo-terminal, read through a VT100 emulator (pyte)
so that tests see the screen as a user does: what is drawn, where, after every repaint.

Waiting is for a condition (a text on screen, the app answering a key, the process gone),
polled until a generous deadline, never a fixed sleep: the suite stays quick on an idle
machine and patient on a busy one. A failed wait raises AssertionError with the emulated
screen in its message.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pyte

COLS, ROWS = 80, 24
DEADLINE_S = 40.0  # a ceiling on waiting for a screen, generous for a loaded machine
ANSWER_S = 5.0   # a key the app draws nothing for holds the next one back at most this long
QUIET_S = 0.04   # no output for this long after an answer: the app is waiting for keys

# Key names as the README and the Footer spell them -> the bytes a terminal sends.
KEYS = {
    "enter": b"\r", "tab": b"\t", "shift+tab": b"\x1b[Z", "escape": b"\x1b", "space": b" ",
    "up": b"\x1b[A", "down": b"\x1b[B", "right": b"\x1b[C", "left": b"\x1b[D",
    "backspace": b"\x7f",
}


def key_bytes(name: str) -> bytes:
    if name in KEYS:
        return KEYS[name]
    if name.startswith("ctrl+") and len(name) == 6:
        return bytes([ord(name[-1].lower()) & 0x1F])
    if len(name) == 1:
        return name.encode()
    raise ValueError(f"unknown key {name!r}")


def fieldcoach_argv(*args: str) -> list[str]:
    """The installed `fieldcoach` script of this environment, as a user runs it."""
    script = Path(sys.executable).with_name("fieldcoach")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "fieldcoach", *args]


def new_user_env(home: Path) -> dict[str, str]:
    """The environment of a new user whose home folder is `home`: no FIELDCOACH_DB, no XDG
    overrides (platformdirs resolves ~/.local/share), nothing of Textual's dev mode."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FIELDCOACH", "XDG_", "TEXTUAL"))
           and k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(HOME=str(home), TERM="xterm-256color")
    env.setdefault("LANG", "C.UTF-8")
    return env


def run_command(home: Path, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """A `fieldcoach` subcommand (import, export...) as the user of `home` runs it in a shell."""
    return subprocess.run(fieldcoach_argv(*args), env=new_user_env(home), cwd=home,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def _ctty() -> None:  # in the child, after setsid: the pty becomes its controlling terminal
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """One `fieldcoach` process on an 80x24 pseudo-terminal."""

    def __init__(self, home: Path, *args: str, cols: int = COLS, rows: int = ROWS) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(fieldcoach_argv(*args), stdin=slave, stdout=slave, stderr=slave,
                                     env=new_user_env(home), cwd=home, start_new_session=True,
                                     preexec_fn=_ctty, close_fds=True)
        os.close(slave)
        self.closed = False  # the child closed its end of the terminal

    # --- reading the screen ---------------------------------------------------------------

    def _pump(self, timeout: float) -> None:
        """Feed whatever the app has written within `timeout` to the emulator."""
        if self.closed:
            time.sleep(min(timeout, 0.05))  # nothing more will be drawn
            return
        r, _, _ = select.select([self.master], [], [], timeout)
        while r:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the child has gone
                chunk = b""
            if not chunk:
                self.closed = True
                return
            self.stream.feed(chunk)
            r, _, _ = select.select([self.master], [], [], 0)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def dump(self) -> str:
        return "--- screen (80x24) ---\n" + self.text() + "\n--- end of screen ---"

    def wait_for(self, *texts: str, why: str = "", timeout: float = DEADLINE_S) -> str:
        """Until every one of `texts` is on screen; returns the screen."""
        deadline = time.monotonic() + timeout
        while True:
            self._pump(0.05)
            screen = self.text()
            if all(t in screen for t in texts):
                return screen
            if time.monotonic() > deadline or (self.closed and self.proc.poll() is not None):
                missing = [t for t in texts if t not in screen]
                state = f"exited with {self.proc.returncode}" if self.proc.poll() is not None else "running"
                raise AssertionError(
                    f"{why or 'waiting'}: {missing!r} not on screen after {timeout:.0f} s "
                    f"(app {state})\n{self.dump()}")

    def wait_until(self, condition: Callable[[], bool], why: str, timeout: float = DEADLINE_S) -> None:
        """Until `condition()` holds for the screen as drawn."""
        deadline = time.monotonic() + timeout
        while True:
            self._pump(0.05)
            if condition():
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{why}: not seen after {timeout:.0f} s\n{self.dump()}")

    def background_of(self, text: str) -> str | None:
        """The background colour under the first character of `text` on screen (None if
        the text is not there): a highlighted row or a focused field shows this way."""
        for y, line in enumerate(self.screen.display):
            x = line.find(text)
            if x >= 0:
                return self.screen.buffer[y][x].bg
        return None

    def wait_gone(self, text: str, why: str = "", timeout: float = DEADLINE_S) -> str:
        deadline = time.monotonic() + timeout
        while True:
            self._pump(0.05)
            screen = self.text()
            if text not in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{why or 'waiting'}: {text!r} still on screen after "
                                     f"{timeout:.0f} s\n{self.dump()}")

    # --- typing ---------------------------------------------------------------------------

    def settle(self) -> None:
        """Until the app has answered the last key (something drawn) and gone quiet.

        Textual routes a key to the widget focused when the key arrives: a key sent
        before the app has acted on a Tab lands in the field the Tab left. A person sees
        the focus move before typing on; so does this driver.
        """
        deadline = time.monotonic() + ANSWER_S
        answered = False
        while time.monotonic() < deadline and not self.closed:
            r, _, _ = select.select([self.master], [], [], QUIET_S if answered else 0.05)
            if not r:
                if answered:
                    return
                continue
            self._pump(0)
            answered = True

    def press(self, *keys: str) -> None:
        """Each key, one at a time: the next only once the app has answered the last."""
        for k in keys:
            os.write(self.master, key_bytes(k))
            self.settle()

    def type(self, text: str) -> None:
        """Typed into the focused field, key after key (not a paste)."""
        for ch in text:
            os.write(self.master, ch.encode())
        self.settle()

    # --- ending -----------------------------------------------------------------------------

    def quit(self, timeout: float = DEADLINE_S) -> int:
        """ctrl+q, as the README says, and wait for the process to end; returns its status."""
        self.press("ctrl+q")
        return self.wait_exit("ctrl+q", timeout)

    def wait_exit(self, after: str, timeout: float = DEADLINE_S) -> int:
        """Wait for the process to end (after: what should have ended it); its status."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"fieldcoach still running {timeout:.0f} s after {after}\n{self.dump()}")
            self._pump(0.05)
        return self.proc.returncode

    def kill(self) -> None:
        """Leave nothing behind, whatever happened in the test."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        try:
            os.close(self.master)
        except OSError:
            pass

