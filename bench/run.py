"""`make bench`: the figures of PRODUCT.md section 6, each against a baseline measured in
the same run (runs alternated, median quoted).

    python bench/run.py [--calls 10000] [--runs 5] [--notes 1000] [--markdown FILE]

It prints one line per figure: name, measured, baseline, ratio, target, ok|over (or n/a
with the reason). It is a measurement: the exit status is 0 even when a figure is over.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import hello  # noqa: E402
import team_bench  # noqa: E402
from common import BENCH, DIAG, FIELDCOACH, PY, ROOT, Figure, log, median, percentile, run_child  # noqa: E402
from ptyrun import Launch, launch  # noqa: E402

__all__ = ["Figure", "median", "percentile"]  # read by tests/test_bench.py
TYPED = "zqbench"  # typed once ready; "accepting keys" = these characters drawn
DEMO_SOURCES = ("fieldcoach/demo.py", "fieldcoach/schema_sql.py", "fieldcoach/coaching.py")
NOTE_TEXTS = ("+2 great open question on current process", "-1 talked over the buyer",
              "? what made you move to the demo there", "buyer late by 10 min",
              "+ let the silence work after the price", "-2 jumped to the demo before discovery")


# --- the database ------------------------------------------------------------------------

def demo_key(calls: int) -> str:
    h = hashlib.sha256(str(calls).encode())
    for rel in DEMO_SOURCES:
        p = ROOT / rel
        h.update(p.read_bytes() if p.exists() else b"")
    # demo data is relative to "now": a cache from another day would shift "this week"
    h.update(datetime.now(UTC).strftime("%Y-%m-%d").encode())
    return h.hexdigest()[:12]


def run_demo(path: Path, calls: int) -> float:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    subprocess.run([*FIELDCOACH, "--db", str(path), "demo", "--calls", str(calls)], check=True,
                   stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t0


def cached_db(cache: Path, calls: int) -> tuple[Path, float | None]:
    """The demo database for this demo code version, generated once; (path, seconds if made now)."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"demo-{calls}-{demo_key(calls)}.db"
    if path.exists():
        return path, None
    for old in cache.glob(f"demo-{calls}-*.db*"):
        old.unlink()
    tmp = cache / f"making-{os.getpid()}.db"
    secs = run_demo(tmp, calls)
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    for side in ("-wal", "-shm"):
        Path(f"{tmp}{side}").unlink(missing_ok=True)
    os.replace(tmp, path)
    return path, secs


def copy_db(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(dst, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as s, sqlite3.connect(dst) as d:
        s.backup(d)
    s.close()
    d.close()
    return dst


def set_observing(db: Path) -> str:
    """One call in progress, so the app opens straight into the observation screen."""
    now = datetime.now(UTC).isoformat(timespec="microseconds")  # as fieldcoach.clock.to_db
    con = sqlite3.connect(db)
    row = con.execute("SELECT id FROM call WHERE status = 'planned' AND deleted_at IS NULL "
                      "ORDER BY scheduled_at LIMIT 1").fetchone() \
        or con.execute("SELECT id FROM call ORDER BY id LIMIT 1").fetchone()
    con.execute("UPDATE call SET status = 'observing', started_at = ?, ended_at = NULL, "
                "feedback_started_at = NULL, feedback_ended_at = NULL WHERE id = ?", (now, row[0]))
    con.commit()
    con.close()
    return row[0]


# --- launch figures ----------------------------------------------------------------------

def launch_figures(args, home_db: Path, obs_db: Path) -> list[Figure]:
    hello_argv = [PY, str(BENCH / "hello.py")]
    home_argv = [*FIELDCOACH, "--db", str(home_db)]
    obs_argv = [*FIELDCOACH, "--db", str(obs_db)]
    res: dict[str, list[Launch]] = {"hello": [], "home": [], "note": []}
    order = [("hello", hello_argv, hello.MARKER), ("home", home_argv, args.home_marker),
             ("note", obs_argv, args.note_marker)]
    dead: dict[str, str] = {}
    for i in range(args.runs):
        for name, argv, marker in (order if i % 2 == 0 else order[::-1]):
            if name in dead:
                continue
            # a fresh text each run, and no draft left by an earlier run, so an echo is this run's echo
            shutil.rmtree(obs_db.parent / f".{obs_db.name}.drafts", ignore_errors=True)
            shutil.rmtree(home_db.parent / f".{home_db.name}.drafts", ignore_errors=True)
            typed = f"{TYPED}{chr(97 + i % 26)}"
            r = launch(argv, marker, type_text=typed if name != "home" else None, timeout=args.timeout,
                       cwd=str(ROOT), settle=args.settle if name != "note" else 0.0)
            res[name].append(r)
            if r.ready_s is None:  # not drawn at all: no point waiting again
                dead[name] = f"{r.error}; last text: {' '.join(r.tail.split())[-120:]!r}"
            log(f"launch {name} run {i + 1}: ready {_s(r.ready_s)} (cpu {_s(r.cpu_ready_s)}) keys {_s(r.keys_s)} "
                f"maxrss {r.maxrss_kb / 1024:.0f} MiB {r.error or ''}")

    def med(name: str, attr: str) -> float | None:
        return median([getattr(r, attr) for r in res[name] if getattr(r, attr) is not None])

    hello_ready, hello_keys = med("hello", "ready_s"), med("hello", "keys_s")
    cpu = {k: med(k, "cpu_ready_s") for k in res}
    if cpu["hello"]:
        DIAG.append("CPU time used by the process when ready (user+sys from /proc, medians; less sensitive to "
                    "machine load than wall time): " + ", ".join(
                        f"{k} {v:.2f}s ({v / cpu['hello']:.2f}x hello)" for k, v in cpu.items() if v))
    hello_mem = med("hello", "maxrss_kb")
    figs = []
    note_keys = med("note", "keys_s")
    reason = dead.get("note") or (f"{args.note_marker!r} drawn but typed text never echoed "
                                  f"({res['note'][0].error})" if res["note"] and note_keys is None else "")
    figs.append(Figure("launch -> note line accepting keys", note_keys, hello_keys, "s", "<= 1.25x",
                       limit=1.25, reason=reason))
    figs.append(Figure("launch -> home showing figures", med("home", "ready_s"), hello_ready, "s", "<= 2x",
                       limit=2.0, reason=dead.get("home", "")))
    home_mem = med("home", "maxrss_kb") if "home" not in dead else None
    figs.append(Figure(f"peak memory, home open ({args.calls} calls)", home_mem and home_mem / 1024,
                       hello_mem and hello_mem / 1024, "MiB", "<= 2.5x", limit=2.5, reason=dead.get("home", "")))
    return figs


def _s(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}s"


# --- note save ---------------------------------------------------------------------------

def note_save_figures(args, obs_db: Path) -> list[Figure]:
    from fieldcoach import notes
    from fieldcoach.clock import to_db, utcnow
    from fieldcoach.store import Store

    store = Store(obs_db)
    store.open()
    con = store.con()
    call = notes.active_call(con)
    if call is None:
        return [Figure("note save p99 (Enter -> committed row)", None, None, "ms", "< 5 ms",
                       reason="no call in progress in the bench database")]
    real: list[float] = []
    base: list[float] = []
    pc = time.perf_counter_ns
    import uuid

    for i in range(args.notes):
        raw = NOTE_TEXTS[i % len(NOTE_TEXTS)]
        if i % 2 == 0:
            t = pc(); notes.add_note(con, call, raw); real.append((pc() - t) / 1e6)  # noqa: E702
        # baseline: the same row as a plain sqlite3 INSERT + COMMIT (no parsing, no checks)
        t = pc()
        stamp = to_db(utcnow())
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO note (id, call_id, taken_at, offset_seconds, text, kind, skill_id, private, "
                    "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (str(uuid.uuid4()), call.id, stamp, 0, raw, "plain", None, 0, stamp, stamp))
        con.execute("COMMIT")
        base.append((pc() - t) / 1e6)
        if i % 2 == 1:
            t = pc(); notes.add_note(con, call, raw); real.append((pc() - t) / 1e6)  # noqa: E702
    store.close()
    return [Figure(f"note save p50 ({len(real)} notes)", percentile(real, 50), percentile(base, 50), "ms",
                   "< 5 ms", absolute=5.0),
            Figure(f"note save p99 ({len(real)} notes)", percentile(real, 99), percentile(base, 99), "ms",
                   "< 5 ms", absolute=5.0)]


# --- command-line figures ----------------------------------------------------------------

def timed(argv: list[str], **kw) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, **kw)
    return time.perf_counter() - t0


def note_cli_figure(args, obs_db: Path) -> Figure:
    a: list[float] = []
    b: list[float] = []
    for i in range(args.runs * 3):
        pair = [(a, [*FIELDCOACH, "--db", str(obs_db), "note", "+1 bench quick capture"]),
                (b, [PY, "-c", "pass"])]
        for sink, argv in (pair if i % 2 == 0 else pair[::-1]):
            sink.append(timed(argv))
    return Figure("`fieldcoach note` vs `python -c pass`", median(a), median(b), "s", "< 0.15 s",
                  absolute=0.15, own=True)


def demo_figure(args, work: Path, made_s: float | None) -> Figure:
    times = [made_s] if made_s is not None else []
    n = max(1, min(args.runs, 3))
    while len(times) < n:
        times.append(run_demo(work / "demo-timing.db", args.calls))
        log(f"demo --calls {args.calls}: {times[-1]:.2f}s")
    return Figure(f"`fieldcoach demo --calls {args.calls}`", median(times), None, "s", "< 10 s",
                  absolute=10.0, own=True)


# --- export ------------------------------------------------------------------------------

def _docs(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.json")}


def compare_stores(real: Path, base: Path) -> str:
    """How close the baseline's documents are to the real export's (honesty check)."""
    import json

    a, b = _docs(real), _docs(base)
    same_bytes = sum(1 for k in a if b.get(k) == a[k])
    same_json = sum(1 for k in a if k in b and json.loads(a[k]) == json.loads(b[k]))
    calls = [k for k in a if "/calls/" in k]
    diff = ""
    for k in calls:
        if k in b and a[k] != b[k]:
            ja, jb = json.loads(a[k]), json.loads(b[k])
            keys = sorted(set(ja) ^ set(jb)) or sorted(x for x in ja if ja.get(x) != jb.get(x))
            diff = f"; first call doc differing: keys {keys[:8]}"
            break
    return (f"real export {len(a)} files ({sum(map(len, a.values())) / 1e6:.1f} MB), baseline {len(b)} files "
            f"({sum(map(len, b.values())) / 1e6:.1f} MB); byte-identical {same_bytes}, same JSON {same_json}"
            f"{diff}")


def export_figures(args, src_db: Path, work: Path) -> tuple[list[Figure], str]:
    if not (ROOT / "fieldcoach" / "sync" / "commands.py").exists():
        why = "fieldcoach/sync not there yet"
        return [Figure(f"full export ({args.calls} calls)", None, None, "s", "<= 2x", reason=why),
                Figure("export with nothing changed", None, None, "s", "<= 5% of full", reason=why)], ""
    db = copy_db(src_db, work / "export" / "fieldcoach.db")
    full: list[float] = []
    base: list[float] = []
    same: list[float] = []
    check = ""
    for i in range(args.runs):
        real_dir, base_dir = work / f"store-real-{i}", work / f"store-base-{i}"
        steps = [("base", [PY, str(BENCH / "baseline_export.py"), str(db), str(base_dir)]),
                 ("full", [*FIELDCOACH, "--db", str(db), "export", "--store", str(real_dir), "--full"])]
        for name, argv in (steps if i % 2 == 0 else steps[::-1]):
            (base if name == "base" else full).append(timed(argv))
        same.append(timed([*FIELDCOACH, "--db", str(db), "export", "--store", str(real_dir)]))
        log(f"export run {i + 1}: full {full[-1]:.2f}s baseline {base[-1]:.2f}s no-change {same[-1]:.3f}s")
        if i == 0:
            check = compare_stores(real_dir, base_dir)
        shutil.rmtree(real_dir, ignore_errors=True)
        shutil.rmtree(base_dir, ignore_errors=True)
    f_full = median(full)
    return [Figure(f"full export ({args.calls} calls)", f_full, median(base), "s", "<= 2x", limit=2.0),
            Figure("export with nothing changed", median(same), f_full, "s", "<= 5% of full", limit=0.05)], check


# --- import ------------------------------------------------------------------------------

def empty_db(path: Path) -> Path:
    """A new, empty fieldcoach database (schema and seeded defaults, no manager)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    make = ("import sys; from fieldcoach.db import connect; c = connect(sys.argv[1]); "
            "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()")
    subprocess.run([PY, "-c", make, str(path)], check=True, cwd=ROOT)
    return path


def _counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("rep", "goal", "expectation", "call", "note", "debrief_answer", "rating",
                          "next_step")}
    finally:
        con.close()


def import_figures(args, src_db: Path, work: Path) -> list[Figure]:
    """`fieldcoach import STORE` of one manager's store into an empty database, against
    bench/baseline_import.py; peak memory against importing 1,000 calls; a second import
    of the unchanged store."""
    if not (ROOT / "fieldcoach" / "sync" / "ingest.py").exists():
        why = "fieldcoach/sync/ingest.py not there yet"
        return [Figure(f"import ({args.calls} calls)", None, None, "s", "<= 2x", reason=why)]
    stores = {}
    for name, db in (("large", src_db), ("small", cached_db(args.cache, args.small_calls)[0])):
        copy = copy_db(db, work / f"import-src-{name}" / "fieldcoach.db")
        stores[name] = work / f"import-store-{name}"
        subprocess.run([*FIELDCOACH, "--db", str(copy), "export", "--store", str(stores[name])], check=True,
                       stdout=subprocess.DEVNULL, cwd=ROOT)
    # every file written well before it is read, as a store from a shared folder is
    old = time.time_ns() - 3600 * 10**9
    for root in stores.values():
        for p in root.rglob("*.json"):
            os.utime(p, ns=(old, old))
    empty = empty_db(work / "import-empty" / "fieldcoach.db")
    full: list[float] = []
    base: list[float] = []
    cpu_full: list[float] = []
    cpu_base: list[float] = []
    again: list[float] = []
    mem_large: list[float] = []
    mem_small: list[float] = []
    checked = ""
    for i in range(args.runs):
        real_db = copy_db(empty, work / f"import-real-{i}" / "fieldcoach.db")
        base_db = copy_db(empty, work / f"import-base-{i}" / "fieldcoach.db")
        small_db = copy_db(empty, work / f"import-small-{i}" / "fieldcoach.db")
        steps = [("base", [PY, str(BENCH / "baseline_import.py"), str(base_db), str(stores["large"])]),
                 ("full", [*FIELDCOACH, "--db", str(real_db), "import", str(stores["large"])]),
                 ("small", [*FIELDCOACH, "--db", str(small_db), "import", str(stores["small"])])]
        for name, argv in (steps if i % 2 == 0 else steps[::-1]):
            wall, cpu, rss = run_child(argv)
            if name == "base":
                base.append(wall)
                cpu_base.append(cpu)
            elif name == "full":
                full.append(wall)
                cpu_full.append(cpu)
                mem_large.append(rss / 1024)
            else:
                mem_small.append(rss / 1024)
        again.append(run_child([*FIELDCOACH, "--db", str(real_db), "import", str(stores["large"])])[0])
        log(f"import run {i + 1}: full {full[-1]:.2f}s baseline {base[-1]:.2f}s no-change {again[-1]:.3f}s "
            f"peak {mem_large[-1]:.0f} MiB ({args.calls} calls) {mem_small[-1]:.0f} MiB ({args.small_calls})")
        if i == 0:
            a, b = _counts(real_db), _counts(base_db)
            checked = "same rows as the baseline" if a == b else f"rows differ: import {a}, baseline {b}"
        for d in (real_db, base_db, small_db):
            shutil.rmtree(d.parent, ignore_errors=True)
    if cpu_base and median(cpu_base):
        DIAG.append(f"import CPU time (user+sys, medians): fieldcoach {median(cpu_full):.2f}s, baseline "
                    f"{median(cpu_base):.2f}s ({median(cpu_full) / median(cpu_base):.2f}x); {checked}")
    f_full = median(full)
    return [Figure(f"import ({args.calls} calls) into an empty database", f_full, median(base), "s", "<= 2x",
                   limit=2.0),
            Figure(f"peak memory, import of {args.calls} calls", median(mem_large), median(mem_small), "MiB",
                   f"< 100 MiB, <= 1.2x {args.small_calls} calls", limit=1.2, absolute=100.0),
            Figure("import with nothing changed", median(again), f_full, "s", "<= 5% of full", limit=0.05)]


# --- report ------------------------------------------------------------------------------

def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version

        tx = f", Textual {version('textual')}"
    except Exception:
        tx = ""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}{tx}, "
            f"{platform.system()} {platform.release()}, load {load:.2f} at start")


def table(figs: list[Figure]) -> list[list[str]]:
    return [["figure", "measured", "baseline", "ratio", "target", "result"]] + [f.cells() for f in figs]


def render_text(rows: list[list[str]]) -> str:
    w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(c.ljust(w[i]) for i, c in enumerate(r[:-1])) + "  " + r[-1] for r in rows)


def render_markdown(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows[1:]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=10_000, help="calls in the demo database (default 10000)")
    p.add_argument("--runs", type=int, default=5, help="runs of each measurement, alternated (default 5)")
    p.add_argument("--notes", type=int, default=1000, help="notes saved for the p50/p99 (default 1000)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a screen (default 30)")
    p.add_argument("--settle", type=float, default=3.0,
                   help="seconds home and hello stay open after ready before quitting, for peak memory (default 3)")
    p.add_argument("--cache", type=Path, default=BENCH / ".cache", help="where the demo database is kept")
    p.add_argument("--home-marker", default="coaching this week", help="text that means home shows its figures")
    p.add_argument("--note-marker", default="Type a note", help="text that means the note line is drawn")
    p.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    p.add_argument("--small-calls", type=int, default=1000,
                   help="calls in the store whose import's peak memory the large one's is compared with")
    p.add_argument("--skip", action="append", default=[],
                   choices=["launch", "note", "cli", "export", "import", "demo", "team"],
                   help="leave a group of figures out (repeatable)")
    p.add_argument("--team-managers", type=int, default=50, help="managers in the demo team store (default 50)")
    p.add_argument("--team-calls", type=int, default=2000, help="calls per manager there (default 2000)")
    p.add_argument("--team-big-runs", type=int, default=1,
                   help="loads of the whole team store, for its peak memory (default 1)")
    args = p.parse_args(argv)

    where = machine()
    print(f"fieldcoach bench: {args.calls} calls, {args.runs} runs each (median), machine: {where}", flush=True)
    src, made_s = cached_db(args.cache, args.calls)
    con = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    n_calls, n_notes = con.execute("SELECT (SELECT count(*) FROM call), (SELECT count(*) FROM note)").fetchone()
    con.close()
    print(f"database: {src.name} ({n_calls} calls, {n_notes} notes, {src.stat().st_size / 1e6:.0f} MB)"
          f"{' generated now' if made_s is not None else ' from cache'}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="fieldcoach-bench-"))
    figs: list[Figure] = []
    check = ""
    try:
        home_db = copy_db(src, work / "home" / "fieldcoach.db")
        obs_db = copy_db(src, work / "observe" / "fieldcoach.db")
        set_observing(obs_db)
        if "launch" not in args.skip:
            figs += launch_figures(args, home_db, obs_db)
        if "note" not in args.skip:
            figs += note_save_figures(args, copy_db(obs_db, work / "notes" / "fieldcoach.db"))
        # Import before export: a child's ru_maxrss counts the pages it shares with this
        # process when forked, and the export check reads every document (~230 MiB here).
        imported = import_figures(args, src, work) if "import" not in args.skip else []
        # the team group too: its peak memory figure reads children's ru_maxrss
        team = team_bench.team_figures(args, work) if "team" not in args.skip else []
        if "export" not in args.skip:
            f, check = export_figures(args, src, work)
            figs += f
        figs += imported
        if "cli" not in args.skip:
            figs.append(note_cli_figure(args, copy_db(obs_db, work / "cli" / "fieldcoach.db")))
        if "demo" not in args.skip:
            figs.append(demo_figure(args, work, made_s))
        figs += team
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = table(figs)
    print(render_text(rows))
    how = ("How: launch = whole process in a pseudo-terminal (TERM=xterm-256color, 100x30), timed from spawn until "
           "the text is drawn (ANSI sequences stripped from the output): hello world shows "
           f"{hello.MARKER!r}; home {args.home_marker!r}; note line {args.note_marker!r} on a copy with one call "
           f"observing, then {TYPED!r} is typed and 'accepting keys' is when it is drawn (hello echoes it too). "
           f"Memory = child's ru_maxrss (os.wait4) after ctrl+q, home and hello kept open {args.settle:g}s after ready "
           "(background work such as an ORM warm-up counts). Note save = notes.add_note in process "
           "(parse + insert + commit) vs a plain INSERT + COMMIT of the same row. Export = whole processes "
           "`fieldcoach export --store DIR --full` into an empty folder vs bench/baseline_export.py (sqlite3 + json, "
           "byte-identical documents, same temp file + one syncfs + rename); no-change = a second "
           "`export --store DIR` on that folder. Import = whole processes `fieldcoach import STORE` of that "
           "export into an empty database vs bench/baseline_import.py (json + sqlite3, the same rows, one "
           "transaction, no validation); peak memory against importing a 1,000-call store the same way; "
           "no-change = a second import of the same store. * = the bench's own target (not PRODUCT.md "
           "section 6).")
    import textwrap

    print(textwrap.fill(how, 110))
    if check:
        DIAG.append(f"export documents: {check}")
    DIAG.append(f"load average at the end: {os.getloadavg()[0]:.2f}")
    for line in DIAG:
        print(line)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        end_load = os.getloadavg()[0]
        args.markdown.write_text(f"Machine: {where}, load {end_load:.2f} at the end; "
                                 f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n{render_markdown(rows)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
