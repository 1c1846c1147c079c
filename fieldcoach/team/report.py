"""`fieldcoach team report`: the figures of rollup.py as an aligned table, CSV or JSON; the
same columns (headers, cells, sort keys) serve the Team view.

Columns (the README lists them too), each shown only when the team policy's `figures`
lists its figure (policy.py):
- manager (always)
- minutes: coaching minutes in the period; budget: the manager's weekly budget times the
  period's weeks (blank when the store did not carry it)
- sessions: coaching calls started in the period
- coverage: reps coached in the period / reps on the roster; not coached: reps with no
  coaching call in the 14 days before the period's end
- delay: median minutes from the call's end to the debrief
- late: debriefs started later than the manager's threshold (30 minutes unless set)
- ratio: coaching sessions : selling calls done
- steps: done (next steps done in the period), overdue (due in the period, not done)
- gap: mean absolute difference between the rep's and the manager's rating of a skill on
  the same call; gap before: the same for the period before; closing: yes when the gap
  is smaller than before
- skills: mean movement of the manager's ratings on each rep's agreed focus skills (last
  rating in the period minus the first in this period and the one before; signed)
The team's totals come first. The table shows "-" where a figure is unknown (CSV leaves
the cell empty, JSON has null). JSON carries the numbers unformatted, plus the weekly series.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..text import visible
from .policy import Policy

if TYPE_CHECKING:  # not imported at run time: the Team view's first frame needs no SQLAlchemy
    from .rollup import Coaching, Figures, RepFigures, TeamFigures


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.0f}" if x == int(x) else f"{x:.1f}"


def _signed(x: float | None) -> str:
    return "" if x is None else f"{x:+.1f}" if x else "0"


def _closing(c: Coaching) -> str:
    return {True: "yes", False: "no", None: ""}[c.gap_closing]


@dataclass(frozen=True)
class Column:
    header: str
    figure: str | None                     # the policy's figure key; None: always shown
    cell: Callable[[Any], str]
    sort: Callable[[Any], float | str | None]  # the value a sort on this column orders by
    numeric: bool = True                   # right-aligned; sorted largest first


_NAME = Column("manager", None, lambda f: visible(f.name), lambda f: f.name.casefold(), numeric=False)
# the figures a manager, the team and a rep share, in the policy's order
_SHARED_HEAD = (
    Column("minutes", "minutes", lambda f: str(f.coaching_minutes), lambda f: f.coaching_minutes),
)
_SHARED_TAIL = (
    Column("sessions", "sessions", lambda f: str(f.sessions), lambda f: f.sessions),
)
_AFTER_COVERAGE = (
    Column("delay", "delay", lambda f: _num(f.median_delay_minutes), lambda f: f.median_delay_minutes),
    Column("late", "late", lambda f: str(f.late_debriefs), lambda f: f.late_debriefs),
    Column("ratio", "ratio", lambda f: f"{f.sessions}:{f.selling_calls}", lambda f: f.coaching_per_selling),
    Column("done", "steps", lambda f: str(f.steps_done), lambda f: f.steps_done),
    Column("overdue", "steps", lambda f: str(f.steps_overdue), lambda f: f.steps_overdue),
    Column("gap", "gap", lambda f: _num(None if f.gap is None else round(f.gap, 1)), lambda f: f.gap),
    Column("gap before", "gap", lambda f: _num(None if f.gap_before is None else round(f.gap_before, 1)),
           lambda f: f.gap_before),
    Column("closing", "gap", _closing, lambda f: f.gap_closing, numeric=False),
    Column("skills", "skills", lambda f: _signed(f.skill_movement), lambda f: f.skill_movement),
)

MANAGER_COLUMNS: tuple[Column, ...] = (
    _NAME, *_SHARED_HEAD,
    Column("budget", "minutes", lambda f: _num(f.budget_minutes), lambda f: f.budget_minutes),
    *_SHARED_TAIL,
    Column("coverage", "coverage", lambda f: f"{f.reps_coached}/{f.reps}", lambda f: f.coverage),
    Column("not coached", "coverage", lambda f: str(f.reps_not_coached), lambda f: f.reps_not_coached),
    *_AFTER_COVERAGE,
)


def _last(f: RepFigures) -> str:
    return "" if f.last_coached is None else f"{f.last_coached:%Y-%m-%d}"


REP_COLUMNS: tuple[Column, ...] = (
    Column("rep", None, lambda f: visible(f.name), lambda f: f.name.casefold(), numeric=False),
    *_SHARED_HEAD, *_SHARED_TAIL,
    Column("last coached", "coverage", _last, lambda f: _last(f) or None),
    *_AFTER_COVERAGE,
)


def shown(columns: tuple[Column, ...], policy: Policy) -> tuple[Column, ...]:
    """The columns the works agreement lets show."""
    return tuple(c for c in columns if c.figure is None or policy.shows(c.figure))


def _rows(t: TeamFigures, cols: tuple[Column, ...]) -> list[tuple[str, ...]]:
    return [tuple(c.cell(f) for c in cols) for f in (t.team, *t.managers)]


def table(t: TeamFigures, policy: Policy | None = None) -> str:
    cols = shown(MANAGER_COLUMNS, policy or Policy())
    # "-" where a figure is unknown, so that every line ends in the same column
    rows = [tuple(c.header for c in cols), *(tuple(x or "-" for x in r) for r in _rows(t, cols))]
    widths = [max(len(r[i]) for r in rows) for i in range(len(cols))]
    lines = [f"{t.period.kind}: {t.period.label}"]
    for r in rows:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip())
    return "\n".join(lines)


def as_csv(t: TeamFigures, policy: Policy | None = None) -> str:
    cols = shown(MANAGER_COLUMNS, policy or Policy())
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([c.header for c in cols])
    w.writerows(_rows(t, cols))
    return out.getvalue().rstrip("\n")


def _json_figures(f: Figures, policy: Policy) -> dict[str, Any]:
    by_figure: dict[str, dict[str, Any]] = {
        "minutes": {"coaching_minutes": f.coaching_minutes, "budget_minutes": f.budget_minutes,
                    "coaching_minutes_by_week": list(f.minutes_by_week)},
        "sessions": {"sessions": f.sessions},
        "coverage": {"reps": f.reps, "reps_coached": f.reps_coached, "coverage": f.coverage,
                     "reps_not_coached": f.reps_not_coached},
        "delay": {"median_feedback_delay_minutes": f.median_delay_minutes},
        "late": {"late_debriefs": f.late_debriefs, "late_after_minutes": f.late_minutes},
        "ratio": {"selling_calls": f.selling_calls, "coaching_per_selling": f.coaching_per_selling},
        "steps": {"next_steps_done": f.steps_done, "next_steps_overdue": f.steps_overdue},
        "gap": {"rating_gap": f.gap, "rating_gap_before": f.gap_before, "rating_gap_closing": f.gap_closing,
                "rating_gap_by_week": list(f.gap_by_week)},
        "skills": {"focus_skill_movement": f.skill_movement, "focus_skill_pairs": f.skill_pairs},
    }
    out: dict[str, Any] = {"manager_id": f.manager_id, "name": f.name}
    for key, values in by_figure.items():
        if policy.shows(key):
            out.update(values)
    return out


def as_json(t: TeamFigures, policy: Policy | None = None) -> str:
    policy = policy or Policy()
    # ensure_ascii: every control character of a name leaves escaped, never raw
    return json.dumps({"period": {"kind": t.period.kind, "start": t.period.start.isoformat(),
                                  "end": t.period.end.isoformat()},
                       "team": _json_figures(t.team, policy),
                       "managers": [_json_figures(m, policy) for m in t.managers]},
                      indent=2)
