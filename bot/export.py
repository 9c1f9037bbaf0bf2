"""`python -m bot register export`: a register as CSV or XLSX.

The writers see only a register's columns and rows (bot/registers.py), so every register is
written the same way. Rows stream from the loader to the writer one at a time.
"""

from __future__ import annotations

import csv
import getpass
import io
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, TextIO

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.cells import as_utc, neutralise
from bot.registers import REGISTERS, Column, ColumnType, Value
from storage import audit
from storage.db import Database

FORMATS = ("csv", "xlsx")


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV
# injection"); the full-width forms count too in some locales.
class ExportError(Exception):
    """A problem worded for a one-line message to the operator; `code` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


# What writing files from the database can raise, each explained by `explain`.
FILE_ERRORS = (ExportError, OSError, SQLAlchemyError)


def explain(exc: Exception, err: TextIO, *, writing: str, reading: str) -> int:
    """Tell the operator in one line why a command writing files failed (`writing`: where it
    wrote, `reading`: what it read) and return its exit status."""
    if isinstance(exc, ExportError):
        print(f"nolan: error: {exc}", file=err)
        return exc.code
    if isinstance(exc, OSError):
        print(f"nolan: error: cannot write {writing}: {exc.strerror or exc}", file=err)
        return 1
    first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
    print(f"nolan: error: cannot read {reading}: {first_line}", file=err)
    return 1


def csv_text(column_type: ColumnType, value: Value) -> str:
    """One value as CSV text: ISO 8601 dates, UTC times, pounds with two decimals."""
    if value is None:
        return ""
    if column_type is ColumnType.MONEY:
        assert isinstance(value, int)
        return f"{value // 100}.{value % 100:02d}"
    if column_type is ColumnType.DATETIME:
        assert isinstance(value, datetime)
        return as_utc(value).isoformat(timespec="seconds").replace("+00:00", "Z")
    if column_type is ColumnType.DATE:
        assert isinstance(value, date)
        return value.isoformat()
    if column_type is ColumnType.BOOL:
        return "yes" if value else "no"
    return neutralise(str(value))


def write_csv(stream: TextIO, columns: Sequence[Column[Any]], records: Iterable[Any]) -> int:
    """Write the header and one row per record (RFC 4180); return the number of rows."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(c.name for c in columns)
    rows = 0
    for record in records:
        writer.writerow(csv_text(c.type, c.get(record)) for c in columns)
        rows += 1
    return rows


def format_for(output: Path | None) -> str:
    return "xlsx" if output is not None and output.suffix.lower() == ".xlsx" else "csv"


@contextmanager
def replacing(target: Path, *, private: bool) -> Iterator[IO[bytes]]:
    """A temporary file beside `target` that replaces it only once the block succeeds.

    On any failure the temporary file is removed and `target` is left as it was, so no
    half-written register is ever left behind.
    """
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a directory")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            # A full register holds personal data: readable by its owner only.
            os.chmod(tmp, 0o600 if private else 0o644)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def _operator() -> str | None:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return None


def _ensure_utf8(out: TextIO) -> None:
    if isinstance(out, io.TextIOWrapper) and (out.encoding or "").lower() not in ("utf-8", "utf8"):
        out.reconfigure(encoding="utf-8")


def _write_file(
    fh: IO[bytes], fmt: str, columns: Sequence[Column[Any]], records: Iterable[Any], title: str
) -> int:
    if fmt == "xlsx":
        from bot.xlsx import write_xlsx  # openpyxl is loaded only when a spreadsheet is made

        return write_xlsx(fh, columns, records, title=title)
    return write_csv_file(fh, columns, records)


def write_csv_file(fh: IO[bytes], columns: Sequence[Column[Any]], records: Iterable[Any]) -> int:
    """`write_csv` into a binary file, in UTF-8, leaving the file open."""
    text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
    rows = write_csv(text, columns, records)
    text.flush()
    text.detach()  # leave the file to `replacing`, which syncs and closes it
    return rows


@dataclass(frozen=True)
class ExportRequest:
    """Which register, in which format, public or full, over which days (inclusive)."""

    register: str
    fmt: str
    public: bool
    date_from: date | None
    date_to: date | None

    @property
    def filename(self) -> str:
        scope = "public" if self.public else "full"
        days = "-".join(d.isoformat() for d in (self.date_from, self.date_to) if d is not None)
        return f"{self.register}-register-{scope}{'-' + days if days else ''}.{self.fmt}"


def export(
    wanted: ExportRequest,
    *,
    db: Database,
    output: Path | None,
    out: TextIO,
    actor_id: int | None = None,
    destination: str | None = None,
) -> int:
    """Write the register and record the export in the audit trail; return the row count.

    `actor_id` and `destination` say who asked and where it went when that is not the
    command line's operator and file (an officer exporting from Slack, to their DM).

    The audit entry is committed before the file takes its name, so there is never an
    exported file the trail does not know about.
    """
    spec = REGISTERS[wanted.register]
    public = wanted.public
    columns = spec.columns_for(public=public)
    withheld: Counter[str] = Counter()  # filled as the rows stream past

    def record_export(session: Session, rows: int) -> None:
        # What an officer withheld was left out of a public export: say how much, by ground.
        extra = {"withheld": dict(sorted(withheld.items()))} if public else {}
        audit.record(
            session,
            action="exported",
            actor_id=actor_id,
            register=spec.name,
            public=public,
            rows=rows,
            format=wanted.fmt,
            output=destination or (str(output) if output is not None else "stdout"),
            date_from=wanted.date_from,
            date_to=wanted.date_to,
            operator=_operator(),
            **extra,
        )
        session.commit()

    with db.session() as session:
        loaded = spec.load(session, wanted.date_from, wanted.date_to)
        records = spec.rows_for(loaded, public=public, withheld=withheld)
        if output is None:
            _ensure_utf8(out)
            rows = write_csv(out, columns, records)
            out.flush()
            record_export(session, rows)
            return rows
        with replacing(output, private=not public) as fh:
            rows = _write_file(fh, wanted.fmt, columns, records, spec.title)
            record_export(session, rows)
        return rows


def _option_problem(wanted: ExportRequest, output: Path | None) -> str | None:
    if wanted.register not in REGISTERS:
        return f"no register called {wanted.register!r} (choose from {', '.join(REGISTERS)})"
    if wanted.fmt not in FORMATS:
        return f"unknown format {wanted.fmt!r} (choose from {', '.join(FORMATS)})"
    start, end = wanted.date_from, wanted.date_to
    if start is not None and end is not None and start > end:
        return "--from is after --to"
    if wanted.fmt == "xlsx" and output is None:
        return "xlsx is a binary file format: give --output FILE.xlsx"
    return None


def run_export(
    wanted: ExportRequest, *, db: Database, output: Path | None, out: TextIO, err: TextIO
) -> int:
    """The CLI command: check the options, export, and turn failures into one-line errors.

    Returns the exit status: 0 done, 1 could not read or write, 2 bad options.
    """
    problem = _option_problem(wanted, output)
    if problem is not None:
        print(f"nolan: error: {problem}", file=err)
        return 2
    spec = REGISTERS[wanted.register]
    try:
        rows = export(wanted, db=db, output=output, out=out)
    except FILE_ERRORS as exc:
        where = output if output is not None else "standard output"
        return explain(exc, err, writing=str(where), reading="the register")
    if output is not None:
        what = f"the public {spec.name} register" if wanted.public else f"the {spec.name} register"
        print(f"Wrote {rows} row{'' if rows == 1 else 's'} of {what} to {output}.", file=out)
    return 0
