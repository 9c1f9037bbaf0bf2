"""`python -m bot register publish`: the public registers for one financial year, as static
HTML pages with the same data as CSV beside them (the Specified Information Order register).

The rows and columns are exactly those of `register export --public` for the year's dates
(bot/registers.py decides both); this package only lays them out. Items an officer withheld
are left out and counted by reason.
"""

from __future__ import annotations

import io
from collections import Counter
from contextlib import ExitStack
from datetime import date, tzinfo
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from bot.export import ExportError, _operator, replacing, write_csv
from bot.publish.pages import PUBLICATIONS, Page, entries, render_index, render_register
from bot.registers import office_timezone
from bot.rules.financial_year import FinancialYear
from bot.settings import Policy
from storage import audit
from storage.db import Database


def build_pages(
    db: Database, *, policy: Policy, year: FinancialYear, generated: date, tz: tzinfo
) -> list[Page]:
    """Each register the policy publishes, with its public rows for the year."""
    pages = []
    with db.session() as session, office_timezone(tz):
        for publication in PUBLICATIONS:
            if not publication.published(policy):
                continue
            spec = publication.register
            withheld: Counter[str] = Counter()
            loaded = spec.load(session, year.first_day, year.last_day)
            records = tuple(spec.rows_for(loaded, public=True, withheld=withheld))
            pages.append(
                Page(
                    publication=publication,
                    year=year,
                    office=policy.office_name,
                    generated=generated,
                    columns=spec.columns_for(public=True),
                    records=records,
                    withheld=withheld,
                    tz=tz,
                )
            )
    return pages


def _csv_bytes(page: Page) -> bytes:
    text = io.StringIO(newline="")
    write_csv(text, page.columns, page.records)
    return text.getvalue().encode("utf-8")


def publish(
    db: Database, *, policy: Policy, year: FinancialYear, out_dir: Path, generated: date
) -> list[Page]:
    """Write the pages, their CSVs and the index into `out_dir`; return the pages.

    Every file is written beside its final name first; the audit entry is committed, and only
    then do all the files take their names, so the trail knows of every publication and a
    failure part way leaves the directory as it was.
    """
    pages = build_pages(db, policy=policy, year=year, generated=generated, tz=policy.tz)
    files: dict[str, bytes] = {}
    # Columns dated by a moment read the office's time zone when the rows are written, as in
    # `register export`, so the page and its CSV say the same day as the export.
    with office_timezone(policy.tz):
        for page in pages:
            stem = page.publication.stem(year)
            files[f"{stem}.html"] = render_register(page).encode("utf-8")
            files[f"{stem}.csv"] = _csv_bytes(page)
    index = render_index(pages, office=policy.office_name, year=year, generated=generated)
    files["index.html"] = index.encode("utf-8")

    with ExitStack() as stack:
        for name, content in files.items():
            stack.enter_context(replacing(out_dir / name, private=False)).write(content)
        with db.session() as session:
            audit.record(
                session,
                action="published",
                year=year.label,
                output=str(out_dir),
                registers={p.publication.register.name: len(p.records) for p in pages},
                withheld={
                    p.publication.register.name: dict(sorted(p.withheld.items()))
                    for p in pages
                    if p.withheld
                },
                operator=_operator(),
            )
            session.commit()
    return pages


def _prepare(out_dir: Path) -> str | None:
    """Create the directory if needed; a problem as one line, or None."""
    if out_dir.exists() and not out_dir.is_dir():
        return f"cannot write to {out_dir}: it is not a directory"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create {out_dir}: {exc.strerror or exc}"
    return None


def run_publish(
    db: Database,
    *,
    policy: Policy,
    out_dir: Path,
    year: FinancialYear | None,
    today: date,
    out: TextIO,
    err: TextIO,
) -> int:
    """The CLI command. Returns the exit status: 0 done, 1 could not read or write."""
    year = year or FinancialYear.containing(today)
    problem = _prepare(out_dir)
    if problem is not None:
        print(f"nolan: error: {problem}", file=err)
        return 1
    try:
        pages = publish(db, policy=policy, year=year, out_dir=out_dir, generated=today)
    except ExportError as exc:
        print(f"nolan: error: {exc}", file=err)
        return exc.code
    except OSError as exc:
        print(f"nolan: error: cannot write to {out_dir}: {exc.strerror or exc}", file=err)
        return 1
    except SQLAlchemyError as exc:
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
        print(f"nolan: error: cannot read the registers: {first_line}", file=err)
        return 1
    for page in pages:
        withheld = sum(page.withheld.values())
        note = f", {entries(withheld)} withheld" if withheld else ""
        name = page.publication.stem(year)
        print(f"Wrote {name}.html and .csv: {entries(len(page.records))}{note}.", file=out)
    print(f"Published the {year.label} registers in {out_dir}.", file=out)
    return 0
