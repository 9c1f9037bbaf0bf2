"""`python -m bot staff import FILE.csv`: load the org chart, all or nothing.

The file is checked whole (bot.rules.org_chart) — `--check` stops there, needing neither
Slack nor the database — then every person is matched by email to their account on the chat
platform (a `Directory`: Slack's users.lookupByEmail in handlers.directory, Microsoft Graph in
bot.teams.graph), and only a file with no bad row at all is written, in one
transaction (storage.org_import.apply_org_chart). A bad file changes nothing and names every bad
row as FILE:LINE: reason, the form editors and CI logs link to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, TextIO

from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from bot.rules.org_chart import (
    OrgRow,
    ParsedChart,
    RowProblem,
    missing_office_holders,
    parse_org_chart,
)
from storage import org_import
from storage.db import Database
from storage.types import utcnow

# Below this many lookups the import is over before a progress bar would be worth drawing.
PROGRESS_MIN_LOOKUPS = 50


class ImportAborted(Exception):
    """Something outside the file stopped the import; the message is one line for stderr."""


def check_file(path: Path, *, out: TextIO, err: TextIO) -> int:
    """`staff import --check`: the file alone, without Slack or the database; 0 when it
    would import (warnings allowed), 1 when it has problems."""
    try:
        chart = parse_org_chart(read_text(path))
    except ImportAborted as exc:
        print(f"nolan: error: {exc}", file=err)
        return 1
    if chart.problems:
        _report_problems(path, chart.problems, err=err)
        return 1
    _warn_missing_office_holders(path, chart, err=err)
    print(
        f"{path}: {_count(len(chart.rows), 'person', 'people')}, no problems found "
        "(checked without Slack; nothing was imported)",
        file=out,
    )
    return 0


class Directory(Protocol):
    """The chat platform's people, by email: the port the import resolves accounts through
    (handlers.directory.SlackDirectory, bot.teams.graph.GraphDirectory)."""

    platform: str  # as people know it, in messages: "Slack", "Teams"
    id_field: str  # the Staff column that holds the account (storage.org_import.PLATFORM_ID_FIELDS)

    def look_up(self, email: str, time_zones: dict[str, str] | None = None) -> str | None:
        """The account with this email: its id, None if there is none, or DEACTIVATED; the
        person's time zone goes into `time_zones`, if given and known. Raises ImportAborted
        when the platform's answers cannot be trusted."""
        ...


class FollowNewManagers(Protocol):
    """Moves the waiting steps of people whose line manager changed to the new one and tells
    those concerned (bot.usecases.reassign.follow_new_managers, run by bot.runtime); how
    many moved. A move that fails raises SQLAlchemyError; a message that fails is passed to
    `warn`."""

    def __call__(
        self, changes: Sequence[org_import.ManagerChange], *, warn: Callable[[str], None]
    ) -> int: ...


def run_import(
    path: Path,
    *,
    db: Database,
    directory: Directory,
    follow: FollowNewManagers,
    out: TextIO,
    err: TextIO,
) -> int:
    """Import the org chart in `path`; 0 when imported, 1 when nothing was."""
    try:
        chart = parse_org_chart(read_text(path))
    except ImportAborted as exc:
        print(f"nolan: error: {exc}; nothing was imported", file=err)
        return 1
    try:
        with db.session() as session:
            known = org_import.platform_ids_by_email(session, directory.id_field)
        time_zones: dict[str, str] = {}
        ids, lookup_problems = resolve_ids(
            chart.rows, known, directory, err=err, time_zones=time_zones
        )
    except ImportAborted as exc:
        if chart.problems:  # worth fixing while the platform is away
            _report_problems(path, chart.problems, err=err)
        print(f"nolan: error: {exc}; nothing was imported", file=err)
        return 1

    problems = sorted([*chart.problems, *lookup_problems])
    if problems:
        _report_problems(path, problems, err=err, outcome="; nothing was imported")
        return 1

    try:
        with db.session() as session:
            summary = org_import.apply_org_chart(
                session,
                rows=chart.rows,
                ids=ids,
                id_field=directory.id_field,
                now=utcnow(),
                columns=chart.columns,
                source=path.name,
                time_zones=time_zones,
            )
            session.commit()
            org_import.refresh_statistics(session)
    except SQLAlchemyError as exc:
        # The driver's message comes first; the SQL and parameters after it are noise here.
        reason = str(exc).splitlines()[0]
        print(f"nolan: error: the database refused the import: {reason}", file=err)
        return 1
    print(
        f"Imported {_count(summary.total, 'person', 'people')} from {path.name}: "
        f"{summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged, "
        f"{summary.deactivated} marked inactive.",
        file=out,
    )
    for email in summary.renewals_kept:
        print(
            f"{email}: kept the vetting expiry recorded in {directory.platform}; the file's "
            "vetting_expires is earlier (update the file to match).",
            file=out,
        )
    _warn_missing_office_holders(path, chart, err=err)
    if summary.managers_changed:
        _follow_new_managers(summary.managers_changed, follow, out=out, err=err)
    return 0


def _report_problems(
    path: Path, problems: Sequence[RowProblem], *, err: TextIO, outcome: str = ""
) -> None:
    """Every problem as FILE:LINE: reason, then what was wrong: the header, rows, or both."""
    for problem in problems:
        print(f"{path}:{problem.line}: {problem.message}", file=err)
    parts = ["a problem with the header"] if any(p.header for p in problems) else []
    bad_rows = len({p.line for p in problems if not p.header})
    if bad_rows:
        parts.append(_count(bad_rows, "bad row"))
    print(f"nolan: {' and '.join(parts)} in {path}{outcome}", file=err)


def _warn_missing_office_holders(path: Path, chart: ParsedChart, *, err: TextIO) -> None:
    for warning in missing_office_holders(chart):
        print(f"nolan: warning: {path}: {warning}", file=err)


def _follow_new_managers(
    changes: Sequence[org_import.ManagerChange],
    follow: FollowNewManagers,
    *,
    out: TextIO,
    err: TextIO,
) -> None:
    """Waiting approvals follow people's new line managers (issue 3, "Reassignment"). The
    import is already committed: a failure here is a warning, never an undone import."""

    def warn(message: str) -> None:
        print(f"nolan: warning: {message}", file=err)

    try:
        moved = follow(changes, warn=warn)
    except SQLAlchemyError as exc:
        warn(f"waiting approvals did not move to the new managers: {str(exc).splitlines()[0]}")
        return
    if moved:
        print(f"Moved {_count(moved, 'waiting approval')} to new line managers.", file=out)


def read_text(path: Path) -> str:
    """The file as text, or ImportAborted with a one-line reason."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportAborted(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise ImportAborted(f"cannot read {path}: it is a directory") from None
    except OSError as exc:
        raise ImportAborted(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportAborted(
            f'{path}:{line}: not UTF-8 text (in Excel, save as "CSV UTF-8 (Comma delimited)")'
        ) from None


def resolve_ids(
    rows: Sequence[OrgRow],
    known: Mapping[str, str],
    directory: Directory,
    *,
    err: TextIO,
    time_zones: dict[str, str] | None = None,
) -> tuple[dict[str, str], list[RowProblem]]:
    """Every row's account on the platform, looking up only emails not already in `known`;
    each looked-up person's time zone goes into `time_zones`, if given and known.

    An email the platform does not know is a problem with that row; any other failure means
    the answers cannot be trusted, so it raises ImportAborted.
    """
    platform = directory.platform
    ids = {row.email: known[row.email] for row in rows if row.email in known}
    to_look_up = [row for row in rows if row.email not in known]
    problems: list[RowProblem] = []
    show = len(to_look_up) > PROGRESS_MIN_LOOKUPS and _is_tty(err)
    for row in tqdm(
        to_look_up,
        desc=f"Looking up {platform} users",
        unit="person",
        file=err,
        disable=not show,
        leave=False,
    ):
        found = directory.look_up(row.email, time_zones)
        if found is None:
            problems.append(RowProblem(row.line, f"no {platform} user has the email {row.email}"))
        elif found == DEACTIVATED:
            problems.append(
                RowProblem(row.line, f"the {platform} account for {row.email} is deactivated")
            )
        else:
            ids[row.email] = found
    problems += _shared_accounts(rows, ids, platform)
    return ids, problems


DEACTIVATED = "deactivated"


def _shared_accounts(
    rows: Sequence[OrgRow], ids: Mapping[str, str], platform: str
) -> list[RowProblem]:
    """Two emails on one account (an alias) would make the bot unsure who is who."""
    lines: dict[str, list[OrgRow]] = defaultdict(list)
    for row in rows:
        if row.email in ids:
            lines[ids[row.email]].append(row)
    problems = []
    for account, sharing in lines.items():
        if len(sharing) > 1:
            emails = ", ".join(r.email for r in sharing)
            for row in sharing:
                problems.append(
                    RowProblem(row.line, f"{emails} are all the same {platform} user ({account})")
                )
    return problems


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
