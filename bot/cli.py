"""The command line: serving the bot and the officers' commands. Each command (but `staff
import --check`) migrates the schema first, so an empty DATABASE_URL just works."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from bot.collector import settle
from bot.rules.financial_year import FinancialYear
from bot.settings import SLACK_SECRETS, Settings, SettingsError, load_settings
from bot.teams import package
from storage.audit_chain import verify
from storage.db import Database
from storage.types import utcnow

log = logging.getLogger("nolan")


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {raw!r}") from None


def _financial_year(raw: str) -> FinancialYear:
    """2026, or 2026/27 as public bodies write it (the second year must follow the first)."""
    try:
        return FinancialYear.parse(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _time_of_day(raw: str) -> time:
    found = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", raw.strip())
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise ValueError(f"--at must be a time of day as HH:MM (00:00 to 23:59), got {raw!r}")
    return time(int(found[1]), int(found[2]))


def _noted_hash(raw: str) -> tuple[int, str]:
    number, _, digest = raw.strip().lstrip("#").partition(":")
    digest = digest.strip().lower()
    if not number.isdigit() or len(digest) != 64 or set(digest) - set("0123456789abcdef"):
        raise argparse.ArgumentTypeError(
            f"not an entry and its hash (ID:HASH, a number and 64 hex digits): {raw!r}"
        )
    return int(number), digest


_Commands = argparse._SubParsersAction  # add_subparsers' return: add_parser adds to it


def _actions(commands: _Commands, name: str, *, about: str) -> _Commands:
    """A command whose ACTION must be given (`register export`): its subcommands."""
    return commands.add_parser(name, help=about).add_subparsers(
        dest=f"{name}_command", metavar="ACTION", required=True
    )


def _year_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--year",
        type=_financial_year,
        default=None,
        help="the financial year by the year it starts: 2026 is 1 April 2026 to 31 March 2027 "
        "(default: the current one)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Nolan: the staff code of conduct in Slack. With no command, runs the bot.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("serve", help="run the bot (the default)")
    commands.add_parser("migrate", help="create or upgrade the database schema, then exit")

    staff = _actions(commands, "staff", about="the org chart")
    imp = staff.add_parser("import", help="load the org chart from a CSV file")
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument(
        "--check",
        action="store_true",
        help="only check the file and report every problem; Slack is not asked, "
        "nothing is imported",
    )

    register = _actions(commands, "register", about="the registers")
    export = register.add_parser("export", help="write a register as CSV or XLSX")
    export.add_argument(
        "register", choices=["gifts", "interests", "outside-work"], help="which register"
    )
    export.add_argument(
        "--format",
        choices=["csv", "xlsx"],
        default=None,
        help="csv (default) or xlsx; taken from --output's suffix if not given",
    )
    export.add_argument(
        "--public",
        action="store_true",
        help="leave out what is private to the person (for publication)",
    )
    export.add_argument(
        "--output",
        type=Path,
        default=None,
        help="file to write (default: standard output; xlsx needs a file)",
    )
    export.add_argument(
        "--from",
        dest="date_from",
        type=_date,
        default=None,
        help="first day to include, inclusive (YYYY-MM-DD): the date offered for gifts, "
        "the day declared or requested for the others",
    )
    export.add_argument(
        "--to",
        dest="date_to",
        type=_date,
        default=None,
        help="last day to include, inclusive (YYYY-MM-DD)",
    )

    publish = register.add_parser(
        "publish", help="write the public registers for a financial year as HTML and CSV"
    )
    publish.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="directory to write into"
    )
    _year_option(publish)

    report = _actions(commands, "report", about="reports for the audit committee")
    annual = report.add_parser("annual", help="the annual report for a financial year")
    _year_option(annual)
    annual.add_argument(
        "--out",
        type=Path,
        required=True,
        help="file to write: report.html (self-contained page) or report.pdf",
    )

    reminders = _actions(
        commands, "reminders", about="reminders, escalation and delegations (the daily sweep)"
    )
    run = reminders.add_parser("run", help="do everything due as of a day, once")
    run.add_argument(
        "--today",
        type=_date,
        default=None,
        help="the office's date to run as (YYYY-MM-DD; default: today)",
    )
    run.add_argument(
        "--at",
        default=None,
        metavar="HH:MM",
        help="the office's time of day to act as at: a reminder due outside working hours "
        "waits for the morning (default: SWEEP_TIME with --today, else now)",
    )

    teams = _actions(commands, "teams", about="Microsoft Teams")
    package.add_arguments(
        teams.add_parser("package", help="write the Teams app package (manifest and icons)")
    )

    audit = _actions(commands, "audit", about="the audit trail")
    verify = audit.add_parser(
        "verify", help="recompute the audit trail's hash chain and name the first break"
    )
    verify.add_argument(
        "--expect",
        type=_noted_hash,
        action="append",
        default=[],
        metavar="ID:HASH",
        help="an entry and its hash as an earlier run printed them, kept outside the database: "
        "it must still be there with that hash (repeatable)",
    )
    return parser


def _required_secrets(args: argparse.Namespace) -> tuple[str, ...]:
    if args.command in (None, "serve"):
        return SLACK_SECRETS
    if args.command == "staff" and not args.check:
        return ("SLACK_BOT_TOKEN",)  # users.lookupByEmail
    if args.command == "reminders":
        return ("SLACK_BOT_TOKEN",)  # the reminders are DMs (on Teams: its secrets)
    return ()


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: dict[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command not in (None, "serve"):
        settle()  # a one-off command collects as it goes; serving settles once it has started
    date_from, date_to = getattr(args, "date_from", None), getattr(args, "date_to", None)
    if date_from and date_to and date_from > date_to:
        parser.error("--from is after --to")
    if getattr(args, "at", None) is not None:
        try:
            args.at = _time_of_day(args.at)
        except ValueError as exc:  # one line, not argparse's usage
            print(f"nolan: error: {exc}", file=err)
            return 2
    try:
        settings = load_settings(environ, require=_required_secrets(args))
    except SettingsError as exc:
        print(f"nolan: error: {exc}", file=err)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # migrations are routine here
    if getattr(args, "check", False):
        from bot.staff_import import check_file

        return check_file(args.file, out=out, err=err)  # the file alone: no database either
    if args.command == "teams":  # the package is made from options and settings alone
        return package.run_package(
            args,
            app_id=settings.teams_app_id,
            office_name=settings.policy.office_name,
            code_of_conduct_url=settings.policy.code_of_conduct_url,
            out=out,
            err=err,
        )
    if args.command in (None, "serve"):
        from bot.processes import refusal

        if refused := refusal(settings):
            print(f"nolan: error: {refused}", file=err)
            return 2
    if args.command not in (None, "serve"):
        # A CLI user wants the one-line answer, not slack_sdk's retry chatter.
        logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)
    db = Database(settings.database_url, threads=settings.request_threads)
    try:
        db.migrate()
    except Exception as exc:
        print(f"nolan: error: cannot prepare the database: {exc}", file=err)
        return 1
    try:
        return _run(args, settings, db, out, err)
    finally:
        db.dispose()


# Each command imports what it needs when it runs, so a command that needs neither the
# features nor matplotlib (migrate, audit verify, export) does not wait seconds to load them.
def _run(
    args: argparse.Namespace, settings: Settings, db: Database, out: TextIO, err: TextIO
) -> int:
    if args.command == "migrate":
        print("Database schema is up to date.", file=out)
        return 0
    if args.command == "staff":
        from bot.runtime import Runtime
        from bot.staff_import import run_import

        runtime = Runtime.build(settings, db=db)
        return run_import(
            args.file,
            db=db,
            directory=runtime.directory(),
            follow=runtime.follow_new_managers,
            out=out,
            err=err,
        )
    if args.command == "register" and args.register_command == "publish":
        from bot.publish import run_publish

        return run_publish(
            db,
            policy=settings.policy,
            out_dir=args.out,
            year=args.year,
            today=datetime.now(settings.policy.tz).date(),
            out=out,
            err=err,
        )
    if args.command == "register":
        from bot.export import ExportRequest, format_for, run_export
        from bot.registers import office_timezone

        fmt = args.format or format_for(args.output)
        wanted = ExportRequest(args.register, fmt, args.public, args.date_from, args.date_to)
        with office_timezone(settings.policy.tz):  # registers dated by a moment use local days
            return run_export(wanted, db=db, output=args.output, out=out, err=err)
    if args.command == "report":
        from bot.report.annual import run_annual_report

        return run_annual_report(
            db=db,
            settings=settings,
            start_year=args.year.start_year if args.year else None,
            output=args.out,
            now=utcnow(),
            out=out,
            err=err,
        )
    if args.command == "reminders":
        from bot.reminders import run_reminders
        from bot.runtime import Runtime

        runtime = Runtime.build(settings, db=db)
        return run_reminders(runtime, args.today, at=args.at, out=out, err=err)
    if args.command == "audit":
        return verify_audit(db, dict(args.expect), out=out, err=err)
    from bot.processes import serve_processes, supervised

    if supervised(settings):
        return serve_processes(settings, db, err=err)
    from bot.serve import serve

    return serve(settings, db, err=err)


def verify_audit(db: Database, noted: dict[int, str], *, out: TextIO, err: TextIO) -> int:
    """`audit verify`: 0 and one line if the chain holds, else 1 and the first break (or
    the database's error, if the trail could not be read to the end)."""
    try:
        verdict = verify(db.engine, noted=noted)
    except SQLAlchemyError as exc:
        # Not a verdict either way: the chain was not read to its end.
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
        print(f"nolan: error: cannot read the audit trail: {first_line}", file=err)
        return 1
    if verdict.broken:
        # The finding is the answer, not an error of the command: standard output.
        print(f"Audit chain broken. {verdict.broken.describe()}", file=out)
        return 1
    noun = "entry" if verdict.entries == 1 else "entries"
    newest = f" (newest {verdict.newest_id}:{verdict.newest_hash})" if verdict.entries else ""
    print(f"{verdict.entries} {noun}, chain intact{newest}", file=out)
    return 0
