"""The published register in a real headless Chromium (Debian's `chromium`), with axe-core from
npm (`make browser` installs both). It loads from file:// with no network, sorts, filters,
announces the rows shown, works with JavaScript off, fits a phone, and axe finds no violations.

One browser for the module; each test opens its own context. NOLAN_BROWSER_TESTS=0 skips them.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.publish import publish
from bot.rules.financial_year import FinancialYear
from bot.settings import Policy
from storage.db import Database
from tests.publish_seed import FIRST_GIFT_HEADINGS, seed

if os.environ.get("NOLAN_BROWSER_TESTS") == "0":
    pytest.skip("NOLAN_BROWSER_TESTS=0", allow_module_level=True)

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GIFTS = "gifts-and-hospitality-2026-27.html"
INTERESTS = "staff-interests-2026-27.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2026/27 registers published from the seeded database (SQLite: the page does not
    depend on the database, and a module-wide database must not share the per-test one)."""
    work = tmp_path_factory.mktemp("published")
    db = Database(f"sqlite:///{work}/nolan.db")
    db.migrate()
    seed(db)
    out = work / "site"
    out.mkdir()
    policy = Policy(
        office_name="the Office of the Police & Crime Commissioner", publish_interests=True
    )
    publish(db, policy=policy, year=FinancialYear(2026), out_dir=out, generated=date(2026, 5, 1))
    db.dispose()
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not (shutil.which(CHROMIUM) and AXE.exists()):
        pytest.fail(
            f"the browser tests need {CHROMIUM} and axe-core in {AXE.parent.parent}: run "
            "`make browser` (or set NOLAN_BROWSER_TESTS=0 to skip them)"
        )
    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh temporary profile (--user-data-dir).
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


class Offline:
    """A context that may fetch only local files; every request it saw is kept."""

    def __init__(self, browser: Browser, **options: Any) -> None:
        self.context: BrowserContext = browser.new_context(**options)
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("**/*", self._route)

    @staticmethod
    def _route(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file://", "http://127.0.0.1")):
            route.continue_()
        else:
            route.abort()

    def open(self, path: Path) -> Page:
        page = self.context.new_page()
        page.goto(path.as_uri())
        return page

    def remote_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file://", "http://127.0.0.1"))]


@pytest.fixture
def offline(browser: Browser) -> Iterator[Offline]:
    context = Offline(browser)
    yield context
    context.context.close()


def column(page: Page, index: int) -> list[str]:
    return page.eval_on_selector_all(
        "#register tbody tr:not([hidden])",
        f"rows => rows.map(r => r.cells[{index}].textContent.trim())",
    )


def heading_index(page: Page, text: str) -> int:
    labels = page.eval_on_selector_all(
        "#register thead th", "cells => cells.map(c => c.textContent.trim())"
    )
    return labels.index(text)


def test_loads_without_the_network(offline: Offline, site: Path) -> None:
    page = offline.open(site / GIFTS)
    assert page.title().startswith("Register of gifts and hospitality 2026/27")
    assert page.locator("html").get_attribute("lang") == "en-GB"
    assert page.locator("#register tbody tr").count() == 4
    # The hostile offeror is text on the page, not an image fetched from elsewhere.
    assert page.get_by_text('<img src="https://tracker.example/x.png"', exact=False).count() == 1
    offline.open(site / "index.html").click(f'a[href="{INTERESTS}"]')
    assert offline.remote_requests() == []
    assert any(u.endswith(INTERESTS) for u in offline.requests)


def test_sorting_a_column_reorders_rows_and_sets_aria_sort(offline: Offline, site: Path) -> None:
    page = offline.open(site / GIFTS)
    value = heading_index(page, "Value (£)")
    assert column(page, value) == ["£25.00", "£80.00", "£12.50", "£1,234.56"]
    header = page.locator("#register thead th").nth(value)
    header.get_by_role("button", name="Value (£)").click()
    assert column(page, value) == ["£12.50", "£25.00", "£80.00", "£1,234.56"]  # by pence
    assert header.get_attribute("aria-sort") == "ascending"
    date_header = page.locator("#register thead th").nth(heading_index(page, "Date offered"))
    assert date_header.get_attribute("aria-sort") is None  # only one column says it is sorted
    header.get_by_role("button").click()
    assert column(page, value) == ["£1,234.56", "£80.00", "£25.00", "£12.50"]
    assert header.get_attribute("aria-sort") == "descending"
    name = heading_index(page, "Name")
    page.get_by_role("button", name="Name").click()
    ben = "Ben <b>Bold</b> & Co"
    assert column(page, name) == ["Ann Ébrard", "Ann Ébrard", ben, ben]


def test_filtering_hides_rows_and_announces_the_count(offline: Offline, site: Path) -> None:
    page = offline.open(site / GIFTS)
    status = page.get_by_role("status")
    assert status.get_attribute("aria-live") == "polite"
    search = page.get_by_label("Search the entries")
    search.fill("acme")
    assert column(page, heading_index(page, "Offered by")) == ["Acme Ltd"]
    assert status.text_content() == "Showing 1 of 4 entries."
    search.fill("")
    assert status.text_content() == "Showing all 4 entries."
    page.get_by_label("Gift or hospitality").select_option("Hospitality")
    assert column(page, heading_index(page, "Gift or hospitality")) == ["Hospitality"] * 2
    assert status.text_content() == "Showing 2 of 4 entries."
    search.fill("zeta events")  # every word, in any cell of the row
    assert status.text_content() == "Showing 1 of 4 entries."
    search.press("Enter")  # the search form never reloads the page
    assert page.url.endswith(GIFTS)
    assert status.text_content() == "Showing 1 of 4 entries."


def test_the_whole_table_is_there_without_javascript(browser: Browser, site: Path) -> None:
    context = Offline(browser, java_script_enabled=False)
    try:
        page = context.open(site / GIFTS)
        assert page.locator("#register tbody tr").count() == 4
        assert page.locator("#filters").is_hidden()  # controls that could not work
        assert page.locator("#register thead button").count() == 0
        assert page.get_by_role("status").text_content() == "4 entries."
        assert page.get_by_role("link", name="Download this register as CSV").get_attribute(
            "href"
        ) == GIFTS.replace(".html", ".csv")
    finally:
        context.context.close()


def test_coded_values_read_as_words(offline: Offline, site: Path) -> None:
    page = offline.open(site / GIFTS)
    page.get_by_text("More columns").click()
    shown = page.locator("#register tbody").inner_text()
    for word in ("Hospitality", "Declined", "Contractor or supplier"):
        assert word in shown
    cells = page.eval_on_selector_all(
        "#register tbody td", "cells => cells.map(c => c.textContent.trim())"
    )
    for code in ("gift", "hospitality", "declined", "contractor", "item", "wants to accept"):
        assert code not in cells  # never a bare code where a word was meant


def _right_edges(page: Page) -> dict[str, float | None]:
    """Each heading's right edge on screen (None: not shown)."""
    return page.eval_on_selector_all(
        "#register thead th",
        "cells => Object.fromEntries(cells.map(c => [c.textContent.trim(),"
        " c.offsetParent === null ? null : c.getBoundingClientRect().right]))",
    )


@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no scripts"])
def test_the_first_columns_fit_1280_px_and_more_columns_open(
    browser: Browser, site: Path, scripts: bool
) -> None:
    context = Offline(browser, viewport={"width": 1280, "height": 800}, java_script_enabled=scripts)
    try:
        page = context.open(site / GIFTS)
        edges = _right_edges(page)
        assert list(edges)[:7] == FIRST_GIFT_HEADINGS
        for heading in FIRST_GIFT_HEADINGS:
            right = edges[heading]
            assert right is not None and right <= 1280, (heading, edges)
        assert all(edges[h] is None for h in list(edges)[7:])  # behind "More columns"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        page.get_by_text("More columns").click()  # a <details>: works without scripts
        opened = _right_edges(page)
        assert all(opened[h] is not None for h in ("Reference", "Relationship", "Status"))
    finally:
        context.context.close()


def test_fits_a_phone(browser: Browser, site: Path) -> None:
    context = Offline(browser, viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        page = context.open(site / GIFTS)
        # The table scrolls inside its own region; the page itself does not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.evaluate(
            "document.querySelector('.table-wrap').scrollWidth >"
            " document.querySelector('.table-wrap').clientWidth"
        )
        assert page.get_by_label("Search the entries").is_visible()
    finally:
        context.context.close()


@pytest.mark.parametrize("name", [GIFTS, INTERESTS, "index.html"])
def test_axe_finds_no_violations(offline: Offline, site: Path, name: str) -> None:
    page = offline.open(site / name)
    if name == GIFTS:  # check the page with its controls in use, too
        page.get_by_role("button", name="Offered by").click()
        page.get_by_label("Search the entries").fill("ltd")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document).then(r => ({violations: r.violations.map(v =>"
        " ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.html)})), passes: r.passes.length}))"
    )
    assert result["violations"] == [], json.dumps(result["violations"], indent=1)
    assert result["passes"] > 10  # axe really ran its rules
    assert offline.remote_requests() == []
