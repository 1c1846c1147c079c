"""`fieldcoach team report`: the figures of rollup.py as an aligned table, CSV or JSON.

Columns (the README lists them too): manager; minutes (coaching minutes in the period);
budget (the period's budget, blank while the store does not carry it); sessions
(coaching calls); coverage (reps coached / reps); delay (median minutes from the call's
end to the debrief); late (debriefs over 30 minutes); ratio (coaching sessions : selling
calls done); done (next steps done); overdue (next steps due in the period, not done).
The team's totals come first."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..text import visible
from .rollup import Figures, TeamFigures

HEADER = ("manager", "minutes", "budget", "sessions", "coverage", "delay", "late", "ratio", "done",
          "overdue")


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.0f}" if x == int(x) else f"{x:.1f}"


def _cells(f: Figures) -> tuple[str, ...]:
    return (visible(f.name), str(f.coaching_minutes), _num(f.budget_minutes), str(f.sessions),
            f"{f.reps_coached}/{f.reps}", _num(f.median_delay_minutes), str(f.late_debriefs),
            f"{f.sessions}:{f.selling_calls}", str(f.steps_done), str(f.steps_overdue))


def _rows(t: TeamFigures) -> list[tuple[str, ...]]:
    return [_cells(t.team), *(_cells(m) for m in t.managers)]


def table(t: TeamFigures) -> str:
    rows = [HEADER, *_rows(t)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = [f"{t.period.kind}: {t.period.label}"]
    for r in rows:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    return "\n".join(lines)


def as_csv(t: TeamFigures) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(_rows(t))
    return out.getvalue().rstrip("\n")


def _json_figures(f: Figures) -> dict[str, Any]:
    return {"manager_id": f.manager_id, "name": f.name, "coaching_minutes": f.coaching_minutes,
            "budget_minutes": f.budget_minutes, "sessions": f.sessions, "reps": f.reps,
            "reps_coached": f.reps_coached, "coverage": f.coverage,
            "median_feedback_delay_minutes": f.median_delay_minutes, "late_debriefs": f.late_debriefs,
            "selling_calls": f.selling_calls, "coaching_per_selling": f.coaching_per_selling,
            "next_steps_done": f.steps_done, "next_steps_overdue": f.steps_overdue}


def as_json(t: TeamFigures) -> str:
    # ensure_ascii: every control character of a name leaves escaped, never raw
    return json.dumps({"period": {"kind": t.period.kind, "start": t.period.start.isoformat(),
                                  "end": t.period.end.isoformat()},
                       "team": _json_figures(t.team), "managers": [_json_figures(m) for m in t.managers]},
                      indent=2)
