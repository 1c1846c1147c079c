"""What both team load baselines read: every record of a team store, in store order, as
the rows of the team database's tables (the json half of a json + database baseline).

    STORE/<manager-id>/manifest.json   the manager
    STORE/<manager-id>/reps.json       reps, goals, expectations, skills, loose next steps
    STORE/<manager-id>/calls/*.json    the call, its notes, debrief answers, ratings, next steps
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

TABLES = ("skill", "rep", "goal", "expectation", "call", "note", "debrief_answer", "rating", "next_step")
CALL_PARTS = (("notes", "note"), ("debrief_answers", "debrief_answer"), ("ratings", "rating"),
              ("next_steps", "next_step"))
REPS_PARTS = (("reps", "rep"), ("goals", "goal"), ("expectations", "expectation"), ("skills", "skill"),
              ("next_steps", "next_step"))


def records(store: str, managers: dict[str, str]) -> Iterator[tuple[str, dict, dict]]:
    """(table, record, the columns the document implies) for every record of the store;
    the manifests' manager names go into managers."""
    for folder, dirs, names in os.walk(store):
        dirs.sort()
        in_calls = os.path.basename(folder) == "calls"
        for name in sorted(names):
            if not name.endswith(".json") or name.startswith("."):
                continue
            if not in_calls and name not in ("reps.json", "manifest.json"):
                continue
            with open(os.path.join(folder, name), "rb") as fh:
                doc = json.load(fh)
            mid = doc["manager_id"]
            if doc["type"] == "manifest":
                managers[mid] = doc["manager_name"]
            elif doc["type"] == "reps":
                for key, table in REPS_PARTS:
                    for rec in doc[key]:
                        yield table, rec, {"manager_id": mid}
            else:
                yield "call", doc["call"], {"manager_id": mid}
                for key, table in CALL_PARTS:
                    for rec in doc[key]:
                        yield table, rec, {"call_id": doc["id"], "shared": 1}


def row(cols: list[str], rec: dict, implied: dict) -> tuple:
    """The record in the table's column order; JSON lists as compact JSON text."""
    out = []
    for c in cols:
        v = rec.get(c, implied.get(c))
        out.append(json.dumps(v, ensure_ascii=False, separators=(",", ":")) if isinstance(v, list) else v)
    return tuple(out)
