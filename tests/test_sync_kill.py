"""A real `fieldcoach export --store` process killed with SIGKILL at random moments leaves
only complete documents in the store, and the next run finishes the job."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fieldcoach.demo import write_demo
from fieldcoach.services import bootstrap
from fieldcoach.store import Store
from fieldcoach.sync import commands

FIXED = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
pytestmark = pytest.mark.slow


def _export_cmd(db: Path, folder: Path) -> list[str]:
    return [sys.executable, "-m", "fieldcoach", "--db", str(db), "export", "--store", str(folder)]


CALLS = 800


def _entries(folder: Path) -> int:
    try:
        return len(os.listdir(folder))
    except FileNotFoundError:
        return 0


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sigkill_at_random_points_leaves_no_partial_file_and_a_rerun_completes(tmp_path):
    db = tmp_path / "db" / "fieldcoach.db"
    store = Store(db)
    store.open()
    bootstrap(store, manager_name="Alex Morgan")
    write_demo(store, calls=CALLS, now=FIXED)
    reference = tmp_path / "reference"
    commands.run_export(store, reference)
    store.close()
    expected = _files(reference)

    folder = tmp_path / "store"
    rng = random.Random(os.environ.get("FIELDCOACH_KILL_SEED", 1234))
    started_ok = 0
    for attempt in range(3):
        # Kill once the calls folder holds k entries (temporary or final), k drawn at random:
        # start-up, the middle of a batch of temporary files, between renames, the end.
        k = rng.randrange(0, CALLS)
        proc = subprocess.Popen(_export_cmd(db, folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        calls_dir = next(folder.glob("*/calls"), None) if folder.exists() else None
        while proc.poll() is None:
            if calls_dir is None:
                calls_dir = next(folder.glob("*/calls"), None) if folder.exists() else None
            if k == 0 or (calls_dir is not None and _entries(calls_dir) >= k):
                break
            time.sleep(0.002)  # polling the folder, not timing anything
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        started_ok += proc.returncode == -signal.SIGKILL
        if not folder.exists():
            continue
        for rel, data in _files(folder).items():
            name = rel.rsplit("/", 1)[-1]
            if name.startswith("."):
                assert ".tmp-" in name  # a hidden temporary file, never a *.json a reader would take
                continue
            assert rel in expected, rel
            assert data == expected[rel], f"partial or wrong file {rel} after kill {attempt}"
            json.loads(data)
    assert started_ok >= 1  # at least one run really was killed mid-way

    done = subprocess.run(_export_cmd(db, folder), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _files(folder) == expected  # complete, and no temporary file left behind
    again = subprocess.run(_export_cmd(db, folder), capture_output=True, text=True)
    assert "0 written" in again.stdout and _files(folder) == expected
    shutil.rmtree(reference)
