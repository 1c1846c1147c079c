"""The works agreement for the team database: a small TOML file that says what the Team
view and `fieldcoach team report` may show, who sees them, and how long the audit log is
kept (PRODUCT.md section 9). Rep-level detail is off unless the file switches it on; no
file at all means the defaults below.

    # fieldcoach team policy
    [team_view]
    rep_detail = false            # drill-down from a manager to their reps and sessions
    figures = ["minutes", "sessions", "coverage", "delay", "late", "ratio", "steps", "gap", "skills"]
    viewers = ["Sales director", "Sales operations"]

    [retention]
    audit_log_days = 730          # 0 keeps the log forever

Where: --policy, else FIELDCOACH_TEAM_POLICY, else team-policy.toml in the user config
folder. A file that cannot be read or says something unknown is refused with one line
(a mistyped switch must not silently show more than was agreed).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..paths import APP_NAME

ENV_POLICY = "FIELDCOACH_TEAM_POLICY"

# Every figure the team view and report can show, in the order they show them.
FIGURES: dict[str, str] = {
    "minutes": "coaching minutes against budget",
    "sessions": "number of coaching sessions",
    "coverage": "share of reps coached in the period; reps not coached for a while",
    "delay": "median minutes from the end of a call to its debrief",
    "late": "debriefs started late",
    "ratio": "coaching sessions to selling calls",
    "steps": "next steps done and overdue",
    "gap": "mean gap between the rep's and the manager's ratings, and whether it closes",
    "skills": "movement of the ratings on each rep's agreed focus skills",
}
DEFAULT_VIEWERS = ("Sales director", "Sales operations")
DEFAULT_AUDIT_DAYS = 730


@dataclass(frozen=True)
class Policy:
    rep_detail: bool = False
    figures: tuple[str, ...] = tuple(FIGURES)
    viewers: tuple[str, ...] = DEFAULT_VIEWERS
    audit_log_days: int = DEFAULT_AUDIT_DAYS  # 0: kept forever
    source: Path | None = field(default=None, compare=False)  # the file it came from, if any

    def shows(self, figure: str) -> bool:
        return figure in self.figures


def default_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "team-policy.toml"


def resolve_path(cli_value: str | None = None) -> Path:
    value = cli_value or os.environ.get(ENV_POLICY) or ""
    return Path(value).expanduser() if value else default_path()


def _fail(path: Path, what: str) -> UserError:
    return UserError(f"team policy {path}: {what}")


def _strings(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, f"{key} must be a list of text")
    return tuple(value)


def parse(text: str, path: Path) -> Policy:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, f"not valid TOML ({exc})") from exc
    unknown = set(data) - {"team_view", "retention"}
    view, retention = data.get("team_view", {}), data.get("retention", {})
    if not isinstance(view, dict) or not isinstance(retention, dict):
        raise _fail(path, "[team_view] and [retention] must be tables")
    unknown |= {f"team_view.{k}" for k in set(view) - {"rep_detail", "figures", "viewers"}}
    unknown |= {f"retention.{k}" for k in set(retention) - {"audit_log_days"}}
    if unknown:
        raise _fail(path, f"unknown setting {', '.join(sorted(unknown))}")
    rep_detail = view.get("rep_detail", False)
    if not isinstance(rep_detail, bool):
        raise _fail(path, "team_view.rep_detail must be true or false")
    figures = _strings(path, "team_view.figures", view.get("figures", list(FIGURES)))
    bad = [f for f in figures if f not in FIGURES]
    if bad:
        raise _fail(path, f"unknown figure {', '.join(bad)} (known: {', '.join(FIGURES)})")
    viewers = _strings(path, "team_view.viewers", view.get("viewers", list(DEFAULT_VIEWERS)))
    days = retention.get("audit_log_days", DEFAULT_AUDIT_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 36500:
        raise _fail(path, "retention.audit_log_days must be a whole number of days from 0 to 36500")
    # keep the agreed figures in the screen's order, whatever order the file lists them in
    return Policy(rep_detail, tuple(f for f in FIGURES if f in figures), viewers, days, path)


def load_policy(cli_value: str | None = None) -> Policy:
    """The policy in force: the file's, or the defaults when there is no file."""
    path = resolve_path(cli_value)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Policy()
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, f"cannot read it ({getattr(exc, 'strerror', None) or exc})") from exc
    return parse(text, path)
