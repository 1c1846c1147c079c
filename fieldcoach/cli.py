"""The command line. Each subcommand imports only what it needs, so `fieldcoach note`
stays quick and the app reaches its first keystroke without the ORM."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .errors import UserError
from .text import visible

if TYPE_CHECKING:
    from .store import Store  # the Store is imported when a command needs it


class _Parser(argparse.ArgumentParser):
    """Usage mistakes print one line on stderr (and exit 2), like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, visible(f"{self.prog}: {message} (see --help)") + "\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="fieldcoach",
        description="Coach your sales reps in the field: plan the call, capture notes fast, "
                    "debrief by asking, agree the next step.")
    p.add_argument("--version", action="version", version=f"fieldcoach {__version__}")
    db_help = "database file (default: FIELDCOACH_DB, else the user data folder)"
    p.add_argument("--db", metavar="PATH", help=db_help)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        # --db is accepted after the subcommand too; SUPPRESS keeps the global value.
        sp.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
        return sp

    demo = add("demo", "write realistic demo data (reps, goals, calls, notes, debriefs, next steps)")
    demo.add_argument("--calls", type=int, default=40, metavar="N",
                      help="number of calls (default 40; with --team, per manager)")
    demo.add_argument("--team", metavar="DIR",
                      help="write a whole demo team store to DIR instead (your database is not touched)")
    demo.add_argument("--managers", type=int, default=8, metavar="N",
                      help="with --team: number of managers (default 8)")
    demo.add_argument("--seed", type=int, default=7, help=argparse.SUPPRESS)

    note = add("note", "quick capture: add a note to the call in progress, else to the inbox")
    note.add_argument("text", nargs="+", help="the note; shorthand + - ? and a skill digit work here too")

    exp = add("export", "export to the team store folder or to one bundle file")
    dest = exp.add_mutually_exclusive_group(required=True)
    dest.add_argument("--store", metavar="DIR", help="team store folder (incremental)")
    dest.add_argument("--out", metavar="FILE", help="one bundle file with everything ('-' for stdout)")
    exp.add_argument("--full", action="store_true", help="rewrite every document in the store")

    imp = add("import", "merge bundles or store folders into the database")
    imp.add_argument("paths", nargs="+", metavar="PATH")

    add("schema", "print the JSON Schema of the export format")

    team = sub.add_parser("team", help="the Team view; load the team store, report per manager",
                          description="without an action: open the Team view on the team database")
    team_sub = team.add_subparsers(dest="team_command", metavar="ACTION")  # none: the Team view
    team_db = ("team database: a URL or a file (default: FIELDCOACH_TEAM_DB, else team.db in the "
               "user data folder)")
    tl = team_sub.add_parser("load", help="load team store folders or bundles into the team database",
                             description="load team store folders or bundles into the team database")
    tl.add_argument("paths", nargs="+", metavar="STORE")
    tr = team_sub.add_parser("report", help="coaching figures per first-line manager",
                             description="coaching figures per first-line manager, team totals first")
    tr.add_argument("--period", choices=("week", "4weeks", "quarter"), default="4weeks",
                    help="this week, the last 4 weeks (default) or the last 13 weeks")
    tr.add_argument("--back", type=int, default=0, metavar="N", help="N periods before the current one")
    tr.add_argument("--now", help=argparse.SUPPRESS)  # a fixed clock, for reproducible reports
    fmt = tr.add_mutually_exclusive_group()
    fmt.add_argument("--csv", dest="format", action="store_const", const="csv", help="CSV for spreadsheets")
    fmt.add_argument("--json", dest="format", action="store_const", const="json", help="JSON for other tools")
    for sp in (team, tl, tr):
        sp.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=team_db)
    for sp in (team, tr):
        sp.add_argument("--policy", metavar="FILE", default=argparse.SUPPRESS,
                        help="the team policy (works agreement) file (default: FIELDCOACH_TEAM_POLICY, "
                             "else team-policy.toml in the user config folder)")
    _privacy_parser(sub, db_help)  # the manager's side makes the group first
    _privacy_team_parsers(sub, team_db)
    return p


# --- privacy: the team database's side (log, policy, access --team) ---------------------------
# The privacy group is shared with the manager's side (purge, forget, access): each side
# makes the group, and the access action, only if the other has not made them yet.

def _subparsers_of(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[Any]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)


def _privacy_team_parsers(sub: argparse._SubParsersAction[Any], team_db: str) -> None:
    about = "data protection: who saw what, the works agreement, subject access"
    privacy = sub.choices.get("privacy") or sub.add_parser("privacy", help=about, description=about)
    actions = _subparsers_of(privacy)
    log = actions.add_parser("log", help="who loaded, reported, exported or viewed the team database",
                             description="the team database's audit log: who, when, what")
    log.add_argument("--since", metavar="DATE", help="entries from DATE on (2026-11-01, local time)")
    log.add_argument("--json", action="store_true", help="JSON for other tools")
    pol = actions.add_parser("policy", help="print the works agreement of the team view (Markdown)",
                             description="print the works agreement of the team view as a page "
                                         "(Markdown) to attach to the agreement")
    pol.add_argument("--policy", metavar="FILE", help="policy file (default: FIELDCOACH_TEAM_POLICY, "
                                                      "else team-policy.toml in the user config folder)")
    pol.add_argument("--init", action="store_true", help="write a commented default policy file "
                                                         "(never over an existing one)")
    acc = actions.choices.get("access")
    if acc is None:
        about = "everything held about one person, as JSON and Markdown"
        acc = actions.add_parser("access", help=about, description=about)
        acc.add_argument("person", metavar="PERSON", help="a rep's or manager's name or id")
        acc.add_argument("--out", metavar="DIR", required=True, help="folder to write the files into")
    acc.add_argument("--team", action="store_true",
                     help="from the team database, --db then naming it (names may repeat across "
                          "managers: give an id)")
    for sp in (log, pol, acc):
        if "--db" not in sp._option_string_actions:  # access may have the manager's --db already
            sp.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=team_db)


def _cmd_privacy_team(args: argparse.Namespace) -> int | None:
    """The team database's privacy actions; None for the actions of the manager's side."""
    from .team import privacy_commands

    if args.privacy_command == "log":
        return privacy_commands.log(args.db, args.since, args.json)
    if args.privacy_command == "policy":
        return privacy_commands.policy(args.policy, args.db, args.init)
    if args.privacy_command == "access" and args.team:
        return privacy_commands.access(args.db, args.person, args.out)
    return None

# --- end of privacy: the team database's side -------------------------------------------------


# --- privacy: the data-protection tools (PRODUCT.md section 9) ------------------------------

def _privacy_parser(sub: argparse._SubParsersAction[_Parser], db_help: str) -> None:
    """`fieldcoach privacy ACTION`; each action's parser in its own block below."""
    about = ("data protection: retention purge, forget a rep, subject access, and the team "
             "database's audit log and works agreement")
    privacy = sub.add_parser("privacy", help=about, description=about)
    privacy_sub = privacy.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)

    def action(name: str, help_: str) -> argparse.ArgumentParser:
        sp = privacy_sub.add_parser(name, help=help_, description=help_)
        sp.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=db_help)
        return sp

    # purge
    pp = action("purge", "remove the records older than their retention period (set in Settings)")
    pp.add_argument("--dry-run", action="store_true", help="show what would be removed; remove nothing")
    # forget
    pf = action("forget", "remove everything about a rep; the next export sends the deletions")
    pf.add_argument("rep", metavar="REP", help="the rep's name or id")
    pf.add_argument("--yes", action="store_true", help="do not ask to type the name (for scripts)")
    # access
    pa = action("access", "write everything held about a person as JSON and Markdown")
    pa.add_argument("person", metavar="PERSON", nargs="?",
                    help="a rep's name or id, or 'me' (the manager)")
    pa.add_argument("--manager", action="store_true", help="the manager (you) instead of a rep")
    pa.add_argument("--out", metavar="DIR", required=True, help="folder to write the files into")
    # receipts
    action("receipts", "list what purges and forgetting removed: when, and how many records of each kind")


def _cmd_privacy(args: argparse.Namespace) -> int:
    from .privacy import commands

    done = _cmd_privacy_team(args)
    if done is not None:
        return done
    store = _store(args)
    if args.privacy_command == "purge":
        return commands.purge(store, dry_run=args.dry_run)
    if args.privacy_command == "forget":
        return commands.forget(store, args.rep, yes=args.yes)
    if args.privacy_command == "access":
        return commands.access(store, args.person, args.out, manager=args.manager)
    if args.privacy_command == "receipts":
        return commands.receipts(store)
    raise UserError(f"unknown privacy action {args.privacy_command}")  # pragma: no cover

# --- end of privacy ------------------------------------------------------------------------


def _store(args: argparse.Namespace) -> Store:
    from .paths import resolve_db_path
    from .store import Store

    store = Store(resolve_db_path(args.db))
    store.open()
    return store


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import write_demo

    if args.calls < 0 or args.calls > 1_000_000:
        raise UserError("--calls takes a number from 0 to 1000000")
    if args.team is not None:
        return _demo_team(args)
    store = _store(args)
    summary = write_demo(store, calls=args.calls, seed=args.seed)
    print(visible(f"demo data written to {store.path}: {summary}"))
    return 0


def _demo_team(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .team_demo import Manager, write_team

    if not 1 <= args.managers <= 500:
        raise UserError("--managers takes a number from 1 to 500")
    folder = Path(args.team).expanduser()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is not a folder")

    def shown(i: int, m: Manager, summary: str) -> None:
        print(visible(f"{i + 1}/{args.managers} {m.habits.manager}: coaches {m.cadence}, debriefs "
                      f"{m.debrief}, budget {m.budget_minutes} min a week; {summary}"), flush=True)

    try:
        n = write_team(folder, managers=args.managers, calls=args.calls, seed=args.seed, progress=shown)
    except OSError as exc:
        raise UserError(f"cannot write the team store {folder}: {exc.strerror or exc}") from exc
    print(visible(f"team store written to {folder}: {args.managers} managers, {n} call documents"))
    return 0


def _cmd_note(args: argparse.Namespace) -> int:
    from .notes import capture

    store = _store(args)
    row, call = capture(store.con(), " ".join(args.text))
    where = "the call in progress" if call else "the inbox"
    print(f"saved to {where} ({row.kind}): {visible(row.text)}")
    return 0


def _cmd_sync(args: argparse.Namespace) -> int:
    from .sync import commands

    if args.command == "schema":
        return commands.schema()
    store = _store(args)
    if args.command == "export":
        return commands.export(store, store_dir=args.store, out=args.out, full=args.full)
    return commands.import_(store, args.paths)


def _cmd_team(args: argparse.Namespace) -> int:
    if args.team_command is None:
        return _team_view(args)
    from .team import commands

    if args.team_command == "load":
        return commands.load(args.db, args.paths)
    if not 0 <= args.back <= 1000:
        raise UserError("--back takes a number from 0 to 1000")
    now = None
    if args.now:
        from .clock import from_db

        try:
            now = from_db(args.now)
        except ValueError as exc:
            raise UserError(f"--now takes an ISO date and time, not {args.now!r}") from exc
    return commands.report(args.db, args.period, args.format or "table", args.back, now,
                           getattr(args, "policy", None))


def _team_view(args: argparse.Namespace) -> int:
    import gc

    from .clock import utcnow
    from .team.policy import load_policy
    from .team.view import DEFAULT_KIND, TeamData

    policy = load_policy(getattr(args, "policy", None))  # refused with one line before the screen
    # No cyclic GC until the first figures are shown (as for the main app): collections of
    # the freshly imported heap cost launch time.
    gc.disable()
    data = TeamData(args.db, policy)
    data.read_early(DEFAULT_KIND, 0, utcnow())  # while Textual loads
    from screens.team_app import TeamApp

    app = TeamApp(args.db, policy, data=data)
    app.run()
    if app.startup_error:
        raise UserError(app.startup_error)
    return app.return_code or 0


def _cmd_app(args: argparse.Namespace) -> int:
    import gc

    # No cyclic GC during launch: a full collection of the freshly imported heap (~20 ms)
    # used to land just before the first frame. The app turns it back on once it is up.
    gc.disable()
    from screens.app import FieldcoachApp

    from .paths import resolve_db_path

    app = FieldcoachApp(db_path=resolve_db_path(args.db))
    app.run()
    if app.startup_error:
        raise UserError(app.startup_error)
    return app.return_code or 0


# what each command was doing, for a database error that reaches the top
WORK = {"demo": ("the demo data", False), "note": ("the note", False),
        "export": ("the calls to export", True), "import": ("the import", False),
        "team": ("the team database", False), "privacy": ("the privacy action", False),
        None: ("fieldcoach's data", True)}

COMMANDS = {"demo": _cmd_demo, "note": _cmd_note, "export": _cmd_sync, "import": _cmd_sync,
            "schema": _cmd_sync, "team": _cmd_team, "privacy": _cmd_privacy,
            None: _cmd_app}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .errors import CoachingError, FieldError, StoreError

    try:
        return COMMANDS[args.command](args)
    except (UserError, StoreError, FieldError, CoachingError) as exc:
        print(f"fieldcoach: {visible(str(exc))}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # before Exception, which would catch it first
        # stdout closed early (e.g. `| head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        # the file went bad under a running command (a damaged page, a full disk, a lock)
        from .db import friendly_error

        what, reading = WORK.get(args.command, ("the change", False))
        friendly = friendly_error(exc, what, reading=reading)
        if friendly is None:
            raise
        print(f"fieldcoach: {visible(str(friendly))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("fieldcoach: interrupted", file=sys.stderr)
        return 130
