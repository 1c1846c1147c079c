"""What stands between launch and the first keystroke: `python -X importtime` and cProfile
of a whole app launch in a pseudo-terminal, up to the ready marker.

    python bench/profile_launch.py --db DB [--observe] [--top 25]

--observe sets one call observing on a copy (the note line figure); without it the
launch stops at home. Prints import time by top-level package, the slowest imports
(cumulative), and the cProfile functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile  # noqa: F401 - (documented dependency of -m cProfile)
import pstats
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import run as bench  # noqa: E402 - bench/ joins sys.path just above
from ptyrun import launch  # noqa: E402


def importtime(path: Path, top: int) -> None:
    rows = []
    for line in path.read_text(errors="replace").splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cum_us, name = (x.strip() for x in line[len("import time:"):].split("|", 2))
        rows.append((int(self_us), int(cum_us), name))
    if not rows:
        print("no import time lines captured")
        return
    by_pkg: dict[str, int] = defaultdict(int)
    for s, _, name in rows:
        by_pkg[name.strip().split(".")[0]] += s
    total = sum(by_pkg.values())
    print(f"imports: {len(rows)} modules, {total / 1000:.0f} ms self time in all")
    for pkg, us in sorted(by_pkg.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {us / 1000:8.1f} ms  {pkg}")
    print("slowest imports (cumulative, top level of their chain):")
    for _s, c, name in sorted(rows, key=lambda r: -r[1])[:top]:
        print(f"  {c / 1000:8.1f} ms  {name}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--observe", action="store_true", help="profile the launch into the note line")
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fieldcoach-profile-"))
    db = bench.copy_db(args.db, work / "db" / "fieldcoach.db")
    marker = "coaching this week"
    if args.observe:
        bench.set_observing(db)
        marker = "Type a note"
    err = work / "importtime.txt"
    # Textual draws on stderr, so with stderr captured the screen lands in the file next to the
    # import lines and the marker is never seen: give the app a few seconds, then quit it.
    launch([bench.PY, "-X", "importtime", "-m", "fieldcoach", "--db", str(db)], marker,
           stderr_path=str(err), cwd=str(bench.ROOT), timeout=4)
    importtime(err, args.top)
    prof = work / "launch.prof"
    r = launch([bench.PY, "-m", "cProfile", "-o", str(prof), "-m", "fieldcoach", "--db", str(db)], marker,
               cwd=str(bench.ROOT))
    print(f"\nready after {r.ready_s}s under cProfile ({r.error or 'ok'}); whole run until ctrl+q:")
    if prof.exists():
        st = pstats.Stats(str(prof))
        st.sort_stats("cumulative").print_stats(args.top)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
