"""The App Home's Slack rendering: data in, blocks out, held to Slack's limits by
slack_sdk.models and the fake Slack's contract (the words of every role's Home: tests/ui)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from slack_sdk.models.views import View

from bot.ui import home_model as model
from bot.ui.home import home_screen, unknown_home_screen
from handlers.home.ids import Action, Elsewhere, Pages
from handlers.home.views import MAX_BLOCKS, home_view, unknown_home_view
from tests.fakeslack import contract
from tests.ui.homes import ROLES, TODAY, full_home, own


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


@pytest.mark.parametrize("name", list(ROLES))
def test_every_roles_home_is_a_valid_view_with_the_screens_buttons(name: str) -> None:
    home = ROLES[name].home
    view = checked(home_view(home) if home is not None else unknown_home_view())
    screen = home_screen(home) if home is not None else unknown_home_screen()
    assert action_ids(view) == [b.id for b in screen.buttons()]
