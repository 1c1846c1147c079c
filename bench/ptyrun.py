"""Launch a whole terminal app in a pseudo-terminal and time it to a marker on screen.

Ready detection: the child's output is accumulated, ANSI escape sequences are stripped,
and the plain text is searched (case-insensitively) for a marker string. Optionally a
few characters are then typed and we wait for them to be drawn (the app has accepted
keys). Then ctrl+q is sent; a child still alive after a grace period is killed. Peak
memory is the child's ru_maxrss from os.wait4.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from dataclasses import dataclass

# CSI (incl. private modes), OSC (BEL or ST terminated), DCS/APC/PM/SOS strings, 2-char ESC.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\"
    r"|\x1b[@-Z\\-_]"
    r"|\x1b[ -/]+[0-~]")
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def strip_ansi(text: str) -> str:
    """Plain text of terminal output: escape sequences and control characters removed."""
    return _CTRL.sub("", _ANSI.sub("", text))


@dataclass
class Launch:
    ready_s: float | None        # launch -> marker drawn
    keys_s: float | None         # launch -> typed text echoed (None if not asked or not seen)
    maxrss_kb: int               # peak resident set of the child (ru_maxrss)
    error: str | None = None     # why ready/keys were not reached
    cpu_ready_s: float | None = None  # CPU time (user+sys) the child had used when ready (/proc)
    tail: str = ""               # last plain text seen (for diagnosis)


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """user+sys CPU time of a live process (Linux /proc), less sensitive to machine load than wall time."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return None


def _winsize(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _make_ctty() -> None:  # runs in the child after setsid (start_new_session)
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def launch(argv: list[str], marker: str, *, type_text: str | None = None, size: tuple[int, int] = (100, 30),
           timeout: float = 30.0, env: dict[str, str] | None = None, cwd: str | None = None,
           stderr_path: str | None = None, settle: float = 0.0) -> Launch:
    """settle: once ready, keep the app running this long (draining its output) before
    quitting, so background work started after the first frame counts in peak memory."""
    master, slave = os.openpty()
    _winsize(slave, *size)
    child_env = dict(os.environ if env is None else env)
    child_env.update(TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
    for k in ("TEXTUAL", "TEXTUAL_DEVTOOLS_PORT", "NO_COLOR"):
        child_env.pop(k, None)
    buf = bytearray()
    ready_s = keys_s = cpu_ready = None
    error = None
    t0 = time.perf_counter()
    err = open(stderr_path, "wb") if stderr_path else None  # e.g. for -X importtime
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=err or slave, env=child_env, cwd=cwd,
                            start_new_session=True, preexec_fn=_make_ctty, close_fds=True)
    os.close(slave)
    if err:
        err.close()
    needle = marker.lower()
    typed_needle = type_text.lower() if type_text else None
    typed_from = 0
    deadline = t0 + timeout
    exited = False
    try:
        while True:
            now = time.perf_counter()
            if now > deadline:
                error = f"timed out after {timeout:.0f}s waiting for {'echo' if ready_s else 'marker'}"
                break
            r, _, _ = select.select([master], [], [], min(0.2, deadline - now))
            if not r:
                if proc.poll() is not None:
                    exited = True
                    error = f"exited with status {proc.returncode} before ready"
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                exited = True
                error = "terminal closed before ready"
                break
            buf += chunk
            t = time.perf_counter()
            plain = strip_ansi(buf.decode("utf-8", "replace")).lower()
            if ready_s is None:
                pos = plain.find(needle)
                if pos >= 0:
                    ready_s = t - t0
                    cpu_ready = cpu_seconds(proc.pid)
                    if not typed_needle:
                        break
                    typed_from = len(plain)
                    os.write(master, type_text.encode())
            elif typed_needle and typed_needle in plain[typed_from:]:
                keys_s = t - t0
                break
        if ready_s is not None and settle > 0 and not exited:
            end = time.perf_counter() + settle
            while time.perf_counter() < end:
                r, _, _ = select.select([master], [], [], 0.05)
                if r:
                    try:
                        buf += os.read(master, 65536)
                    except OSError:
                        break
    finally:
        tail = strip_ansi(buf.decode("utf-8", "replace"))[-400:]
        maxrss = _quit(proc, master, exited)
        os.close(master)
    return Launch(ready_s, keys_s, maxrss, error=error, tail=tail, cpu_ready_s=cpu_ready)


def _quit(proc: subprocess.Popen, master: int, exited: bool) -> int:
    """ctrl+q, then SIGTERM/SIGKILL if it lingers; returns ru_maxrss (KiB)."""
    if not exited:
        try:
            os.write(master, b"\x11")
        except OSError:
            pass
    end = time.perf_counter() + 5.0
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return ru.ru_maxrss
        # keep draining the terminal so the child never blocks on a full pty buffer
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                os.read(master, 65536)
            except OSError:
                pass
        if time.perf_counter() > end:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, status, ru = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            return ru.ru_maxrss
