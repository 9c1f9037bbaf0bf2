"""The App Home's rendering: data in, blocks out, held to Slack's limits by slack_sdk.models
and the fake Slack's contract."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from slack_sdk.models.views import View

from handlers.home import model
from handlers.home.ids import Action, Elsewhere, Pages
from handlers.home.views import (
    MAX_BLOCKS,
    annual_line,
    home_view,
    unknown_home_view,
    vetting_line,
)
from tests.fakeslack import contract

TODAY = date(2026, 11, 20)


def own(i: int, **kw: object) -> model.OwnItem:
    values: dict[str, object] = {
        "declaration_id": i,
        "reference": f"GH-{i:05d}",
        "kind": "Gift or hospitality",
        "what": f"the hospitality from Acme <b>{i}</b>",
        "declared_on": TODAY,
        "status": "Waiting for a decision",
        "waiting_on": ("Manny Manager",),
    }
    values.update(kw)
    return model.OwnItem(**values)  # type: ignore[arg-type]


def waiting(i: int) -> model.WaitingItem:
    return model.WaitingItem(
        step_id=i,
        reference=f"GH-{i:05d}",
        purpose="authorise",
        what="the hospitality from Acme",
        declarant="Alice Able",
        since=TODAY,
        working_days=i % 5,
    )


def longwait(i: int) -> model.LongWait:
    return model.LongWait(f"GH-{i:05d}", "Gift or hospitality", "Alice", "Manny", TODAY, 3)


def flagged(i: int) -> model.FlaggedItem:
    many = [("Repeated offers", "x" * 600)] * 6  # clipped, not refused
    return model.FlaggedItem(1000 + i, f"GH-{i:05d}", "Gift or hospitality", "Alice", TODAY, many)


def full_home(pages: Pages | None = None) -> model.Home:
    """Every section at its fullest page: an officer who approves, with long lists."""
    pages = pages or Pages(mine=1, waiting=1, longest=1, flags=1)
    return model.Home(
        name="Morgan Monitor",
        today=TODAY,
        mine=model.Page([own(i) for i in range(10)], pages.mine, 10, 150),
        code_url="https://example.org/code",
        code_title="Code of Conduct",
        vetting=model.Vetting("NPPV3", date(2026, 12, 1), 11, 90),
        annual=model.Annual(due=True, answer_by=date(2027, 4, 29)),
        approver=True,
        waiting=model.Page([waiting(i) for i in range(10)], pages.waiting, 10, 80),
        delegation=model.Delegation("Eve Other", TODAY, date(2026, 11, 30)),
        officer=model.Officer(
            counts=model.Counts("2026/27", {"Gift or hospitality": {"Approved": 4, "Declined": 1}}),
            longest=model.Page([longwait(i) for i in range(10)], pages.longest, 10, 40),
            flagged=model.Page([flagged(i) for i in range(10)], pages.flags, 10, 35),
        ),
        pages=pages,
    )


def checked(view: View) -> dict[str, object]:
    """Validated by slack_sdk.models and by the fake Slack's contract for views.publish."""
    view.validate_json()
    as_dict = view.to_dict()
    assert not contract.view_problems(as_dict, "home", "home")
    return as_dict


def action_ids(view: dict[str, object]) -> list[str]:
    ids = []
    for block in view["blocks"]:  # type: ignore[attr-defined]
        elements = block.get("elements", []) if block["type"] == "actions" else []
        if block.get("accessory"):
            elements = [block["accessory"]]
        ids += [e["action_id"] for e in elements if "action_id" in e]
    return ids


def test_the_fullest_home_fits_slacks_limits() -> None:
    view = checked(home_view(full_home()))
    assert len(view["blocks"]) <= MAX_BLOCKS  # type: ignore[arg-type]
    ids = action_ids(view)
    assert ids.count(Elsewhere.RECORD) == 20  # own declarations, and flagged ones
    assert ids.count("decide_approved") == 10
    assert Elsewhere.SEARCH in ids and Elsewhere.EXPORT in ids
    assert Action.END_DELEGATION in ids
    # Each list pages both ways from page 2.
    assert ids.count(Action.MORE) == 4 and ids.count(Action.PREVIOUS) == 4


def test_paging_buttons_carry_the_other_lists_pages() -> None:
    view = checked(home_view(full_home(Pages(mine=2, waiting=0, longest=1, flags=0))))
    values = [
        json.loads(e["value"])
        for b in view["blocks"]  # type: ignore[attr-defined]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] in (Action.MORE, Action.PREVIOUS)
    ]
    assert {"mine": 3, "waiting": 0, "longest": 1, "flags": 0} in values
    assert {"mine": 1, "waiting": 0, "longest": 1, "flags": 0} in values
    assert {"mine": 2, "waiting": 1, "longest": 1, "flags": 0} in values
    assert {"mine": 2, "waiting": 0, "longest": 1, "flags": 1} in values


def test_typed_words_are_escaped_and_status_names_who() -> None:
    decided = own(
        7,
        status="Approved",
        waiting_on=(),
        decided_by="Manny Manager",
        decided_at=datetime(2026, 11, 19, 9, tzinfo=UTC),
    )
    home = model.Home(name="Alice", today=TODAY, mine=model.Page([own(1), decided], 0, 10, 2))
    text = json.dumps(checked(home_view(home)))
    assert "&lt;b&gt;1&lt;/b&gt;" in text and "<b>" not in text
    assert "Waiting for a decision from Manny Manager" in text
    assert "Approved by Manny Manager on <!date^" in text
    assert "Waiting for your decision" not in text  # not an approver
    assert "The registers" not in text


@pytest.mark.parametrize(
    ("days_left", "says"),
    [(200, "is valid until"), (30, "renewal is due"), (0, "renewal is due"), (-3, "lapsed on")],
)
def test_vetting_line(days_left: int, says: str) -> None:
    line = vetting_line(model.Vetting("SC", date(2027, 1, 1), days_left, 90))
    assert says in line and "(SC)" in line


def test_annual_line() -> None:
    due = model.Annual(due=True, answer_by=date(2027, 4, 29))
    assert "is due" in annual_line(due, date(2027, 4, 29))
    late = annual_line(due, date(2027, 4, 30))
    assert "is overdue" in late and "29 April 2027" in late
    done = annual_line(
        model.Annual(due=False, answered="confirmed", next_on=date(2027, 4, 1)), TODAY
    )
    assert done == (
        "This year's annual declaration is made (nothing had changed); "
        "the next is due on 1 April 2027."
    )
    # Not yet asked (joined since the last one): the line still says what is due.
    upcoming = annual_line(model.Annual(due=False, next_on=date(2027, 4, 1)), TODAY)
    assert upcoming == "Your annual declaration: the next is due on 1 April 2027."
    assert annual_line(model.Annual(due=False, answered="updated"), TODAY) == (
        "This year's annual declaration is made (you updated it)."
    )


def test_unknown_person_home_has_no_buttons() -> None:
    view = checked(unknown_home_view())
    assert not action_ids(view)
    assert "org chart" in json.dumps(view)


def test_lists_emptied_between_count_and_page_still_render() -> None:
    """The count and the page are two queries: a decision in between leaves a page with no
    items under a total of one, which must not draw an empty section."""
    empty: model.Page[model.LongWait] = model.Page([], 0, 10, 1)
    home = model.Home(
        name="Morgan",
        today=TODAY,
        mine=model.Page([], 0, 10, 1),
        approver=True,
        waiting=model.Page([], 0, 10, 1),
        officer=model.Officer(model.Counts("2026/27", {}), empty),
    )
    text = json.dumps(checked(home_view(home)))
    assert "Nothing is waiting for a decision." in text
    assert "Nothing is waiting for your decision." in text
