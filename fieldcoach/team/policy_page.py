"""`fieldcoach privacy policy`: the works agreement (team/policy.py) as a page a works
council and a sales director can read and attach to the agreement, and `--init`, which
writes the default file, commented, for them to edit."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import UserError
from .policy import FIGURES, Policy, parse


def render(policy: Policy, policy_path: Path, team_db: str) -> str:
    """The page, in Markdown. policy_path: where the file is (or would be) read from."""
    lines = ["# fieldcoach team view: works agreement", ""]
    if policy.source is not None:
        lines.append(f"Policy file: `{policy.source}`")
    else:
        lines.append(f"No policy file: the defaults (it would be read from `{policy_path}`).")
    lines += [f"Team database: `{team_db}`", "",
              "## What the team view shows", "",
              "Figures per first-line manager and for the whole team, for a period (this week, "
              "4 weeks, a quarter):", ""]
    lines += [f"- **{key}**: {FIGURES[key]}" for key in policy.figures] or ["- none"]
    left_out = [key for key in FIGURES if not policy.shows(key)]
    if left_out:
        lines += ["", "Not shown (not agreed): " + ", ".join(left_out) + "."]
    lines += ["", "## Rep-level detail", ""]
    if policy.rep_detail:
        lines.append("**On.** A viewer can open a first-line manager's reps and each rep's coaching "
                     "sessions, with the figures above.")
    else:
        lines.append("**Off.** The team view and its reports show figures per first-line manager and "
                     "for the team only; no figure about a single rep is shown.")
    lines += ["", "The team view never ranks reps across managers: a rep appears only under their own "
              "manager, and no list orders reps of different managers against one another.",
              "", "## Who sees the team view", ""]
    lines += [f"- {v}" for v in policy.viewers] or ["- nobody named"]
    lines += ["", "## Who saw what", "",
              "The team database logs every load, report, export, subject access and opening of the "
              "team view: who (user and computer), when, and what it covered. The log is append-only; "
              "`fieldcoach privacy log` prints it."]
    if policy.audit_log_days:
        lines.append(f"Entries are kept for {policy.audit_log_days} days, then removed at the next load.")
    else:
        lines.append("Entries are kept without limit.")
    return "\n".join(lines) + "\n"


def default_file() -> str:
    """The default policy, every setting written out and explained; it parses to Policy()."""
    p = Policy()
    width = max(len(k) for k in FIGURES) + 3
    figures = "\n".join(f"    {json.dumps(k) + ',':<{width}} # {FIGURES[k]}" for k in p.figures)
    return f"""\
# fieldcoach team policy: the works agreement for the team view and `fieldcoach team report`.
# `fieldcoach privacy policy` prints it as a page to attach to the agreement.

[team_view]
# Drill-down from a first-line manager to their reps and each rep's sessions.
rep_detail = {str(p.rep_detail).lower()}
# The figures shown; remove a line to leave a figure out.
figures = [
{figures}
]
# Who sees the team view (named in the printed agreement).
viewers = {json.dumps(list(p.viewers), ensure_ascii=False)}

[retention]
# Days the audit log (who saw what) is kept; 0 keeps it forever.
audit_log_days = {p.audit_log_days}
"""


def init_file(path: Path) -> None:
    """Write the default policy at path; never over an existing file."""
    text = default_file()
    parse(text, path)  # the file written must be one load_policy accepts
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError as exc:
        raise UserError(f"{path} already exists; it was left as it is") from exc
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
