"""The PDF's text pages: long tables continue onto further pages rather than being cut off,
and people's text (an offeror's name, a policy's title, the office) is drawn as written."""

from __future__ import annotations

import io
from datetime import date

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.report.render import tables, text_pages, to_html, write_pdf
from bot.report.summary import KINDS, Overdue, RepeatOfferor, Summary
from bot.rules.financial_year import FinancialYear

STATUSES = ("approved", "declined", "refused", "recorded", "noted", "pending", "withdrawn")


def long_summary(*, offeror: str = "Acme Ltd", policy: str = "Gifts policy") -> Summary:
    """~25 items waiting, a row per kind and status, several repeat offerors: more than a
    page of tables."""
    return Summary(
        year=FinancialYear(2026),
        as_of=date(2026, 11, 22),
        volumes={kind: {s: n + 1 for n, s in enumerate(STATUSES)} for kind in KINDS},
        asked_to_accept=10,
        accepted=7,
        decision_days=(1.0, 2.0, 5.0),
        decisions_by_month=(),
        overdue=tuple(Overdue(f"OW-{n:04d}", "outside_work", 40 - n) for n in range(25)),
        repeat_offerors=(
            RepeatOfferor(offeror, 5, 50_000),
            *(RepeatOfferor(f"Supplier {n}", 3, 1_000) for n in range(6)),
        ),
        vetting_lapsed=2,
        policies_overdue=(policy, "Whistleblowing policy"),
    )


def texts(page: Figure) -> list[str]:
    return [t.get_text() for t in page.texts]


def test_long_tables_continue_onto_further_pages_with_nothing_left_out() -> None:
    summary = long_summary()
    pages = text_pages(summary, "Office of the PCC")
    assert len(pages) >= 2
    shown = [text for page in pages for text in texts(page)]
    for table in tables(summary):
        assert table.caption in shown, table.caption
        for row in table.rows:  # every row, not the first twenty
            assert row[0] in shown, row
    assert sum(text.startswith("OW-") for text in shown) == 25
    # A table carried over says so and repeats its column headings.
    continued = [t for t in shown if t.endswith("(continued)")]
    assert continued
    for page in pages[1:]:
        lines = texts(page)
        if lines[0].endswith("(continued)"):
            caption = lines[0].removesuffix(" (continued)")
            [table] = [t for t in tables(summary) if t.caption == caption]
            assert lines[1 : 1 + len(table.headers)] == list(table.headers)


def test_no_text_runs_off_the_foot_of_a_page() -> None:
    for page in text_pages(long_summary(), "Office of the PCC"):
        renderer = FigureCanvasAgg(page).get_renderer()
        height = page.bbox.height
        for text in page.texts:
            box = text.get_window_extent(renderer)
            assert box.y0 >= 0.03 * height and box.y1 <= height, text.get_text()


def test_the_pdf_has_every_text_page() -> None:
    summary = long_summary()
    stream = io.BytesIO()
    count = write_pdf(stream, summary, [], office="Office of the PCC")
    assert count == len(text_pages(summary, "Office of the PCC")) >= 2
    assert stream.getvalue().startswith(b"%PDF")


@pytest.mark.parametrize("name", ["Cash $$ Ltd", "Pay $5 or $10 Ltd", r"$\frac{a}{b}$"])
def test_dollar_signs_in_peoples_text_are_drawn_as_written(name: str) -> None:
    summary = long_summary(offeror=name, policy=f"{name} policy")
    office = f"Office {name}"
    stream = io.BytesIO()
    write_pdf(stream, summary, [], office=office)  # matplotlib's TeX parser would raise
    pages = text_pages(summary, office)
    drawn = [t for page in pages for t in page.texts]
    for expected in (name, f"{name} policy"):
        [text] = [t for t in drawn if t.get_text() == expected]
        assert text.get_parse_math() is False
    assert any(office in " ".join(t.get_text().split()) for t in drawn)  # the title, wrapped
    assert all(t.get_parse_math() is False for t in drawn)
    assert "Cash $$ Ltd" in to_html(long_summary(offeror="Cash $$ Ltd"), [], office="O")


def test_a_long_name_is_cut_short_before_the_next_column() -> None:
    name = "The Very Long Name of a Regional Facilities Management Partnership Ltd"
    pages = text_pages(long_summary(offeror=name), "Office of the PCC")
    for page in pages:
        renderer = FigureCanvasAgg(page).get_renderer()
        for text in page.texts:
            if text.get_text().startswith("The Very Long"):
                offers = next(t for t in page.texts if t.get_text() == "Offers")
                assert text.get_text().endswith("…")
                right = text.get_window_extent(renderer).x1
                assert right < offers.get_window_extent(renderer).x0
                return
    raise AssertionError("the offeror is not on any page")
