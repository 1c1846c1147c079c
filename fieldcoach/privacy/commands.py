"""`fieldcoach privacy purge|forget|access`: thin wrappers that ask, act and print."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ..clock import utcnow
from ..errors import UserError
from ..store import Store
from ..text import visible


def purge(store: Store, *, dry_run: bool, now: datetime | None = None) -> int:
    from .retention import plan_purge, read_retention
    from .retention import purge as run_purge

    con = store.con()
    plan = plan_purge(con, read_retention(con), now or utcnow())
    from ..clock import local_tz

    for line in plan.lines(local_tz()):
        print(line)
    if plan.kept_forever:
        print("Every class is kept forever: set retention periods in Settings.")
        return 0
    if dry_run:
        print(f"Dry run: {plan.total} records would be removed; nothing removed.")
        return 0
    if not plan.total:
        print("Nothing to remove.")
        return 0
    receipt = run_purge(store, plan)
    print(f"Removed {plan.total} records; receipt kept: {receipt.line()}")
    return 0


def forget(store: Store, who: str, *, yes: bool, now: datetime | None = None,
           ask: Callable[[str], str] = input) -> int:
    from .forget import _fold, find_rep, forget_rep, forget_summary

    rep = find_rep(store.con(), who)
    if not yes:
        if not sys.stdin.isatty():
            raise UserError("forgetting a rep asks you to type their name on a terminal; "
                            "add --yes to skip that (nothing removed)")
        print(visible(f"This removes everything about {rep.name} from this laptop, their drafts and "
                      "recap files, and from the team store on your next export. It cannot be undone."))
        typed = ask("Type the rep's name to confirm: ")
        if _fold(typed) != _fold(rep.name):
            raise UserError("the name typed does not match: nothing removed")
    receipt = forget_rep(store, rep.id, now or utcnow())
    print(forget_summary(receipt))
    print("Export to the team store to send the deletions to your team (fieldcoach export --store DIR).")
    return 0


def access(store: Store, person: str | None, out: str, *, manager: bool,
           now: datetime | None = None) -> int:
    from .access import find_subject, manager_db_access
    from .access_files import write_access

    if not person and not manager:
        raise UserError("name the person (a rep's name or id, or 'me'), or give --manager")
    con = store.con()
    subject = find_subject(con, person or "", manager=manager)
    report = manager_db_access(con, subject, now or utcnow())
    try:
        paths = write_access(report, Path(out).expanduser())
    except OSError as exc:
        raise UserError(f"cannot write to {out}: {exc.strerror or exc}") from exc
    n = sum(len(s["records"]) for s in report["sections"])
    print(visible(f"{n} records about {subject.name or subject.id} ({subject.kind}) written:"))
    for p in paths:
        print(visible(f"  {p}"))
    return 0


def receipts(store: Store) -> int:
    from .tombstones import receipts as kept

    found = kept(store.con())
    for r in found:
        print(r.line())
    if not found:
        print("No purges or forgotten reps yet.")
    return 0
