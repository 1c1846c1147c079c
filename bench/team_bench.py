"""The section 8 figures (the team database), each against a baseline in the same run:

- `fieldcoach team load` of a 10,000-call store into an empty SQLite team database vs
  bench/baseline_team_load.py (json + sqlite3, the same rows): <= 2x;
- peak memory loading 100,000 calls vs loading 10,000: within 20%;
- a reload with nothing changed: <= 5% of the full load;
- on PostgreSQL, rows per second of `team load` vs a plain COPY of the same rows: >= 0.5x;
- launch to the Team view showing its figures on 100,000 calls vs hello world: <= 2x.

The team store is a demo store of 50 managers x 2,000 calls (`fieldcoach demo --team`),
generated once and cached; the 10,000-call store is 5 of its managers (hard links).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import hello
from common import BENCH, DIAG, FIELDCOACH, PY, ROOT, Figure, log, median, run_child
from ptyrun import Launch, launch

RECORD_TABLES = ("skill", "rep", "goal", "expectation", "call", "note", "debrief_answer", "rating", "next_step")
SOURCES = ("fieldcoach/team_demo.py", "fieldcoach/demo.py", "fieldcoach/sync/export.py",
           "fieldcoach/schema_sql.py", "fieldcoach/coaching.py")


def store_key(managers: int, calls: int) -> str:
    h = hashlib.sha256(f"{managers}x{calls}".encode())
    for rel in SOURCES:
        p = ROOT / rel
        h.update(p.read_bytes() if p.exists() else b"")
    h.update(datetime.now(UTC).strftime("%Y-%m-%d").encode())  # demo data is relative to today
    return h.hexdigest()[:12]


def team_store(cache: Path, managers: int, calls: int) -> tuple[Path, float | None]:
    """The demo team store, generated once per demo code version and day; (path, seconds
    if made now). Every file is stamped an hour old, as a store on a shared folder is."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"team-{managers}x{calls}-{store_key(managers, calls)}"
    if path.is_dir():
        return path, None
    for old in cache.glob(f"team-{managers}x{calls}-*"):
        shutil.rmtree(old, ignore_errors=True)
    tmp = cache / f"making-team-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"generating a demo team store of {managers} managers x {calls} calls (once; cached)")
    wall, _, _ = run_child([*FIELDCOACH, "demo", "--team", str(tmp), "--managers", str(managers),
                            "--calls", str(calls)])
    old = datetime.now(UTC).timestamp() - 3600
    for p in tmp.rglob("*.json"):
        os.utime(p, (old, old))
    os.replace(tmp, path)
    return path, wall


def part_of(store: Path, dest: Path, managers: int) -> Path:
    """The first managers' folders of store, as hard links (same files, same stamps)."""
    dest.mkdir(parents=True)
    for folder in sorted(p for p in store.iterdir() if p.is_dir())[:managers]:
        shutil.copytree(folder, dest / folder.name, copy_function=os.link)
    return dest


def empty_team_db(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    make = ("import sys; from fieldcoach.team.db import open_team_db; "
            "open_team_db('sqlite:///' + sys.argv[1]).dispose()")
    subprocess.run([PY, "-c", make, str(path)], check=True, cwd=ROOT)
    return path


def _rows(db: Path) -> dict[str, int]:
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ("manager", *RECORD_TABLES)}
    finally:
        con.close()


def load_figures(args: Any, work: Path, big: Path, small: Path, calls_small: int,
                 calls_big: int) -> list[Figure]:
    empty = empty_team_db(work / "team-empty" / "team.db")
    full: list[float] = []
    base: list[float] = []
    cpu_full: list[float] = []
    cpu_base: list[float] = []
    again: list[float] = []
    mem_small: list[float] = []
    checked = ""
    for i in range(args.runs):
        real = work / f"team-real-{i}" / "team.db"
        baseline = work / f"team-base-{i}" / "team.db"
        for d in (real, baseline):
            d.parent.mkdir(parents=True)
            shutil.copyfile(empty, d)
        steps = [("base", [PY, str(BENCH / "baseline_team_load.py"), str(baseline), str(small)]),
                 ("full", [*FIELDCOACH, "team", "load", str(small), "--db", str(real)])]
        for name, argv in (steps if i % 2 == 0 else steps[::-1]):
            wall, cpu, rss = run_child(argv)
            (base if name == "base" else full).append(wall)
            (cpu_base if name == "base" else cpu_full).append(cpu)
            if name == "full":
                mem_small.append(rss / 1024)
        again.append(run_child([*FIELDCOACH, "team", "load", str(small), "--db", str(real)])[0])
        log(f"team load run {i + 1}: full {full[-1]:.2f}s baseline {base[-1]:.2f}s no-change {again[-1]:.3f}s "
            f"peak {mem_small[-1]:.0f} MiB ({calls_small} calls)")
        if i == 0:
            a, b = _rows(real), _rows(baseline)
            checked = "same rows as the baseline" if a == b else f"rows differ: team load {a}, baseline {b}"
        for d in (real, baseline):
            shutil.rmtree(d.parent, ignore_errors=True)
    mem_big: list[float] = []
    for i in range(args.team_big_runs):  # 100,000 calls: long, and peak memory varies little
        db = work / f"team-big-{i}" / "team.db"
        db.parent.mkdir(parents=True)
        shutil.copyfile(empty, db)
        wall, _, rss = run_child([*FIELDCOACH, "team", "load", str(big), "--db", str(db)])
        mem_big.append(rss / 1024)
        log(f"team load of {calls_big} calls, run {i + 1}: {wall:.1f}s, peak {rss / 1024:.0f} MiB")
        if i == args.team_big_runs - 1:
            args.team_big_db = db  # kept for the Team view launch figure
        else:
            shutil.rmtree(db.parent, ignore_errors=True)
    if median(cpu_base):
        DIAG.append(f"team load CPU time (user+sys, medians): fieldcoach {median(cpu_full):.2f}s, baseline "
                    f"{median(cpu_base):.2f}s ({median(cpu_full) / median(cpu_base):.2f}x); {checked}")
    f_full = median(full)
    return [Figure(f"team load ({calls_small} calls) into an empty team database", f_full, median(base), "s",
                   "<= 2x", limit=2.0),
            Figure(f"peak memory, team load of {calls_big} calls", median(mem_big), median(mem_small), "MiB",
                   f"<= 1.2x {calls_small} calls", limit=1.2),
            Figure("team load with nothing changed", median(again), f_full, "s", "<= 5% of full", limit=0.05)]


def _pg_rows(url: str) -> dict[str, int]:
    import psycopg

    tables = ("manager", *RECORD_TABLES)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as con:
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[index]


def pg_figure(args: Any, work: Path, small: Path, calls_small: int) -> Figure:
    """`team load` into an empty PostgreSQL team database vs bench/baseline_team_copy.py (a
    plain COPY of the same rows into the same empty tables), both whole processes, on a
    throwaway server (tests/pg_server.py). The same rows both ways: the ratio of the times
    is the inverse of the ratio of rows per second."""
    name = f"PostgreSQL team load ({calls_small} calls) vs plain COPY of its rows"
    target = "<= 2x (rows/s >= 0.5x)"
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_server import MISSING, PgServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        return Figure(name, None, None, "s", target, reason=MISSING)
    server = PgServer(bindir)
    load_s: list[float] = []
    copy_s: list[float] = []
    checked = ""
    rows = 0
    try:
        try:
            server.start()
        except (OSError, subprocess.CalledProcessError) as exc:
            return Figure(name, None, None, "s", target, reason=f"PostgreSQL server did not start: {exc}")
        make = "import sys; from fieldcoach.team.db import open_team_db; open_team_db(sys.argv[1]).dispose()"
        for i in range(args.runs):
            real, base = server.new_database(), server.new_database()
            for url in (real, base):
                subprocess.run([PY, "-c", make, url], check=True, cwd=ROOT)
            steps = [("copy", [PY, str(BENCH / "baseline_team_copy.py"), base, str(small)]),
                     ("load", [*FIELDCOACH, "team", "load", str(small), "--db", real])]
            for step, argv in (steps if i % 2 == 0 else steps[::-1]):
                (copy_s if step == "copy" else load_s).append(run_child(argv)[0])
            log(f"PostgreSQL team load run {i + 1}: team load {load_s[-1]:.2f}s, COPY {copy_s[-1]:.2f}s")
            if i == 0:
                a, b = _pg_rows(real), _pg_rows(base)
                rows = sum(a.values())
                checked = "same rows as the COPY" if a == b else f"rows differ: team load {a}, COPY {b}"
    finally:
        server.stop()
    t_load, t_copy = median(load_s), median(copy_s)
    if t_load and t_copy:
        DIAG.append(f"PostgreSQL team load: {rows / t_load:.0f} rows/s, plain COPY {rows / t_copy:.0f} rows/s "
                    f"({t_copy / t_load:.2f}x; medians); {checked}")
    return Figure(name, t_load, t_copy, "s", target, limit=2.0)


def _managers_in(db: Path) -> int:
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT count(*) FROM manager").fetchone()[0])
    finally:
        con.close()


def view_marker(managers: int) -> str:
    """Text the Team view draws only with its figures: the period line's manager count
    (the loading state says "Loading the team figures…", an empty database "No figures
    yet."); the table of figures is drawn in the same frame."""
    return f"{managers} manager{'s' if managers != 1 else ''}  ·  sort:"


def view_figure(args: Any, work: Path, big: Path, calls_big: int) -> Figure:
    """`fieldcoach team --db <the 100,000-call team database>` until its figures are drawn,
    alternated with the hello-world app, as the home launch figure is measured."""
    name = f"launch -> Team view showing figures ({calls_big} calls)"
    db = getattr(args, "team_big_db", None)
    if db is None or not Path(db).exists():  # the load figures were not run: load one now
        db = empty_team_db(work / "team-view" / "team.db")
        run_child([*FIELDCOACH, "team", "load", str(big), "--db", str(db)])
    managers = _managers_in(Path(db))
    marker = view_marker(managers)
    home = work / "team-view-home"  # no user's team policy: the defaults
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDCOACH_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"))
    steps = [("hello", [PY, str(BENCH / "hello.py")], hello.MARKER),
             ("view", [*FIELDCOACH, "team", "--db", f"sqlite:///{db}"], marker)]
    res: dict[str, list[Launch]] = {"hello": [], "view": []}
    for i in range(args.runs):
        for what, argv, mark in (steps if i % 2 == 0 else steps[::-1]):
            r = launch(argv, mark, timeout=args.timeout, cwd=str(ROOT), env=env)
            res[what].append(r)
            log(f"launch {what} run {i + 1}: ready {r.ready_s}s (cpu {r.cpu_ready_s}s) {r.error or ''}")
            if r.ready_s is None:
                tail = " ".join(r.tail.split())[-160:]
                return Figure(name, None, None, "s", "<= 2x", reason=f"{what}: {r.error}; last text: {tail!r}")
    cpu = {k: median([r.cpu_ready_s for r in v if r.cpu_ready_s is not None]) for k, v in res.items()}
    if cpu["hello"] and cpu["view"]:
        DIAG.append(f"Team view launch ({managers} managers, marker {marker!r}): CPU time when ready "
                    f"{cpu['view']:.2f}s vs hello {cpu['hello']:.2f}s ({cpu['view'] / cpu['hello']:.2f}x)")
    return Figure(name, median([r.ready_s for r in res["view"] if r.ready_s is not None]),
                  median([r.ready_s for r in res["hello"] if r.ready_s is not None]), "s", "<= 2x", limit=2.0)


def team_figures(args: Any, work: Path) -> list[Figure]:
    big, made = team_store(args.cache, args.team_managers, args.team_calls)
    calls_big = args.team_managers * args.team_calls
    small_managers = max(1, args.team_managers // 10)
    small = part_of(big, work / "team-store-small", small_managers)
    calls_small = small_managers * args.team_calls
    DIAG.append(f"team store: {args.team_managers} managers x {args.team_calls} calls"
                + (f", generated now in {made:.0f}s" if made is not None else ", from cache")
                + f"; the small store is {small_managers} of its managers ({calls_small} calls)")
    figs = load_figures(args, work, big, small, calls_small, calls_big)
    figs.append(pg_figure(args, work, small, calls_small))
    figs.append(view_figure(args, work, big, calls_big))
    return figs
