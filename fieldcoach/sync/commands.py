"""`fieldcoach export`, `fieldcoach import`, `fieldcoach schema`: thin wrappers that print.

Also the entry points the Sync screen calls (run_export, run_import), so the screen and
the command line share one behaviour.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ..db import is_open_database_file
from ..errors import UserError
from ..store import Store
from ..text import visible
from . import store_io
from .export import ExportRefused, ExportResult, Progress, export_bundle, export_store
from .importer import ImportRefused, ImportResult, import_paths

LIST_LIMIT = 20


def manager_identity(store: Store) -> tuple[str, str]:
    from ..lookups import settings

    s = settings(store.con())
    if not s.manager_id:
        from ..services import bootstrap

        bootstrap(store)
        s = settings(store.con())
    return s.manager_id, s.name


def run_export(store: Store, store_dir: str | Path, *, full: bool = False,
               progress: Progress | None = None) -> ExportResult:
    if not str(store_dir).strip():
        raise UserError("no team store folder: give --store DIR or set it on the Sync screen")
    path = Path(store_dir).expanduser()
    if path.exists() and not path.is_dir():
        raise UserError(f"{path} is not a folder")
    manager_id, name = manager_identity(store)
    try:
        return export_store(store.con(), path, manager_id, name, full=full, progress=progress)
    except ExportRefused as exc:
        raise UserError(f"export refused: {exc}") from exc
    except PermissionError as exc:
        raise UserError(f"cannot write to the team store: {exc.filename or path}: permission denied") from exc
    except OSError as exc:
        raise UserError(f"cannot write to the team store {path}: {exc.strerror or exc}") from exc


def run_import(store: Store, paths: Sequence[str | Path]) -> ImportResult:
    try:
        return import_paths(store.con(), paths)
    except ImportRefused as exc:
        raise UserError(f"import refused, nothing changed: {exc}") from exc


def export_summary(r: ExportResult) -> str:
    line = (f"{len(r.written)} written, {r.unchanged} unchanged, {r.deleted} deleted, "
            f"{len(r.conflicts)} kept newer in the store")
    if r.refused:
        line += f", {len(r.refused)} refused (unsafe id)"
    if r.restored:
        line += f"; the store had lost {r.restored} document{'s' * (r.restored != 1)}: written again"
    return line


def import_summary(r: ImportResult) -> str:
    ins, upd = sum(r.inserted.values()), sum(r.updated.values())
    return (f"{r.files} file{'s' * (r.files != 1)}: {ins} new, {upd} updated "
            f"({r.deleted} deletions), {r.kept_local} kept local"
            + (f"; {r.skipped} unchanged since the last import, not read" if r.skipped else ""))


def schema() -> int:
    from .models import json_schema

    print(json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False))
    return 0


def export(store: Store, store_dir: str | None = None, out: str | None = None, full: bool = False) -> int:
    if out is not None:
        manager_id, name = manager_identity(store)
        data = export_bundle(store.con(), manager_id, name)
        if out == "-":
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return 0
        target = Path(out).expanduser()
        if target.is_dir():
            raise UserError(f"{target} is a folder; give a file name for the bundle")
        if not target.parent.is_dir():
            raise UserError(f"{target.parent}: no such folder")
        if is_open_database_file(target):
            raise UserError(f"{target} is the fieldcoach database itself; give another file name")
        prefix = f".{target.name}{store_io.TMP_MARK}"
        for stale in target.parent.glob(f"{glob_escape(prefix)}*"):
            stale.unlink(missing_ok=True)
        try:
            store_io.write_atomic(target, data)
        except OSError as exc:
            raise UserError(f"cannot write {target}: {exc.strerror or exc}") from exc
        print(visible(f"bundle written to {target} ({len(data):,} bytes)"))
        return 0
    r = run_export(store, store_dir or "", full=full)
    root = r.folder.parent
    for rel in r.written[:LIST_LIMIT]:
        print(visible(f"wrote {rel}"))
    if len(r.written) > LIST_LIMIT:
        print(f"… and {len(r.written) - LIST_LIMIT} more")
    for line in r.refused:
        print(f"refused {line}", file=sys.stderr)
    for c in r.conflicts:
        print(visible(f"kept {c.path}: the store's copy is newer ({c.store_updated} > {c.local_updated})"),
              file=sys.stderr)
    if r.conflicts:
        print(visible(f"the store holds newer versions: run `fieldcoach import {root}` to bring them in"),
              file=sys.stderr)
    print(visible(f"exported to {r.folder}: {export_summary(r)}"))
    return 0


def glob_escape(s: str) -> str:
    import glob

    return glob.escape(s)


def import_(store: Store, paths: Sequence[str]) -> int:
    r = run_import(store, paths)
    if r.files == 0:
        print("nothing to import (no fieldcoach documents found)")
        return 0
    if r.adopted_manager:
        print(visible(f"this database now exports as manager {r.adopted_manager}"))
    print(f"imported {import_summary(r)}")
    return 0


__all__ = ["schema", "export", "import_", "run_export", "run_import", "export_summary",
           "import_summary"]
