"""Reading the org chart CSV that `python -m bot staff import` loads.

Pure: text in, typed rows and problems out; no Slack, no database. The import refuses a
file with any problem, so this reports every problem it can find in one pass rather than
stopping at the first. Line numbers are as a person sees them in an editor or spreadsheet
(the header is line 1), so `FILE:LINE` points at the row to fix.

The columns follow the people in DOMAIN.md "People and roles": each row is a staff member,
`line_manager_email` names their line manager (the first approver), and `roles` gives the
office-wide roles (monitoring officer, head of office, vetting officer) plus `admin`.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from bot.rules.roles import Role

EMAIL = "email"
NAME = "name"
LINE_MANAGER_EMAIL = "line_manager_email"
ROLES = "roles"
VETTING_LEVEL = "vetting_level"
VETTING_EXPIRES = "vetting_expires"
POLITICALLY_RESTRICTED = "politically_restricted"

COLUMNS: tuple[str, ...] = (
    EMAIL,
    NAME,
    LINE_MANAGER_EMAIL,
    ROLES,
    VETTING_LEVEL,
    VETTING_EXPIRES,
    POLITICALLY_RESTRICTED,
)
HEADER_LINE = 1

# The widths of the `staff` columns: PostgreSQL refuses longer values, SQLite would not.
MAX_EMAIL = 254
MAX_NAME = 200
MAX_VETTING_LEVEL = 50

_TRUE = frozenset({"yes", "y", "true", "1"})
_FALSE = frozenset({"no", "n", "false", "0", ""})
# Deliberately loose: Slack's users.lookupByEmail is the real test of an address.
_EMAIL_RE = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\".]+(\.[^@\s,;<>\".]+)*")
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ROLE_NAMES = ", ".join(r.value for r in Role)


@dataclass(frozen=True)
class OrgRow:
    """One person, as the file describes them."""

    line: int
    email: str  # lower-cased and stripped
    name: str = ""
    line_manager_email: str | None = None
    roles: frozenset[Role] = frozenset()
    vetting_level: str | None = None
    vetting_expires: date | None = None
    politically_restricted: bool = False


@dataclass(frozen=True, order=True)
class RowProblem:
    line: int
    message: str
    header: bool = field(default=False, compare=False)  # the header's, not a person's row


@dataclass(frozen=True)
class ParsedChart:
    """`rows` holds only the rows with no problem of their own; `columns` the header's
    known columns, so the import can leave fields the file does not mention alone."""

    rows: tuple[OrgRow, ...] = ()
    problems: tuple[RowProblem, ...] = ()
    columns: frozenset[str] = field(default_factory=frozenset)
    # The roles some row gives, bad rows included: a typo elsewhere in the head of office's
    # row must not also be reported as "no head of office".
    roles_held: frozenset[Role] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.problems


def normalise_email(raw: str) -> str:
    return raw.strip().lower()


def is_email(value: str) -> bool:
    return _EMAIL_RE.fullmatch(value) is not None


def parse_yes_no(raw: str) -> bool | None:
    """yes/no, y/n, true/false, 1/0 in any case; blank is no. None when it is none of these."""
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


class _UnreadableCsv(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(first line of the record, fields), so a quoted field spanning lines keeps the count."""
    # strict: a stray quote is an error here rather than silently swallowing later rows.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _UnreadableCsv(start, str(exc)) from None
        yield start, record


def _is_blank(record: list[str]) -> bool:
    # Spreadsheets save emptied rows as ",,,,," rather than dropping them.
    return all(not value.strip() for value in record)


def parse_org_chart(text: str) -> ParsedChart:
    """Parse and check the whole file; see the module docstring for what is reported."""
    text = text.removeprefix("\ufeff")  # Excel's "CSV UTF-8" starts with a byte order mark
    problems: list[RowProblem] = []
    try:
        records = [(line, rec) for line, rec in _records(text) if not _is_blank(rec)]
    except _UnreadableCsv as exc:
        # A misplaced quote: csv cannot say where rows resume after it, so stop here.
        reason = f"not readable as CSV (a misplaced double quote?): {exc}"
        return ParsedChart(problems=(RowProblem(exc.line, reason),))
    if not records:
        return ParsedChart(problems=(RowProblem(HEADER_LINE, "the file is empty", header=True),))

    header_line, raw_header = records[0]
    header = [name.strip().lower() for name in raw_header]
    index: dict[str, int] = {}
    header_problems: list[str] = []
    for i, name in enumerate(header):
        if not name:
            continue  # an unnamed column is harmless while it stays empty (checked per row)
        if name in index:
            header_problems.append(f"column {name!r} appears twice")
        elif name not in COLUMNS:
            header_problems.append(f"unknown column {raw_header[i].strip()!r}")
        else:
            index[name] = i
    if EMAIL not in index:
        header_problems.insert(0, f"no {EMAIL!r} column in the header")
    if any(p.startswith("unknown") for p in header_problems):
        header_problems.append(f"the columns are: {', '.join(COLUMNS)}")
    if header_problems:
        problems.append(RowProblem(header_line, "; ".join(header_problems), header=True))
    if EMAIL not in index:
        return ParsedChart(problems=tuple(problems))
    body = records[1:]
    if not body:
        # Importing no one would mark everyone inactive: surely the wrong file.
        problems.append(RowProblem(header_line, "the file has a header but no people", header=True))
        return ParsedChart(problems=tuple(problems), columns=frozenset(index))

    unnamed = [i for i, name in enumerate(header) if not name]
    rows: list[OrgRow] = []
    bad_lines: set[int] = set()
    lines_by_email: dict[str, list[int]] = defaultdict(list)

    def bad(line: int, message: str) -> None:
        problems.append(RowProblem(line, message))
        bad_lines.add(line)

    for line, record in body:
        if len(record) != len(header):
            bad(line, f"has {len(record)} fields but the header has {len(header)}")
            # Still note the email, so rows naming this person as manager are not also blamed.
            if index[EMAIL] < len(record) and is_email(normalise_email(record[index[EMAIL]])):
                lines_by_email[normalise_email(record[index[EMAIL]])].append(line)
            continue
        row = _parse_row(line, record, index, unnamed, partial(bad, line))
        if row is not None:
            # Kept even with problems, so duplicates and cycles through it are still seen.
            lines_by_email[row.email].append(line)
            rows.append(row)

    for email, lines in lines_by_email.items():
        if len(lines) > 1:
            for line in lines:
                others = ", ".join(str(other) for other in lines if other != line)
                plural = "s" if len(lines) > 2 else ""
                bad(line, f"duplicate email {email}: also on line{plural} {others}")

    for row in rows:
        manager = row.line_manager_email
        if manager is not None and manager != row.email and manager not in lines_by_email:
            bad(row.line, f"line manager {manager} is not in the file")

    for cycle in _cycles(rows):
        lines = _abbreviated([str(r.line) for r in sorted(cycle, key=lambda r: r.line)], ", ")
        emails = [r.email for r in cycle]
        for i, row in enumerate(cycle):
            # Start each line's message at its own person, so the loop reads from there.
            loop = _loop_from(emails, i)
            bad(row.line, f"management cycle {loop} (lines {lines})")

    good = tuple(row for row in rows if row.line not in bad_lines)
    return ParsedChart(
        rows=good,
        problems=tuple(sorted(problems)),
        columns=frozenset(index),
        roles_held=frozenset(role for row in rows for role in row.roles),
    )


def missing_office_holders(chart: ParsedChart) -> list[str]:
    """Warnings, not problems: a chart without a head of office or monitoring officer
    imports, but some decisions then have nobody to go to (routing: a seat with nobody in
    it falls to the monitoring officer; the monitoring officer's seat falls to no one)."""
    warnings = []
    if Role.HEAD_OF_OFFICE not in chart.roles_held:
        warnings.append(
            "no one has the head_of_office role: what the head of office decides (outside "
            "work, among others) will go to the monitoring officer instead, and the "
            "monitoring officer's own declarations will have nobody to decide them"
        )
    if Role.MONITORING_OFFICER not in chart.roles_held:
        warnings.append(
            "no one has the monitoring_officer role: unsolicited gifts, the head of office's "
            "own declarations and anything else for the monitoring officer will have nobody "
            "to decide them"
        )
    return warnings


def _parse_row(
    line: int,
    record: list[str],
    index: dict[str, int],
    unnamed: list[int],
    bad: Callable[[str], None],
) -> OrgRow | None:
    """The row (best effort where a cell is bad), or None when it has no usable email."""

    def cell(column: str) -> str:
        return record[index[column]].strip() if column in index else ""

    for i in unnamed:
        if record[i].strip():
            bad(f"a value in column {i + 1}, which has no name in the header")

    email = normalise_email(cell(EMAIL))
    usable = True
    if not email:
        bad("no email")
        usable = False
    elif not is_email(email) or len(email) > MAX_EMAIL:
        bad(f"{email!r} is not an email address")
        usable = False

    manager = normalise_email(cell(LINE_MANAGER_EMAIL)) or None
    if manager is not None:
        if not is_email(manager):
            bad(f"line manager {manager!r} is not an email address")
            manager = None  # reported once here, not again as "not in the file"
        elif manager == email:
            bad(f"{email} is their own line manager")

    name = cell(NAME)
    if len(name) > MAX_NAME:
        bad(f"name is longer than {MAX_NAME} characters")

    roles: set[Role] = set()
    for raw in cell(ROLES).split(";"):
        role = raw.strip().lower()
        if not role:
            continue
        try:
            roles.add(Role(role))
        except ValueError:
            bad(f"unknown role {raw.strip()!r} (roles are {_ROLE_NAMES}, separated by ';')")

    vetting_level = cell(VETTING_LEVEL) or None
    if vetting_level is not None and len(vetting_level) > MAX_VETTING_LEVEL:
        bad(f"vetting_level is longer than {MAX_VETTING_LEVEL} characters")

    vetting_expires: date | None = None
    raw_date = cell(VETTING_EXPIRES)
    # fromisoformat alone also takes 20250131 and week dates; the contract is YYYY-MM-DD.
    if raw_date and not _ISO_DATE_RE.fullmatch(raw_date):
        bad(f"vetting_expires {raw_date!r} is not a date in YYYY-MM-DD form")
    elif raw_date:
        try:
            vetting_expires = date.fromisoformat(raw_date)
        except ValueError:
            bad(f"vetting_expires {raw_date!r}: {_no_such_date(raw_date)}")

    restricted = parse_yes_no(cell(POLITICALLY_RESTRICTED))
    if restricted is None:
        bad(f"politically_restricted {cell(POLITICALLY_RESTRICTED)!r} is not yes or no")

    if not usable:
        return None
    return OrgRow(
        line=line,
        email=email,
        name=name,
        line_manager_email=manager,
        roles=frozenset(roles),
        vetting_level=vetting_level,
        vetting_expires=vetting_expires,
        politically_restricted=bool(restricted),
    )


def _no_such_date(raw: str) -> str:
    """Why a date in YYYY-MM-DD form is not a date, as a person would say it."""
    year, month, day = (int(part) for part in raw.split("-"))
    if not 1 <= month <= 12:
        return f"there is no month {month} (months are 01 to 12)"
    if year < 1:
        return "there is no year 0000"
    if day < 1:
        return "there is no day 00"
    return f"{day} {calendar.month_name[month]} {year} does not exist"


_SHOWN = 8  # a loop through thousands of people must not make each of their messages huge


def _abbreviated(items: list[str], sep: str) -> str:
    if len(items) <= _SHOWN:
        return sep.join(items)
    return sep.join(items[: _SHOWN - 1]) + f"{sep}… ({len(items) - _SHOWN + 1} more)"


def _loop_from(emails: list[str], start: int) -> str:
    """ "a → b → … → a" starting at `start`, touching only the people shown."""
    n = len(emails)
    shown = [emails[(start + k) % n] for k in range(min(n, _SHOWN))]
    if n > _SHOWN:
        shown[-1] = f"… ({n - _SHOWN + 1} more)"
    return " → ".join([*shown, emails[start]])


def _cycles(rows: Iterable[OrgRow]) -> list[list[OrgRow]]:
    """Every management loop among `rows`, each in manager order.

    Each person has at most one manager, so following managers from anyone either ends or
    enters a loop; marking people done as we go visits each once (linear, not quadratic).
    Self-management is reported on its own, so it is not a loop here.
    """
    by_email: dict[str, OrgRow] = {}
    for row in rows:
        by_email.setdefault(row.email, row)  # a duplicate is reported; follow its first line
    done: set[str] = set()
    cycles: list[list[OrgRow]] = []
    for start in by_email:
        position: dict[str, int] = {}
        path: list[OrgRow] = []
        email: str | None = start
        while email is not None and email not in done and email in by_email:
            if email in position:
                cycles.append(path[position[email] :])
                break
            row = by_email[email]
            position[email] = len(path)
            path.append(row)
            nxt = row.line_manager_email
            email = None if nxt == row.email else nxt
        done.update(position)
    return cycles
