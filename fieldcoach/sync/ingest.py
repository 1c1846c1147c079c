"""The ingestion engine: store folders and bundles read as a stream, each document checked
against the published models (models.py) and turned into rows per table, the rows handed
to a sink that merges them by id.

Memory stays flat in the number of files: a folder is walked one directory listing at a
time, and each document is read, validated, turned into rows and released before the
next; rows reach the sink in batches of BATCH per table. A bundle is one file and is
read whole. (Importing 10,000 call files once held every parsed document: ~520 MB.)

Unchanged files are not read at all. The sink keeps a state per file (the folder it was
found in, its path in that folder, size, mtime_ns, a SHA-256 of its bytes, and when it
was read). A file with the same size and mtime is skipped, unless its mtime lies within
RACY_NS of that read: it may have been written again within the clock's resolution
(FAT and some network shares keep 2 s), so the content hash decides. The sink stores the
states with the rows, so they count only if the rows do.

What the engine knows of the database is the Sink protocol: SqliteSink (sqlite_sink.py)
writes a manager's own file; the team database brings its own. Standard library and
pydantic only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ..clock import to_db
from ..errors import ImportRefused
from . import SCHEMA_VERSION, store_io
from .export import COLUMNS, JSON_COLUMNS, LOCAL_ONLY
from .ids import UUID_PATTERN, shown

Row = tuple[Any, ...]  # one record, in the column order of columns(table)
BATCH = 2000  # rows per table handed to the sink at once
RACY_NS = 2_000_000_000
# Insert order respects the foreign keys (rep before goal, call before note...).
TABLE_ORDER = ("skill", "rep", "goal", "expectation", "call", "note", "debrief_answer", "rating",
               "next_step")
# A record's call is the document it sits in: the rows carry it again.
EXTRA_COLUMNS = {t: ("call_id",) for t, cols in LOCAL_ONLY.items() if "call_id" in cols}
STORE_NAMES = ("manifest.json", "reps.json")
_SCHEMA_RE = re.compile(r"^fieldcoach/(\d+)$")


def columns(table: str) -> tuple[str, ...]:
    return COLUMNS[table] + EXTRA_COLUMNS.get(table, ())


# --- what the engine asks of a database -----------------------------------------------------

@dataclass(frozen=True)
class FileState:
    folder: str      # the folder given (resolved): with path, the file's identity
    path: str        # relative to folder, "/"-separated
    size: int
    mtime_ns: int
    sha256: str
    read_ns: int     # wall clock just before the file was read


class Sink(Protocol):
    def file_state(self, folder: str, path: str) -> FileState | None: ...

    def put(self, table: str, rows: list[Row]) -> None: ...

    def remember(self, states: list[FileState]) -> None: ...


# --- finding the files ------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceFile:
    folder: str
    rel: str
    path: Path
    size: int
    mtime_ns: int


def _is_document(name: str, in_calls: bool) -> bool:
    if not name.endswith(".json") or name.startswith(".") or store_io.is_temp(name):
        return False
    return name in STORE_NAMES or in_calls


def _order(entry: os.DirEntry[str]) -> tuple[int, str]:
    # manifest and roster before the calls that name their reps; then plain names in order
    name = entry.name
    return (STORE_NAMES.index(name) if name in STORE_NAMES else 2 + entry.is_dir(follow_symlinks=False),
            name)


def _walk(folder: Path, root: str, rel: str, refuse: Callable[[Path, os.stat_result], None]
          ) -> Iterator[SourceFile]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=_order)  # one listing at a time; names only
    except (FileNotFoundError, NotADirectoryError):
        return  # gone meanwhile (a sync client): a missing file is never a deletion
    in_calls = folder.name == "calls"
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            yield from _walk(Path(e.path), root, f"{rel}{e.name}/", refuse)
        elif _is_document(e.name, in_calls):
            try:
                st = e.stat()
            except FileNotFoundError:
                continue
            refuse(Path(e.path), st)
            yield SourceFile(root, rel + e.name, Path(e.path), st.st_size, st.st_mtime_ns)
    del entries


def source_files(paths: Iterable[str | Path], refuse: Callable[[Path, os.stat_result], None]
                 ) -> Iterator[SourceFile]:
    """Every document under paths, lazily. All paths are checked before the first is
    yielded; a folder inside another folder given is read once, as part of that one."""
    given: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists():
            raise ImportRefused(f"{p}: no such file or folder")
        given.append(p.resolve())
        if p.is_file():
            refuse(p, p.stat())
    folders = [p for p in given if p.is_dir()]

    def covered(p: Path) -> bool:
        return any(f != p and f in p.parents for f in folders)

    seen: set[Path] = set()
    for p in given:
        if p in seen or covered(p):
            continue
        seen.add(p)
        if p.is_dir():
            yield from _walk(p, str(p), "", refuse)
        else:
            st = p.stat()
            yield SourceFile(str(p.parent), p.name, p, st.st_size, st.st_mtime_ns)


# --- one document -----------------------------------------------------------------------------

def _loc(loc: Sequence[Any]) -> str:
    return ".".join(str(x) for x in loc) or "(document)"


def _check_versions(path: Path, obj: Any) -> None:
    docs = [obj]
    if isinstance(obj, dict) and obj.get("type") == "bundle":
        docs += [obj.get("manifest"), obj.get("reps")]
        calls = obj.get("calls")
        if isinstance(calls, list):
            docs += calls
    for d in docs:
        if not isinstance(d, dict):
            continue
        m = _SCHEMA_RE.match(str(d.get("schema", "")))
        if m and int(m.group(1)) > SCHEMA_VERSION:
            raise ImportRefused(
                f"{path}: written by a newer fieldcoach (schema {d['schema']}; this one reads "
                f"fieldcoach/{SCHEMA_VERSION}); upgrade fieldcoach to import it")


def parse_document(path: Path, data: bytes) -> Any:
    """Validate one file's bytes; raises ImportRefused naming the file and the field."""
    from pydantic import ValidationError

    from .models import DOCUMENT

    try:
        return DOCUMENT.validate_json(data)  # the common case: one pass, no json.loads
    except ValidationError as exc:
        first = exc
    # Refused: find the plainest reason (not JSON, a newer version, then the field).
    try:
        obj = json.loads(data)
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{path}: not valid JSON (not UTF-8 text)") from exc
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"{path}: not valid JSON (line {exc.lineno} column {exc.colno}: "
                            f"{exc.msg})") from exc
    if not isinstance(obj, dict):
        raise ImportRefused(f"{path}: not a fieldcoach document (expected a JSON object)")
    _check_versions(path, obj)
    if "schema" not in obj:
        raise ImportRefused(f"{path}: not a fieldcoach document (no \"schema\" field)")
    err = first.errors()[0]
    loc = list(err["loc"])
    if loc and loc[0] == obj.get("type"):
        loc = loc[1:]  # the discriminator tag pydantic puts first
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "timezone_aware":
        msg = "naive datetime: give a UTC offset, e.g. +00:00"
    elif err["type"] == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == UUID_PATTERN:
        msg = f"not a UUID (lowercase, hyphenated): {shown(err['input'])}"
    raise ImportRefused(f"{path}: field {_loc(loc)}: {msg}") from first


# --- rows of a document -----------------------------------------------------------------------

_CALL_PARTS = (("notes", "note"), ("debrief_answers", "debrief_answer"), ("ratings", "rating"),
               ("next_steps", "next_step"))
_REPS_PARTS = (("reps", "rep"), ("goals", "goal"), ("expectations", "expectation"), ("skills", "skill"))


def _getters(table: str) -> list[tuple[str, int]]:
    """(column, how to convert): 0 as is, 1 a stamp, 2 a JSON list."""
    jcols = JSON_COLUMNS.get(table, ())
    return [(c, 2 if c in jcols else 1 if c.endswith("_at") else 0) for c in COLUMNS[table]]


_GETTERS = {t: _getters(t) for t in COLUMNS}


def _row(table: str, rec: Any, extra: tuple[Any, ...]) -> Row:
    out: list[Any] = []
    for c, how in _GETTERS[table]:
        v = getattr(rec, c)
        if how == 1 and v is not None:
            v = to_db(v) if isinstance(v, datetime) else v
        elif how == 2:
            v = json.dumps([x.model_dump(exclude_unset=True) if hasattr(x, "model_dump") else x for x in v],
                           ensure_ascii=False, separators=(",", ":"))
        out.append(v)
    return (*out, *extra)


@dataclass
class Owner:
    """Who a document says it belongs to."""

    manager_id: str
    manager_name: str | None  # only a manifest (or a bundle's) names the manager


def document_parts(doc: Any) -> Iterator[Owner | tuple[str, Row]]:
    """A document as its owners, then its rows as (table, row), and the reps call
    documents name as ("rep_ref", (id, name))."""
    from .models import Bundle, CallDocument, Manifest, RepsDocument

    if isinstance(doc, Bundle):
        yield Owner(doc.manifest.manager_id, doc.manifest.manager_name)
        yield from document_parts(doc.reps)
        for c in doc.calls:
            yield from document_parts(c)
    elif isinstance(doc, CallDocument):
        yield Owner(doc.manager_id, None)
        yield "rep_ref", (doc.rep.id, doc.rep.name)
        yield "call", _row("call", doc.call, ())
        extra = (doc.call.id,)
        for key, table in _CALL_PARTS:
            for rec in getattr(doc, key):
                yield table, _row(table, rec, extra)
    elif isinstance(doc, RepsDocument):
        yield Owner(doc.manager_id, None)
        for key, table in _REPS_PARTS:
            for rec in getattr(doc, key):
                yield table, _row(table, rec, ())
        for rec in doc.next_steps:
            yield "next_step", _row("next_step", rec, (None,))
    elif isinstance(doc, Manifest):
        yield Owner(doc.manager_id, doc.manager_name)


# --- the engine -------------------------------------------------------------------------------

@dataclass
class IngestStats:
    files: int = 0           # documents found
    skipped: int = 0         # unchanged since the last read: not parsed
    parsed: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # rows handed to the sink, per table
    rep_names: dict[str, str] = field(default_factory=dict)  # reps named by call documents


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_file(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def ingest(sink: Sink, paths: Iterable[str | Path], *, on_owner: Callable[[Owner, Path], None],
           refuse: Callable[[Path, os.stat_result], None] = lambda p, st: None,
           batch: int = BATCH) -> IngestStats:
    """Read every document under paths into sink. Raises ImportRefused at the first
    document that is refused (the caller's transaction then undoes what the sink got)."""
    stats = IngestStats()
    pending: dict[str, list[Row]] = {t: [] for t in TABLE_ORDER}
    states: list[FileState] = []

    def flush(table: str) -> None:
        if pending[table]:
            sink.put(table, pending[table])
            pending[table] = []

    for f in source_files(paths, refuse):
        stats.files += 1
        known = sink.file_state(f.folder, f.rel)
        now = time.time_ns()
        if known is not None and known.size == f.size:
            same = known.mtime_ns == f.mtime_ns and f.mtime_ns + RACY_NS < known.read_ns
            if not same and _hash_file(f.path) == known.sha256:
                same = True  # touched, or too recent to trust: the bytes are the same
                states.append(FileState(f.folder, f.rel, f.size, f.mtime_ns, known.sha256, now))
            if same:
                stats.skipped += 1
                continue
        try:
            data = f.path.read_bytes()
        except FileNotFoundError:
            continue  # went away since the listing: never a deletion
        except OSError as exc:
            raise ImportRefused(f"{f.path}: cannot read ({exc.strerror or exc})") from exc
        doc = parse_document(f.path, data)
        stats.parsed += 1
        states.append(FileState(f.folder, f.rel, len(data), f.mtime_ns, _sha256(data), now))
        del data
        for part in document_parts(doc):
            if isinstance(part, Owner):
                on_owner(part, f.path)
                continue
            table, row = part
            if table == "rep_ref":
                stats.rep_names.setdefault(row[0], row[1])
                continue
            rows = pending[table]
            rows.append(row)
            stats.rows[table] = stats.rows.get(table, 0) + 1
            if len(rows) >= batch:
                flush(table)
        del doc
        if len(states) >= batch:
            sink.remember(states)
            states = []
    for table in TABLE_ORDER:
        flush(table)
    sink.remember(states)
    return stats
