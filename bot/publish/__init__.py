"""`python -m bot register publish`: the public registers for one financial year, as static
HTML pages with the same data as CSV beside them (the Specified Information Order register).

The rows and columns are exactly those of `register export --public` for the year's dates
(bot/registers.py decides both); this package only lays them out. Items an officer withheld
are left out and counted by reason.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, TextIO

from sqlmodel import Session

from bot.export import FILE_ERRORS, _operator, explain, replacing, write_csv_file
from bot.publish.pages import (
    PUBLICATIONS,
    Page,
    Part,
    Publication,
    entries,
    filter_values,
    part_name,
    render_index,
    render_register,
    render_rows,
)
from bot.registers import office_timezone
from bot.rules.financial_year import FinancialYear
from bot.settings import Policy
from storage import audit
from storage.db import Database

# Rows on one HTML page: a table a phone opens and scrolls without trouble. A larger register
# is split into numbered pages with links between them; its CSV stays whole.
PAGE_ROWS = 1000


@dataclass
class _Written:
    """A register whose CSV is written and whose pages' rows wait, rendered, in a temporary
    file until the totals their headings show are known."""

    page: Page
    parts: list[tuple[int, int, int, frozenset[str]]]  # offset, length, count, filter values


def _paged(
    records: Iterable[Any],
    *,
    page: Callable[[list[Any]], None],
    page_rows: int,
) -> Iterator[Any]:
    """The records, unchanged, handing each run of `page_rows` (and the rest) to `page`."""
    chunk: list[Any] = []
    pages = 0
    for record in records:
        yield record
        chunk.append(record)
        if len(chunk) == page_rows:
            page(chunk)
            chunk, pages = [], pages + 1
    if chunk or not pages:
        page(chunk)


def _write_register(
    publication: Publication,
    *,
    session: Session,
    csv_file: IO[bytes],
    fragments: IO[bytes],
    common: dict[str, Any],
    page_rows: int,
) -> _Written:
    """Stream the year's public rows once: into the CSV, and a page's worth at a time into
    rendered rows."""
    spec = publication.register
    year: FinancialYear = common["year"]
    columns = spec.columns_for(public=True)
    withheld: Counter[str] = Counter()
    parts: list[tuple[int, int, int, frozenset[str]]] = []

    def keep(chunk: list[Any]) -> None:
        html = render_rows(publication, columns, chunk, common["tz"]).encode("utf-8")
        values = filter_values(publication, columns, chunk, common["tz"])
        parts.append((fragments.tell(), len(html), len(chunk), values))
        fragments.write(html)

    loaded = spec.load(session, year.first_day, year.last_day)
    records = _paged(
        spec.rows_for(loaded, public=True, withheld=withheld), page=keep, page_rows=page_rows
    )
    rows = write_csv_file(csv_file, columns, records)
    page = Page(
        publication=publication,
        columns=columns,
        rows=rows,
        withheld=withheld,
        parts=len(parts),
        **common,
    )
    return _Written(page, parts)


def _write_parts(written: _Written, fragments: IO[bytes], stack: ExitStack, out_dir: Path) -> None:
    page = written.page
    stem = page.publication.stem(page.year)
    first = 1
    for number, (offset, length, count, values) in enumerate(written.parts, start=1):
        fragments.seek(offset)
        rows_html = fragments.read(length).decode("utf-8")
        part = Part(number, first, count, rows_html, values)
        html = render_register(page, part).encode("utf-8")
        stack.enter_context(replacing(out_dir / part_name(stem, number), private=False)).write(html)
        first += count


def _remove_stale_parts(pages: list[Page], out_dir: Path) -> None:
    """Pages left from an earlier, longer register would link to rows no longer published."""
    for page in pages:
        stem = page.publication.stem(page.year)
        for path in out_dir.glob(f"{stem}-*.html"):
            number = path.name[len(stem) + 1 : -len(".html")]
            if number.isdigit() and int(number) > page.parts:
                with suppress(OSError):
                    path.unlink()


def publish(
    db: Database,
    *,
    policy: Policy,
    year: FinancialYear,
    out_dir: Path,
    generated: date,
    page_rows: int = PAGE_ROWS,
) -> list[Page]:
    """Write the pages, their CSVs and the index into `out_dir`; return the pages.

    The rows are read once, in batches, and written as they pass: memory stays that of one
    page whatever the register's size. Every file is written beside its final name first; the
    audit entry is committed, and only then do all the files take their names, so the trail
    knows of every publication and a failure part way leaves the directory as it was.
    """
    common = {
        "year": year,
        "office": policy.office_name,
        "generated": generated,
        "tz": policy.tz,
    }
    with ExitStack() as stack:
        written: list[_Written] = []
        fragments = stack.enter_context(tempfile.TemporaryFile())
        # Columns dated by a moment read the office's time zone when the rows are written, as
        # in `register export`, so the page and its CSV say the same day as the export.
        with db.session() as session, office_timezone(policy.tz):
            for publication in PUBLICATIONS:
                if not publication.published(policy):
                    continue
                stem = publication.stem(year)
                csv_file = stack.enter_context(replacing(out_dir / f"{stem}.csv", private=False))
                written.append(
                    _write_register(
                        publication,
                        session=session,
                        csv_file=csv_file,
                        fragments=fragments,
                        common=common,
                        page_rows=page_rows,
                    )
                )
            for register in written:
                _write_parts(register, fragments, stack, out_dir)
        pages = [w.page for w in written]
        index = render_index(pages, office=policy.office_name, year=year, generated=generated)
        stack.enter_context(replacing(out_dir / "index.html", private=False)).write(
            index.encode("utf-8")
        )
        with db.session() as session:
            audit.record(
                session,
                action="published",
                year=year.label,
                output=str(out_dir),
                registers={p.publication.register.name: p.rows for p in pages},
                withheld={
                    p.publication.register.name: dict(sorted(p.withheld.items()))
                    for p in pages
                    if p.withheld
                },
                operator=_operator(),
            )
            session.commit()
    _remove_stale_parts(pages, out_dir)
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
    except FILE_ERRORS as exc:
        return explain(exc, err, writing=f"to {out_dir}", reading="the registers")
    for page in pages:
        withheld = sum(page.withheld.values())
        note = f", {entries(withheld)} withheld" if withheld else ""
        name = page.publication.stem(year)
        print(f"Wrote {name}.html and .csv: {entries(page.rows)}{note}.", file=out)
    print(f"Published the {year.label} registers in {out_dir}.", file=out)
    return 0
