"""The ingestion engine: store folders and bundles read as a stream, each document checked
against the published models (models.py) and turned into rows per table, the rows handed
to a sink that merges them by id.

Memory stays flat in the number of files: a folder is walked one directory listing at a
time, and each document is read, validated, turned into rows and released before the
next; rows reach the sink in batches (at most BATCH rows held, all tables together). A
bundle is one file and is read whole. (Importing 10,000 call files once held every parsed document: ~520 MB.)

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
import operator
import os
import re
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, NoReturn, Protocol

from ..clock import to_db
from ..errors import ImportRefused
from . import SCHEMA_ID, SCHEMA_VERSION, store_io
from .export import COLUMNS, JSON_COLUMNS, LOCAL_ONLY
from .ids import UUID_PATTERN, shown

Row = tuple[Any, ...]  # one record, in the column order of columns(table)
# Rows held before they go to the sink, all tables together: enough for executemany to
# pay (1,000 took ~15% more CPU), few enough that memory does not grow with the store
# (2,000 rows per table peaked ~10 MB higher importing 2,000 calls than 200).
BATCH = 4000
RACY_NS = 2_000_000_000
# Insert order respects the foreign keys (rep before goal, call before note...).
TABLE_ORDER = ("skill", "rep", "goal", "expectation", "call", "note", "debrief_answer", "rating",
               "next_step")
# A record's call is the document it sits in, a rep's and a call's manager the one the
# document names, and a note that came from the store has been shared (it is retracted
# if made private later): the rows carry these again, after the exported columns.
_IMPLIED = ("manager_id", "call_id", "shared")
EXTRA_COLUMNS = {t: tuple(c for c in _IMPLIED if c in cols)
                 for t, cols in LOCAL_ONLY.items() if set(_IMPLIED) & set(cols)}
STORE_NAMES = ("manifest.json", "reps.json")
_SCHEMA_RE = re.compile(r"^fieldcoach/(\d+)(?:\.(\d+))?$")
# Fields of a record a minor version added (models.SINCE_1_1): an older document has none.
_ADDED = {"call": ("rep_acknowledged_at", "rep_comment")}


def columns(table: str) -> tuple[str, ...]:
    return COLUMNS[table] + EXTRA_COLUMNS.get(table, ())


# --- what the engine asks of a database -----------------------------------------------------

class FileState(NamedTuple):  # tuples: 10,000 of them are made on every import of a store
    folder: str      # the folder given (resolved): with path, the file's identity
    path: str        # relative to folder, "/"-separated
    size: int
    mtime_ns: int
    sha256: str
    read_ns: int     # wall clock just before the file was read


class Sink(Protocol):
    def file_states(self, folder: str, directory: str) -> dict[str, FileState]:
        """The states of the files directly in directory ("" or "a/b/") of folder, by path."""
        ...

    def put(self, table: str, rows: list[Row]) -> None: ...

    def remember(self, states: list[FileState]) -> None: ...


# --- finding the files ------------------------------------------------------------------------

class SourceFile(NamedTuple):
    folder: str
    rel: str
    path: str
    size: int
    mtime_ns: int
    known: FileState | None  # as last read


Refuse = Callable[[str, os.stat_result], None]
States = Callable[[str, str], dict[str, FileState]]


def _is_document(name: str, in_calls: bool) -> bool:
    if not name.endswith(".json") or name.startswith(".") or store_io.is_temp(name):
        return False
    return name in STORE_NAMES or in_calls


def _order(entry: os.DirEntry[str]) -> tuple[int, str]:
    # manifest and roster before the calls that name their reps; then plain names in order
    name = entry.name
    return (STORE_NAMES.index(name) if name in STORE_NAMES else 2 + entry.is_dir(follow_symlinks=False),
            name)


def _walk(folder: str, root: str, rel: str, refuse: Refuse, states: States) -> Iterator[SourceFile]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=_order)  # one listing at a time: names, not documents
    except (FileNotFoundError, NotADirectoryError):
        return  # gone meanwhile (a sync client): a missing file is never a deletion
    in_calls = os.path.basename(folder) == "calls"
    known = states(root, rel) if any(not e.is_dir(follow_symlinks=False) for e in entries) else {}
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            yield from _walk(e.path, root, f"{rel}{e.name}/", refuse, states)
        elif _is_document(e.name, in_calls):
            try:
                st = e.stat()
            except FileNotFoundError:
                continue
            refuse(e.path, st)
            yield SourceFile(root, rel + e.name, e.path, st.st_size, st.st_mtime_ns, known.get(rel + e.name))


def source_files(paths: Iterable[str | Path], refuse: Refuse, states: States) -> Iterator[SourceFile]:
    """Every document under paths, lazily. All paths are checked before the first is
    yielded; a folder inside another folder given is read once, as part of that one."""
    given: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists():
            raise ImportRefused(f"{p}: no such file or folder")
        if p.is_file():
            refuse(str(p), p.stat())
        given.append(p.resolve())
    folders = [p for p in given if p.is_dir()]

    def covered(p: Path) -> bool:
        return any(f != p and f in p.parents for f in folders)

    seen: set[Path] = set()
    for p in given:
        if p in seen or covered(p):
            continue
        seen.add(p)
        if p.is_dir():
            yield from _walk(str(p), str(p), "", refuse, states)
        else:
            st = p.stat()
            yield SourceFile(str(p.parent), p.name, str(p), st.st_size, st.st_mtime_ns,
                             states(str(p.parent), "").get(p.name))


# --- one document -----------------------------------------------------------------------------

def _loc(loc: Sequence[Any]) -> str:
    return ".".join(str(x) for x in loc) or "(document)"


def _check_versions(path: str | Path, obj: Any) -> None:
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
        if m and (int(m.group(1)), int(m.group(2) or 0)) > SCHEMA_VERSION:
            raise ImportRefused(
                f"{path}: written by a newer fieldcoach (schema {d['schema']}; this one reads "
                f"up to {SCHEMA_ID}); upgrade fieldcoach to import it")


def parse_document(path: str | Path, data: bytes) -> dict[str, Any]:
    """Validate one file's bytes against the published models and return them as plain
    JSON (the models' instances would cost more to read back than to parse again); raises
    ImportRefused naming the file and the field."""
    from pydantic import ValidationError

    from .models import DOCUMENT

    try:
        DOCUMENT.validate_json(data)  # the common case: one pass in pydantic-core
    except ValidationError as exc:
        _refusal(path, data, exc)
    obj: dict[str, Any] = json.loads(data)
    return obj


def _refusal(path: str | Path, data: bytes, first: Any) -> NoReturn:
    """The plainest reason a document was refused: not JSON, a newer version, then the field."""
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
    from .models import UNION_TAGS

    loc = [x for x in loc if x not in UNION_TAGS]
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


def stamp(value: str) -> str:
    """A validated stamp in the stored form (UTC, microseconds, "+00:00"): exported files
    already hold that form, so only other offsets and precisions are parsed again."""
    if len(value) == 32 and value[10] == "T" and value[19] == "." and value[26:] == "+00:00":
        return value  # pydantic read it as a datetime: this shape is the stored form
    from pydantic import AwareDatetime, TypeAdapter

    return to_db(TypeAdapter(AwareDatetime).validate_json(json.dumps(value)))


class _Shape:
    """How a record of a table becomes a row: its columns in order (operator.itemgetter
    reads them in one call), which are stamps and which JSON lists."""

    def __init__(self, table: str) -> None:
        cols = COLUMNS[table]
        self.get = operator.itemgetter(*cols)
        self.stamps = tuple(i for i, c in enumerate(cols) if c.endswith("_at"))
        self.lists = tuple(i for i, c in enumerate(cols) if c in JSON_COLUMNS.get(table, ()))


_SHAPES = {t: _Shape(t) for t in COLUMNS}


def _rows(table: str, recs: list[dict[str, Any]], extra: tuple[Any, ...] = ()) -> list[Row]:
    shape = _SHAPES[table]
    get, stamps, lists = shape.get, shape.stamps, shape.lists
    out = []
    for rec in recs:
        row = list(get(rec))
        for i in stamps:
            v = row[i]
            # the stored form (what export writes) as is; other offsets and precisions parsed
            if v is not None and not (len(v) == 32 and v[10] == "T" and v[19] == "." and v[26:] == "+00:00"):
                row[i] = stamp(v)
        for i in lists:
            row[i] = json.dumps(row[i], ensure_ascii=False, separators=(",", ":"))
        row.extend(extra)
        out.append(tuple(row))
    return out


@dataclass
class Owner:
    """Who a document says it belongs to."""

    manager_id: str
    manager_name: str | None  # only a manifest (or a bundle's) names the manager
    # the manager's settings a manifest carries (older manifests do not)
    budget_minutes_week: int | None = None
    late_minutes: int | None = None


@dataclass
class RepRef:
    """A rep as a call document names it (the rep itself may not be in the import)."""

    id: str
    name: str


@dataclass
class Retraction:
    """A note its author made private after sharing it: only its id and when."""

    note_id: str
    call_id: str
    deleted_at: str


Part = Owner | RepRef | Retraction | tuple[str, list[Row]]


def document_parts(doc: dict[str, Any]) -> Iterator[Part]:
    """A validated document as its owner, the rep a call names, the notes it retracts,
    and its rows as (table, rows), a list per part of the document."""
    kind = doc["type"]
    if kind == "bundle":
        yield from document_parts(doc["manifest"])
        yield from document_parts(doc["reps"])
        for c in doc["calls"]:
            yield from document_parts(c)
    elif kind == "call":
        mid = doc["manager_id"]
        yield Owner(mid, None)
        yield RepRef(doc["rep"]["id"], doc["rep"]["name"])
        call = doc["call"]
        if not all(k in call for k in _ADDED["call"]):  # e.g. fieldcoach/1: no rep's voice
            call = {**dict.fromkeys(_ADDED["call"]), **call}
        yield "call", _rows("call", [call], (mid,))
        extra = (call["id"],)
        notes = []
        for n in doc["notes"]:
            if "text" not in n:  # id and deleted_at only: a retraction (models.RetractedNote)
                yield Retraction(n["id"], call["id"], stamp(n["deleted_at"]))
            else:
                notes.append(n)
        if notes:
            yield "note", _rows("note", notes, (call["id"], 1))
        for key, table in _CALL_PARTS:
            if doc[key] and table != "note":
                yield table, _rows(table, doc[key], extra)
    elif kind == "reps":
        yield Owner(doc["manager_id"], None)
        for key, table in _REPS_PARTS:
            yield table, _rows(table, doc[key], (doc["manager_id"],) if table == "rep" else ())
        yield "next_step", _rows("next_step", doc["next_steps"], (None,))
    elif kind == "manifest":
        yield Owner(doc["manager_id"], doc["manager_name"], doc.get("budget_minutes_week"),
                    doc.get("late_minutes"))


# --- the engine -------------------------------------------------------------------------------

@dataclass
class IngestStats:
    files: int = 0           # documents found
    skipped: int = 0         # unchanged since the last read: not parsed
    hashed: int = 0          # size and mtime in doubt: the content hash decided
    parsed: int = 0
    invalid: int = 0         # refused and skipped (only with on_invalid)
    rows: dict[str, int] = field(default_factory=dict)  # rows handed to the sink, per table
    rep_names: dict[str, str] = field(default_factory=dict)  # reps named by call documents
    # note id: (call id, stamp), the latest retraction of each note (few: kept whole)
    retractions: dict[str, tuple[str, str]] = field(default_factory=dict)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_file(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def unchanged(f: SourceFile) -> bool | None:
    """True: as last read, by size and mtime. None: the content hash must tell."""
    k = f.known
    if k is None or k.size != f.size:
        return False
    if k.mtime_ns == f.mtime_ns and f.mtime_ns + RACY_NS < k.read_ns:
        return True
    return None


def ingest(sink: Sink, paths: Iterable[str | Path], *, on_owner: Callable[[Owner, str], None],
           refuse: Refuse = lambda path, st: None, batch: int = BATCH,
           on_invalid: Callable[[ImportRefused], None] | None = None,
           owned: Collection[str] = ()) -> IngestStats:
    """Read every document under paths into sink. Raises ImportRefused at the first
    document that is refused (the caller's transaction then undoes what the sink got),
    unless on_invalid is given: then a document that fails validation is handed to it and
    skipped, its state not remembered, so it is read again next time. The rows of the
    tables in owned carry the document's manager id after their columns (a database of
    many managers keys on it)."""
    stats = IngestStats()
    pending: dict[str, list[Row]] = {t: [] for t in TABLE_ORDER}
    held = 0
    states: list[FileState] = []

    def flush() -> None:
        for table in TABLE_ORDER:
            if pending[table]:
                stats.rows[table] = stats.rows.get(table, 0) + len(pending[table])
                sink.put(table, pending[table])
                pending[table] = []

    for f in source_files(paths, refuse, sink.file_states):
        stats.files += 1
        now = time.time_ns()
        same = unchanged(f)
        if same is None and f.known is not None:
            stats.hashed += 1
            if _hash_file(f.path) == f.known.sha256:
                # touched, or written too close to the last read to trust: the bytes are the same
                states.append(FileState(f.folder, f.rel, f.size, f.mtime_ns, f.known.sha256, now))
                same = True
        if same:
            stats.skipped += 1
            continue
        try:
            with open(f.path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            continue  # went away since the listing: never a deletion
        except OSError as exc:
            raise ImportRefused(f"{f.path}: cannot read ({exc.strerror or exc})") from exc
        try:
            doc = parse_document(f.path, data)
        except ImportRefused as exc:
            if on_invalid is None:
                raise
            stats.invalid += 1
            on_invalid(exc)
            continue
        stats.parsed += 1
        states.append(FileState(f.folder, f.rel, len(data), f.mtime_ns, _sha256(data), now))
        del data
        owner = ""
        for part in document_parts(doc):
            if isinstance(part, Owner):
                owner = part.manager_id  # each document names its owner before its rows
                on_owner(part, f.path)
                continue
            if isinstance(part, RepRef):
                stats.rep_names.setdefault(part.id, part.name)
                continue
            if isinstance(part, Retraction):
                had = stats.retractions.get(part.note_id)
                if had is None or part.deleted_at > had[1]:
                    stats.retractions[part.note_id] = (part.call_id, part.deleted_at)
                continue
            table, new = part
            if table in owned:
                new = [r + (owner,) for r in new]
            pending[table] += new
            held += len(new)
        del doc
        if held >= batch:
            flush()
            held = 0
        if len(states) >= batch:
            sink.remember(states)
            states = []
    flush()
    sink.remember(states)
    return stats
