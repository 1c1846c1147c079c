"""The schema is declared once, in fieldcoach/models.py; every other description of it is
checked here against that one, so a column added to one and not the others fails:

- the migration steps (schema_sql.py), by the schema they build on an empty file;
- the columns export writes and import reads (sync/export.py COLUMNS, LOCAL_ONLY,
  LOCAL_TABLES, JSON_COLUMNS; sync/importer.py TABLE_ORDER);
- the export documents (sync/models.py), by the JSON Schema they generate;
- the allowed values written as constants elsewhere (coaching.py, shorthand.py).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

import pytest
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined
from sqlalchemy import Boolean, Column, Integer, String

from fieldcoach import coaching, db, models, shorthand
from fieldcoach.sync import export, importer
from fieldcoach.sync import models as docs

TABLES = {m.__table__.name: m for m in models.TABLES}
EXPORTED = sorted(export.COLUMNS)

# Columns whose text is one of an enum's values (the column itself is declared as str).
ENUMS: dict[tuple[str, str], type[Enum]] = {
    ("call", "kind"): models.CallKind,
    ("call", "status"): models.CallStatus,
    ("goal", "status"): models.GoalStatus,
    ("note", "kind"): shorthand.NoteKind,
    ("debrief_answer", "by"): models.Who,
    ("rating", "by"): models.Who,
    ("next_step", "owner"): models.Who,
}


def columns(table: str) -> dict[str, Column[Any]]:
    return {c.name: c for c in TABLES[table].__table__.columns}


def field(table: str, name: str) -> FieldInfo:
    return TABLES[table].model_fields[name]


def kind(c: Column[Any]) -> str:
    """A column's type as the JSON Schema of the export names it."""
    if isinstance(c.type, models.UTCDateTime):
        return "date-time"
    if isinstance(c.type, models.JSONList):
        return "array"
    base = getattr(c.type, "impl_instance", c.type)  # SQLModel's AutoString wraps a String
    for sa_type, name in ((Boolean, "boolean"), (Integer, "integer"), (String, "string")):
        if isinstance(base, sa_type):
            return name
    raise AssertionError(f"{c.table.name}.{c.name}: no rule for {c.type!r}")


SQL_TYPE = {"date-time": "TEXT", "array": "TEXT", "string": "TEXT", "integer": "INTEGER",
            "boolean": "INTEGER"}


def sql_default(table: str, name: str) -> str | None:
    """The DEFAULT the migrations must give a column, from the model's default: a fixed
    value as its SQL literal; none where the app always supplies it (ids, stamps) or the
    field is required."""
    f = field(table, name)
    if f.default_factory is list:
        return "'[]'"
    if f.default_factory is not None or f.default is PydanticUndefined or f.default is None:
        return None
    value = f.default.value if isinstance(f.default, Enum) else f.default
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    assert isinstance(value, str), f"{table}.{name}: no rule for default {value!r}"
    return "'" + value.replace("'", "''") + "'"


# Tables that are bookkeeping, not synced records (no model in models.py).
BOOKKEEPING = {"sync_state", "ingest_file", "privacy_receipt"}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """Every migration step, run the way a user's file gets them: on an empty file."""
    con = db.connect(tmp_path_factory.mktemp("schema") / "fieldcoach.db")
    yield con
    con.close()


# --- the migrations build exactly the declared tables --------------------------------------

def test_migrations_create_the_declared_tables_and_no_others(migrated):
    built = {r[0] for r in migrated.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    # bookkeeping, not synced records: sync_state (export cursors), ingest_file (files read),
    # privacy_receipt (what purges and forgetting removed)
    assert built == set(TABLES) | BOOKKEEPING


@pytest.mark.parametrize("table", sorted(TABLES))
def test_migrated_columns_match_the_model(migrated, table):
    built = {r["name"]: r for r in migrated.execute(f"PRAGMA table_info({table})")}
    declared = columns(table)
    assert set(built) == set(declared), f"{table}: migrations and models.py name different columns"
    for name, c in declared.items():
        r = built[name]
        where = f"{table}.{name}"
        assert r["type"] == SQL_TYPE[kind(c)], f"{where}: SQL type {r['type']}, model {c.type!r}"
        assert bool(r["notnull"] or r["pk"]) == (not c.nullable), f"{where}: NOT NULL differs"
        assert bool(r["pk"]) == c.primary_key, f"{where}: primary key differs"
        assert r["dflt_value"] == sql_default(table, name), f"{where}: DEFAULT differs from the model"
    built_fks = {(r["from"], f"{r['table']}.{r['to']}")
                 for r in migrated.execute(f"PRAGMA foreign_key_list({table})")}
    declared_fks = {(c.name, fk.target_fullname) for c in declared.values() for fk in c.foreign_keys}
    assert built_fks == declared_fks, f"{table}: foreign keys differ"


def test_every_model_default_is_an_allowed_value():
    for (table, name), enum in ENUMS.items():
        default = field(table, name).default
        if default is not PydanticUndefined:
            assert default in {e.value for e in enum}, f"{table}.{name}"


# --- export and import: every column is exported or declared local ---------------------------

def test_exported_and_local_tables_are_all_the_tables():
    assert set(export.COLUMNS).isdisjoint(export.LOCAL_TABLES)
    assert set(export.COLUMNS) | set(export.LOCAL_TABLES) == set(TABLES) | BOOKKEEPING


@pytest.mark.parametrize("table", EXPORTED)
def test_exported_and_local_columns_are_all_the_columns(table):
    exported, local = export.COLUMNS[table], export.LOCAL_ONLY.get(table, ())
    assert len(set(exported)) == len(exported)
    assert set(exported).isdisjoint(local), table
    assert set(exported) | set(local) == set(columns(table)), (
        f"{table}: a column is neither exported (export.COLUMNS) nor declared local (export.LOCAL_ONLY)")
    assert exported[:4] == export.REC  # the stamps first: documents and the cursor rely on them


def test_local_only_names_real_tables():
    assert set(export.LOCAL_ONLY) <= set(export.COLUMNS)


@pytest.mark.parametrize("table", EXPORTED)
def test_export_decodes_exactly_the_json_columns_and_normalises_exactly_the_stamps(table):
    cols = columns(table)
    assert set(export.JSON_COLUMNS.get(table, ())) == {
        n for n in export.COLUMNS[table] if kind(cols[n]) == "array"}
    # export finds stamps by name (a column ending in _at): that must mean the stamp type
    assert {n for n in cols if n.endswith("_at")} == {n for n, c in cols.items() if kind(c) == "date-time"}


def test_import_writes_tables_in_an_order_the_foreign_keys_allow():
    order = importer.TABLE_ORDER
    assert sorted(order) == EXPORTED
    for table in order:
        for c in columns(table).values():
            for fk in c.foreign_keys:
                target = fk.column.table.name
                if target == "manager":  # not imported: the one manager is there (or adopted) first
                    continue
                assert order.index(target) < order.index(table), f"{table}.{c.name} -> {target}"


def test_import_restores_every_local_column_a_document_implies():
    # call_id is the document a record sits in; private is never exported (private notes stay)
    for table, local in export.LOCAL_ONLY.items():
        assert set(local) - set(importer.EXTRA_COLUMNS.get(table, ())) <= {"private"}, table
        assert sql_default(table, "private") is not None if "private" in local else True


# --- the export documents (the JSON Schema) -------------------------------------------------

def _record_schema(table: str) -> dict[str, Any]:
    model = getattr(docs, TABLES[table].__name__)  # same class name on both sides
    schema: dict[str, Any] = model.model_json_schema(by_alias=True)
    return schema


def _prop(prop: dict[str, Any]) -> tuple[str, bool, set[Any] | None]:
    """(kind, nullable, allowed values) of one JSON Schema property."""
    options = prop.get("anyOf", [prop])
    nullable = any(o.get("type") == "null" for o in options)
    (inner,) = [o for o in options if o.get("type") != "null"]
    if inner.get("format") == "date-time":
        return "date-time", nullable, None
    values = inner.get("enum") or ([inner["const"]] if "const" in inner else None)
    return inner["type"], nullable, set(values) if values is not None else None


@pytest.mark.parametrize("table", EXPORTED)
def test_document_records_match_the_exported_columns(table):
    schema = _record_schema(table)
    props = schema["properties"]
    assert set(props) == set(export.COLUMNS[table]), (
        f"{table}: sync/models.py and export.COLUMNS list different fields")
    # exported records are complete; a field a minor version added is optional (older documents)
    assert set(schema["required"]) == set(props) - set(docs.SINCE_1_1.get(table, ()))
    cols = columns(table)
    for name, prop in props.items():
        where = f"{table}.{name}"
        got, nullable, values = _prop(prop)
        assert got == kind(cols[name]), f"{where}: JSON Schema says {got}, models.py {cols[name].type!r}"
        assert nullable == cols[name].nullable, f"{where}: nullability differs"
        enum = ENUMS.get((table, name))
        if enum is not None:
            assert values == {e.value for e in enum}, f"{where}: allowed values differ"
        else:
            assert values is None, f"{where}: allowed values in the schema but no enum in models.py"


def test_rating_bounds_are_the_same_in_the_schema_and_the_database(migrated):
    score = _record_schema("rating")["properties"]["score"]
    sql = migrated.execute("SELECT sql FROM sqlite_master WHERE name = 'rating'").fetchone()[0]
    assert re.search(rf"CHECK \(score BETWEEN {score['minimum']} AND {score['maximum']}\)", sql)


def test_constants_elsewhere_are_the_enum_values():
    assert {coaching.PLANNED, coaching.OBSERVING, coaching.DEBRIEF, coaching.DONE} == {
        e.value for e in models.CallStatus}
    assert {coaching.COACHING, coaching.SELLING} == {e.value for e in models.CallKind}
