"""The public register as a static, self-contained HTML page (and the index linking them).

Pure functions: a register's public columns and rows in, one HTML document out. Every value
from the database is escaped; the CSS and JavaScript are inlined so the page works offline,
from a file, and with JavaScript off (the controls are added by the script).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
from bot.rules.words import (
    gift_type_word,
    offer_kind_word,
    relationship_word,
    response_word,
    status_word,
)
from bot.settings import Policy

FOOTER = (
    "Published under the Elected Local Policing Bodies (Specified Information) Order 2011. "
    "Requests for information not published here are dealt with under the Freedom of "
    "Information Act 2000."
)

# Column headings where "value_gbp".capitalize() would not read well.
LABELS = {"value_gbp": "Value (£)", "decided_at": "Decided", "staff_name": "Name"}

# Coded values shown in the words the Slack cards use ("Contractor or supplier", not
# "contractor"); the CSV beside the page keeps the codes, for spreadsheets.
WORDS: dict[str, Callable[[str], str]] = {
    "kind": offer_kind_word,
    "gift_type": gift_type_word,
    "relationship": relationship_word,
    "response": response_word,
    "status": status_word,
    "disposal": status_word,
}


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
    # What a reader needs first, in this order, always shown; the rest of the public
    # columns sit behind "More columns".
    first_columns: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)  # headings for this page

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
        first_columns=(
            "date_offered",
            "staff_name",
            "offered_by",
            "kind",
            "description",
            "value_gbp",
            "response",
        ),
        labels={
            "kind": "Gift or hospitality",
            "description": "What was offered",
            "response": "Accepted or declined",
        },
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
        first_columns=(
            "declared_on",
            "staff_name",
            "category",
            "organisation",
            "description",
            "started_on",
            "ended_on",
        ),
    ),
)


def year_slug(year: FinancialYear) -> str:
    """2026/27 as a file name can hold it: 2026-27."""
    return year.label.replace("/", "-")


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def label(column: Column[Any], labels: Mapping[str, str] | None = None) -> str:
    name = column.name
    return (labels or {}).get(name) or LABELS.get(name) or name.replace("_", " ").capitalize()


def page_columns(
    publication: Publication, columns: Sequence[Column[Any]]
) -> tuple[tuple[Column[Any], ...], tuple[Column[Any], ...]]:
    """The columns shown first, in the reader's order, and the rest in register order."""
    by_name = {c.name: c for c in columns}
    first = tuple(by_name[n] for n in publication.first_columns if n in by_name)
    return first, tuple(c for c in columns if c not in first)


def shown_text(column: Column[Any], value: Value, tz: tzinfo) -> tuple[str, str | None]:
    """cell_text, with a coded value in words."""
    text, key = cell_text(column.type, value, tz)
    words = WORDS.get(column.name)
    return (words(text) if words and text else text), key


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


def _classes(column: Column[Any], more: frozenset[str]) -> str:
    names = ["num"] if is_numeric(column) else []
    if column.name == "description":
        names.append("description")
    if column.name in more:
        names.append("more")  # hidden until "More columns" is opened (CSS, no script)
    return f' class="{" ".join(names)}"' if names else ""


def _header(column: Column[Any], publication: Publication, more: frozenset[str]) -> str:
    attrs = f' scope="col" data-column="{_e(column.name)}"{_classes(column, more)}'
    if is_numeric(column):
        attrs += ' data-type="number"'
    if column.name == publication.sorted_by:
        attrs += ' aria-sort="ascending"'
    return f"<th{attrs}>{_e(label(column, publication.labels))}</th>"


def _row(
    columns: Sequence[Column[Any]], record: Any, tz: tzinfo, more: frozenset[str] = frozenset()
) -> str:
    cells = []
    for index, column in enumerate(columns):
        text, key = shown_text(column, column.get(record), tz)
        attrs = f' data-sort="{_e(key)}"' if key is not None else ""
        attrs += _classes(column, more)
        # The first column names the row for screen readers.
        tag, scope = ("th", ' scope="row"') if index == 0 else ("td", "")
        cells.append(f"<{tag}{scope}{attrs}>{_e(text)}</{tag}>")
    return "<tr>" + "".join(cells) + "</tr>"


def _kind_filter(
    columns: Sequence[Column[Any]], records: Sequence[Any], publication: Publication, tz: tzinfo
) -> str:
    name = publication.filter_column
    position = next((i for i, c in enumerate(columns) if c.name == name), None)
    if position is None:
        return ""
    column = columns[position]
    values = sorted({shown_text(column, column.get(r), tz)[0] for r in records} - {""})
    options = ['<option value="">All</option>'] + [
        f'<option value="{_e(v)}">{_e(v)}</option>' for v in values
    ]
    return (
        f'<div>\n<label for="filter-kind">{_e(label(column, publication.labels))}</label>\n'
        f'<select id="filter-kind" data-column="{position}">{"".join(options)}</select>\n</div>'
    )


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
    """What a register's page shows: its public columns and rows, and what was withheld."""

    publication: Publication
    year: FinancialYear
    office: str
    generated: date
    columns: tuple[Column[Any], ...]
    records: tuple[Any, ...]
    withheld: Counter[str]
    tz: tzinfo


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


def _more_columns(publication: Publication, more: Sequence[Column[Any]]) -> str:
    if not more:
        return ""
    names = ", ".join(label(c, publication.labels) for c in more)
    return (
        '<details class="more-columns">\n<summary>More columns</summary>\n'
        f"<p>Shows these columns in the table too: {_e(names)}.</p>\n</details>"
    )


def render_register(page: Page) -> str:
    publication = page.publication
    first, more = page_columns(publication, page.columns)
    columns, hidden = first + more, frozenset(c.name for c in more)
    return _template("register.html").substitute(
        _common(page.office, page.year, page.generated),
        heading=_e(publication.heading),
        intro=_e(publication.intro),
        caption=_e(f"{publication.caption}, {page.year.label}"),
        csv_href=_e(f"{publication.stem(page.year)}.csv"),
        withheld=_withheld(page.withheld),
        kind_filter=_kind_filter(columns, page.records, publication, page.tz),
        count_text=_e(f"{entries(len(page.records))}."),
        more_columns=_more_columns(publication, more),
        headers="".join(_header(c, publication, hidden) for c in columns),
        rows="\n".join(_row(columns, r, page.tz, hidden) for r in page.records),
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
            f"{_e(entries(len(page.records)))}{_e(note)}. "
            f'<a href="{_e(stem)}.csv" type="text/csv">CSV</a></li>'
        )
    return _template("index.html").substitute(
        _common(office, year, generated), items="\n".join(items)
    )
