"""The public register as a static, self-contained HTML page (and the index linking them).

Pure functions: a register's public columns and rows in, one HTML document out. Every value
from the database is escaped; the CSS and JavaScript are inlined so the page works offline,
from a file, and with JavaScript off (the controls are added by the script).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from html import escape
from importlib.resources import files
from string import Template
from typing import Any

from bot.export import csv_text
from bot.registers import GIFTS, INTERESTS, Column, ColumnType, Register, Value
from bot.rules.financial_year import FinancialYear
from bot.rules.withholding import withheld_sentence
from bot.settings import Policy

FOOTER = (
    "Published under the Elected Local Policing Bodies (Specified Information) Order 2011. "
    "Requests for information not published here are dealt with under the Freedom of "
    "Information Act 2000."
)

# Column headings where "value_gbp".capitalize() would not read well.
LABELS = {"value_gbp": "Value (£)", "decided_at": "Decided", "staff_name": "Name"}


@dataclass(frozen=True)
class Publication:
    """One register as the public sees it."""

    register: Register[Any]
    slug: str  # the file name's stem, before the year
    heading: str
    intro: str
    caption: str
    filter_column: str  # offered as a drop-down filter beside the text search
    sorted_by: str  # the column the loader orders rows by (shown as the initial sort)
    published: Callable[[Policy], bool]

    def stem(self, year: FinancialYear) -> str:
        return f"{self.slug}-{year_slug(year)}"


PUBLICATIONS: tuple[Publication, ...] = (
    Publication(
        register=GIFTS,
        slug="gifts-and-hospitality",
        heading="Register of gifts and hospitality",
        intro="Every offer of a gift or hospitality made to a member of staff, whether it was "
        "accepted or declined, with its value and the decision on it.",
        caption="Gifts and hospitality offered to staff, oldest offer first",
        filter_column="kind",
        sorted_by="date_offered",
        published=lambda policy: True,
    ),
    Publication(
        register=INTERESTS,
        slug="staff-interests",
        heading="Register of staff interests",
        intro="Financial interests, other commitments and political activity that members of "
        "staff have declared.",
        caption="Interests declared by staff, in the order declared",
        filter_column="category",
        sorted_by="declared_on",
        published=lambda policy: policy.publish_interests,
    ),
)


def year_slug(year: FinancialYear) -> str:
    """2026/27 as a file name can hold it: 2026-27."""
    return year.label.replace("/", "-")


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def label(column: Column[Any]) -> str:
    return LABELS.get(column.name, column.name.replace("_", " ").capitalize())


def is_numeric(column: Column[Any]) -> bool:
    return column.type in (ColumnType.MONEY, ColumnType.NUMBER)


def cell_text(column_type: ColumnType, value: Value, tz: tzinfo) -> tuple[str, str | None]:
    """What a cell shows, and the key it sorts by when the text alone would sort wrongly."""
    if value is None:
        return "", None
    if column_type is ColumnType.MONEY:
        assert isinstance(value, int)
        return f"£{value // 100:,}.{value % 100:02d}", str(value)
    if column_type is ColumnType.DATETIME:
        assert isinstance(value, datetime)
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value
        # The key is the CSV's own text (UTC, whole seconds): no more than the export shows.
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M"), csv_text(column_type, moment)
    if column_type is ColumnType.DATE:
        assert isinstance(value, date)
        return value.isoformat(), None
    if column_type is ColumnType.BOOL:
        return ("yes" if value else "no"), None
    if column_type is ColumnType.NUMBER:
        return str(value), str(value)
    return str(value), None  # shown as typed (the CSV guards formulas; a page needs no guard)


@cache
def _asset(name: str) -> str:
    return files("bot.publish").joinpath("templates", name).read_text(encoding="utf-8")


def _template(name: str) -> Template:
    return Template(_asset(name))


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _header(column: Column[Any], sorted_by: str) -> str:
    attrs = ' scope="col"'
    if is_numeric(column):
        attrs += ' class="num" data-type="number"'
    if column.name == sorted_by:
        attrs += ' aria-sort="ascending"'
    return f"<th{attrs}>{_e(label(column))}</th>"


def _row(columns: Sequence[Column[Any]], record: Any, tz: tzinfo) -> str:
    cells = []
    for index, column in enumerate(columns):
        text, key = cell_text(column.type, column.get(record), tz)
        attrs = f' data-sort="{_e(key)}"' if key is not None else ""
        if is_numeric(column):
            attrs += ' class="num"'
        elif column.name == "description":
            attrs += ' class="description"'
        # The first column (the reference) names the row for screen readers.
        tag, scope = ("th", ' scope="row"') if index == 0 else ("td", "")
        cells.append(f"<{tag}{scope}{attrs}>{_e(text)}</{tag}>")
    return "<tr>" + "".join(cells) + "</tr>"


def filter_values(
    columns: Sequence[Column[Any]], records: Iterable[Any], name: str, tz: tzinfo
) -> frozenset[str]:
    """The values the drop-down filter offers for these rows (none blank)."""
    column = next((c for c in columns if c.name == name), None)
    if column is None:
        return frozenset()
    return frozenset({cell_text(column.type, column.get(r), tz)[0] for r in records} - {""})


def _kind_filter(columns: Sequence[Column[Any]], values: frozenset[str], name: str) -> str:
    position = next((i for i, c in enumerate(columns) if c.name == name), None)
    if position is None:
        return ""
    column = columns[position]
    options = ['<option value="">All</option>'] + [
        f'<option value="{_e(v)}">{_e(v)}</option>' for v in sorted(values)
    ]
    return (
        f'<div>\n<label for="filter-kind">{_e(label(column))}</label>\n'
        f'<select id="filter-kind" data-column="{position}">{"".join(options)}</select>\n</div>'
    )


def render_rows(columns: Sequence[Column[Any]], records: Iterable[Any], tz: tzinfo) -> str:
    return "\n".join(_row(columns, r, tz) for r in records)


def entries(count: int) -> str:
    return "1 entry" if count == 1 else f"{count} entries"


def _withheld(withheld: Counter[str]) -> str:
    if not withheld:
        return ""
    items = "".join(
        f"<li>{_e(withheld_sentence(count, reason))}.</li>"
        for reason, count in sorted(withheld.items())
    )
    return (
        '<section class="withheld" aria-labelledby="withheld-heading">\n'
        '<h2 id="withheld-heading">Entries not published</h2>\n'
        f"<ul>{items}</ul>\n"
        "</section>"
    )


@dataclass(frozen=True)
class Page:
    """A register as published: its public columns, how many rows it has (each part shows
    some of them) and what was withheld."""

    publication: Publication
    year: FinancialYear
    office: str
    generated: date
    columns: tuple[Column[Any], ...]
    rows: int
    withheld: Counter[str]
    tz: tzinfo
    parts: int = 1


@dataclass(frozen=True)
class Part:
    """One HTML page of a register: a run of its rows, already rendered, so a register of
    any size is written a page at a time (`register publish` splits it for a phone)."""

    number: int  # from 1
    first_row: int  # from 1
    count: int
    rows_html: str
    filter_values: frozenset[str]


def part_name(stem: str, number: int) -> str:
    """The first page keeps the register's own name; later ones add their number."""
    return f"{stem}.html" if number == 1 else f"{stem}-{number}.html"


def _part_nav(page: Page, part: Part) -> str:
    if page.parts == 1:
        return ""
    stem = page.publication.stem(page.year)
    last_row = part.first_row + part.count - 1
    links = []
    for text, number, rel in (
        ("First page", 1, ""),
        ("Previous page", part.number - 1, ' rel="prev"'),
        ("Next page", part.number + 1, ' rel="next"'),
        ("Last page", page.parts, ""),
    ):
        if 1 <= number <= page.parts and number != part.number:
            links.append(f'<li><a href="{_e(part_name(stem, number))}"{rel}>{text}</a></li>')
    return (
        '\n<nav class="pages" aria-label="Pages of this register">\n'
        f"<p>Page {part.number} of {page.parts}: entries {part.first_row:,} to {last_row:,} "
        f"of {page.rows:,}. The search and filter work within this page; the CSV has every "
        "entry.</p>\n"
        f"<ul>{''.join(links)}</ul>\n</nav>"
    )


def _common(office: str, year: FinancialYear, generated: date) -> dict[str, str]:
    return {
        "office": _e(office[:1].upper() + office[1:]),
        "year_label": _e(year.label),
        "first_day": _e(long_date(year.first_day)),
        "last_day": _e(long_date(year.last_day)),
        "generated": _e(long_date(generated)),
        "css": _asset("register.css"),
        "footer": _e(FOOTER),
    }


def render_register(page: Page, part: Part) -> str:
    publication, columns = page.publication, page.columns
    count = entries(part.count)
    if page.parts > 1:
        count = f"{count} on this page, of {page.rows:,} in all"
    return _template("register.html").substitute(
        _common(page.office, page.year, page.generated),
        heading=_e(publication.heading),
        intro=_e(publication.intro),
        caption=_e(f"{publication.caption}, {page.year.label}"),
        csv_href=_e(f"{publication.stem(page.year)}.csv"),
        withheld=_withheld(page.withheld),
        pages=_part_nav(page, part),
        kind_filter=_kind_filter(columns, part.filter_values, publication.filter_column),
        count_text=_e(f"{count}."),
        headers="".join(_header(c, publication.sorted_by) for c in columns),
        rows=part.rows_html,
        js=_asset("register.js"),
    )


def render_index(
    pages: Sequence[Page], *, office: str, year: FinancialYear, generated: date
) -> str:
    items = []
    for page in pages:
        stem = page.publication.stem(year)
        withheld = sum(page.withheld.values())
        note = f", {withheld} withheld" if withheld else ""
        items.append(
            f'<li><a href="{_e(stem)}.html">{_e(page.publication.heading)}</a>: '
            f"{_e(entries(page.rows))}{_e(note)}. "
            f'<a href="{_e(stem)}.csv" type="text/csv">CSV</a></li>'
        )
    return _template("index.html").substitute(
        _common(office, year, generated), items="\n".join(items)
    )
