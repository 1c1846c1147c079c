"""`make bench` runs end to end on a tiny database (no timing is asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import ptyrun  # noqa: E402 - bench/ joins sys.path just above
import run as bench  # noqa: E402 - bench/ joins sys.path just above

FIGURES = ("launch -> note line accepting keys", "launch -> home showing figures", "peak memory, home open",
           "note save p50", "note save p99", "full export", "export with nothing changed",
           "`fieldcoach note` vs `python -c pass`", "`fieldcoach demo --calls 30`",
           "import (30 calls) into an empty database", "peak memory, import of 30 calls",
           "import with nothing changed", "team load (5 calls) into an empty team database",
           "peak memory, team load of 10 calls", "team load with nothing changed",
           "PostgreSQL team load (5 calls)", "launch -> Team view showing figures (10 calls)")


def test_strip_ansi_joins_text_split_by_escape_sequences():
    raw = "\x1b[?1049h\x1b[1;1H\x1b[38;2;1;2;3mcoach\x1b[0m\x1b[1;6Hing\x1b]0;title\x07 this\x1b(B week\r\n"
    assert ptyrun.strip_ansi(raw) == "coaching this week\n"


def test_percentile_and_median():
    xs = [float(x) for x in range(1, 101)]
    assert bench.percentile(xs, 50) == 50.0
    assert bench.percentile(xs, 99) == 99.0
    assert bench.percentile([3.0], 99) == 3.0
    assert bench.median([1.0, 5.0, 2.0]) == 2.0


def test_figure_verdicts():
    assert bench.Figure("a", 1.2, 1.0, "s", "<= 1.25x", limit=1.25).verdict == "ok"
    assert bench.Figure("a", 1.3, 1.0, "s", "<= 1.25x", limit=1.25).verdict == "over"
    assert bench.Figure("b", 5.0, None, "ms", "< 5 ms", absolute=5.0).verdict == "over"
    assert bench.Figure("c", None, None, "s", "<= 2x", reason="x").cells()[-1] == "n/a (x)"
    # a ratio and an absolute limit: both must hold
    assert bench.Figure("d", 90.0, 80.0, "MiB", "", limit=1.2, absolute=100.0).verdict == "ok"
    assert bench.Figure("d", 110.0, 100.0, "MiB", "", limit=1.2, absolute=100.0).verdict == "over"


def test_hello_app_is_detected_ready_and_echoes_keys():
    r = ptyrun.launch([sys.executable, str(ROOT / "bench" / "hello.py")], "hello bench ready",
                      type_text="zqbench", timeout=60)
    assert r.error is None, r.tail
    assert 0 < r.ready_s <= r.keys_s
    assert r.maxrss_kb > 1000


def test_launch_reports_a_marker_that_never_appears():
    r = ptyrun.launch([sys.executable, "-c", "print('something else')"], "never drawn", timeout=20)
    assert r.ready_s is None and r.error and "something else" in r.tail


def test_bench_runs_end_to_end_on_a_tiny_database(tmp_path):
    md = tmp_path / "bench.md"
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--calls", "30", "--runs", "1", "--notes", "20",
         "--timeout", "60", "--cache", str(tmp_path / "cache"), "--markdown", str(md), "--small-calls", "12",
         "--team-managers", "2", "--team-calls", "5"],
        capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    for name in FIGURES:
        line = next((ln for ln in lines if ln.startswith(name)), None)
        assert line is not None, f"{name!r} missing from:\n{out.stdout}"
        assert re.search(r"(ok|over)$", line) or " n/a " in line, line
    # the Team view is timed until its figures are drawn (the loading state does not count)
    view = next(ln for ln in lines if ln.startswith("launch -> Team view showing figures"))
    assert re.search(r"(ok|over)$", view), view
    assert "Team view launch (2 managers, marker '2 managers  ·  sort:')" in out.stdout, out.stdout
    m = re.search(r"database: \S+ \((\d+) calls, (\d+) notes", out.stdout)
    assert m and int(m.group(1)) >= 30 and int(m.group(2)) > 0, out.stdout
    # the baseline export script must keep writing the very documents the real export writes
    m = re.search(r"real export (\d+) files .* byte-identical (\d+)", out.stdout)
    if (ROOT / "fieldcoach" / "sync" / "commands.py").exists():
        assert m and m.group(1) == m.group(2) and int(m.group(1)) >= 32, out.stdout
    # the baseline import script inserts the very rows the real import does
    assert out.stdout.count("same rows as the baseline") == 2, out.stdout  # import, team load
    # on PostgreSQL, where its binaries are, the COPY baseline puts the very rows team load does
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_server import MISSING, find_bindir

    pg_line = next(ln for ln in lines if ln.startswith("PostgreSQL team load"))
    if find_bindir() is None:
        assert MISSING in pg_line, pg_line
    else:
        assert re.search(r"(ok|over)$", pg_line), pg_line
        assert "same rows as the COPY" in out.stdout, out.stdout
    assert md.read_text().count("\n| ") >= len(FIGURES)
    assert list((tmp_path / "cache").glob("demo-30-*.db"))  # cached for the next run


def test_cached_database_is_reused(tmp_path):
    first, made = bench.cached_db(tmp_path, 12)
    again, made_again = bench.cached_db(tmp_path, 12)
    assert first == again and made is not None and made_again is None
