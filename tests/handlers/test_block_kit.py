"""The Block Kit sent unvalidated (bot.block_kit) is exactly slack_sdk's validated
`to_dict()`: every role's Home, cards and modals."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    Option,
    RichTextBlock,
    RichTextSectionElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.block_kit import plain
from bot.rules.risk import Code, RiskFlag
from bot.ui.approval import ApprovalCard, approval_card, moved_card
from handlers import slack_ui
from handlers.home.views import home_view, unknown_home_view
from tests.block_kit import validated
from tests.ui.homes import ROLES, full_home

AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", sorted(ROLES))
def test_every_roles_home_is_sent_as_validated(name: str) -> None:
    home = ROLES[name].home
    view = home_view(home) if home is not None else unknown_home_view()
    assert plain(view) == view.to_dict()


def test_the_fullest_and_the_unknown_home() -> None:
    for view in (home_view(full_home()), unknown_home_view()):
        assert plain(view) == view.to_dict()


def test_cards_with_buttons_confirms_flags_and_decisions() -> None:
    card = ApprovalCard(
        step_id=7,
        reference="G-2026-0001",
        heading="Gift offered to Ann Example",
        facts=[("Who", "Ann Example"), ("Offered by", "Acme <Ltd>")],
        details=[("Description", "A pen & a diary"), ("Why", "")],
        warnings=["Declared as of use at work."],
        history=["G-2025-0003: a lunch from Acme (approved)"],
        flags=[RiskFlag.of(next(iter(Code)), "3 offers from Acme in 12 months")],
        note="You are deciding this as deputy for *Bob*.",
    )
    decided = replace(card, status="approved", decided_by="Manny", decided_at=AT, reason="ok")
    for drawn in (approval_card(card), approval_card(decided), moved_card(card, "Bo", "leave")):
        blocks = slack_ui.message(drawn).blocks
        assert blocks and plain(blocks) == validated(blocks)


def test_options_confirms_and_the_empty_lists_slack_allows() -> None:
    confirm = ConfirmObject(title="Sure?", text="It cannot be undone.", confirm="Yes", deny="No")
    options = [Option(value="a", label="A"), Option(value="b", label="B", description="bee")]
    blocks = [
        ActionsBlock(
            block_id="x",
            elements=[
                ButtonElement(text="Go", action_id="go", value="1", confirm=confirm),
                StaticSelectElement(action_id="pick", options=options, initial_option=options[1]),
            ],
        ),
        RichTextBlock(elements=[RichTextSectionElement(elements=[])]),
    ]
    view = View(type="modal", title="A form", blocks=blocks, close="Close")
    assert plain(view) == view.to_dict()
    assert plain(view)["blocks"][1]["elements"] == [{"type": "rich_text_section", "elements": []}]


def test_what_slack_would_refuse_still_fails_in_tests() -> None:
    too_long = ButtonElement(text="x" * 100, action_id="go")
    with pytest.raises(Exception, match="text"):
        validated([too_long])
