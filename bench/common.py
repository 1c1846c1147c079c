"""What every group of bench figures shares: where things are, the Figure row of the
table, medians, and running a whole child process."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PY = sys.executable
# the console script users run (same interpreter as the hello app), else python -m
_SCRIPT = Path(PY).parent / "fieldcoach"
FIELDCOACH = [str(_SCRIPT)] if _SCRIPT.exists() else [PY, "-m", "fieldcoach"]


# --- figures -----------------------------------------------------------------------------

@dataclass
class Figure:
    name: str
    value: float | None
    baseline: float | None
    unit: str                      # "s", "ms", "MiB"
    target: str                    # shown, e.g. "<= 1.25x"
    limit: float | None = None     # ratio limit (value/baseline) ...
    absolute: float | None = None  # ... or absolute limit on value (same unit)
    reason: str = ""               # n/a reason
    own: bool = False              # target is the bench's own, not PRODUCT.md

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        under = self.absolute is None or self.value < self.absolute
        if self.limit is not None:  # with an absolute limit too, both must hold
            return "ok" if self.ratio is not None and self.ratio <= self.limit and under else "over"
        return "ok" if under else "over"

    def cells(self) -> list[str]:
        def fmt(v: float | None) -> str:
            if v is None:
                return "-"
            return f"{v:.0f} {self.unit}" if self.unit == "MiB" else f"{v:.3f} {self.unit}" if self.unit == "s" \
                else f"{v:.2f} {self.unit}"
        if self.value is None:
            return [self.name, "n/a", "-", "-", self.target + ("*" if self.own else ""), f"n/a ({self.reason})"]
        r = self.ratio
        return [self.name, fmt(self.value), fmt(self.baseline), f"{r:.2f}x" if r is not None else "-",
                self.target + ("*" if self.own else ""), self.verdict]


def median(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def percentile(xs: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100)."""
    if not xs:
        return None
    s = sorted(xs)
    k = max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))
    return s[int(k)]


DIAG: list[str] = []  # printed under the table: context for reading the figures


def log(msg: str) -> None:
    print(f"  · {msg}", file=sys.stderr, flush=True)


def run_child(argv: list[str]) -> tuple[float, float, int]:
    """Run a whole process: (wall seconds, CPU seconds user+sys, peak RSS in KiB)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, argv)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss
