"""The public register as a static, self-contained HTML page (and the index linking them).

Pure functions: a register's public columns and rows in, one HTML document out. Every value
from the database is escaped; the CSS and JavaScript are inlined so the page works offline,
from a file, and with JavaScript off (the controls are added by the script).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
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


def shown_columns(
    publication: Publication, columns: Sequence[Column[Any]]
) -> tuple[tuple[Column[Any], ...], frozenset[str]]:
    """The page's columns: those a reader needs first, in their order, then the rest in
    register order; and the names of the rest, which sit behind "More columns"."""
    by_name = {c.name: c for c in columns}
    first = tuple(by_name[n] for n in publication.first_columns if n in by_name)
    more = tuple(c for c in columns if c not in first)
    return first + more, frozenset(c.name for c in more)


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


def filter_values(
    publication: Publication, columns: Sequence[Column[Any]], records: Iterable[Any], tz: tzinfo
) -> frozenset[str]:
    """The values the drop-down filter offers for these rows, in words (none blank)."""
    column = next((c for c in columns if c.name == publication.filter_column), None)
    if column is None:
        return frozenset()
    return frozenset({shown_text(column, column.get(r), tz)[0] for r in records} - {""})


def _kind_filter(
    columns: Sequence[Column[Any]], values: frozenset[str], publication: Publication
) -> str:
    name = publication.filter_column
    position = next((i for i, c in enumerate(columns) if c.name == name), None)
    if position is None:
        return ""
    column = columns[position]
    options = ['<option value="">All</option>'] + [
        f'<option value="{_e(v)}">{_e(v)}</option>' for v in sorted(values)
    ]
    return (
        f'<div>\n<label for="filter-kind">{_e(label(column, publication.labels))}</label>\n'
        f'<select id="filter-kind" data-column="{position}">{"".join(options)}</select>\n</div>'
    )


def render_rows(
    publication: Publication, columns: Sequence[Column[Any]], records: Iterable[Any], tz: tzinfo
) -> str:
    """Rows of the page's table, columns in the reader's order (see render_register)."""
    ordered, hidden = shown_columns(publication, columns)
    return "\n".join(_row(ordered, r, tz, hidden) for r in records)


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


def _page(
    office: str, year: FinancialYear, generated: date, heading: str, main: str, js: str = ""
) -> str:
    """A published page: the head, header and footer every page shares around its `main`."""
    return Template(_asset("page.html")).substitute(
        office=_e(office[:1].upper() + office[1:]),
        year_label=_e(year.label),
        first_day=_e(long_date(year.first_day)),
        last_day=_e(long_date(year.last_day)),
        generated=_e(long_date(generated)),
        css=_asset("register.css"),
        footer=_e(FOOTER),
        heading=_e(heading),
        main=main,
        script=f"<script>\n{js}\n</script>\n" if js else "",
    )


def _more_columns(publication: Publication, more: Sequence[Column[Any]]) -> str:
    if not more:
        return ""
    names = ", ".join(label(c, publication.labels) for c in more)
    return (
        '<details class="more-columns">\n<summary>More columns</summary>\n'
        f"<p>Shows these columns in the table too: {_e(names)}.</p>\n</details>"
    )


def render_register(page: Page, part: Part) -> str:
    publication = page.publication
    columns, hidden = shown_columns(publication, page.columns)
    more = [c for c in columns if c.name in hidden]
    count = entries(part.count)
    if page.parts > 1:
        count = f"{count} on this page, of {page.rows:,} in all"
    main = Template(_asset("register.html")).substitute(
        intro=_e(publication.intro),
        caption=_e(f"{publication.caption}, {page.year.label}"),
        csv_href=_e(f"{publication.stem(page.year)}.csv"),
        withheld=_withheld(page.withheld),
        pages=_part_nav(page, part),
        kind_filter=_kind_filter(columns, part.filter_values, publication),
        count_text=_e(f"{count}."),
        more_columns=_more_columns(publication, more),
        headers="".join(_header(c, publication, hidden) for c in columns),
        rows=part.rows_html,
    )
    js = _asset("register.js")
    return _page(page.office, page.year, page.generated, publication.heading, main, js)


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
    main = Template(_asset("index.html")).substitute(items="\n".join(items))
    return _page(office, year, generated, "Published registers", main)
