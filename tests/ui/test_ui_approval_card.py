"""The approval card, described once (bot/ui/approval.py): as plain text and as Slack blocks
validated by slack_sdk.models, for each moment of a step."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.rules.risk import Code, RiskFlag
from bot.ui.approval import ApprovalCard, approval_card, decision_text_form, moved_card
from bot.ui.payload import Decision, StepRef, decode
from bot.ui.plain import card_text, form_text
from handlers import slack_ui
from tests.fakeslack import contract

CARD = ApprovalCard(
    step_id=7,
    reference="G-2026-0001",
    heading="Gift offered to Ann Example",
    facts=[("Who", "Ann Example"), ("Value", "£40.00"), ("Offered by", "Acme <Ltd>")],
    details=[("Description", "A pen & a diary"), ("Why", "")],
    warnings=["Declared as of use at work."],
    history=["G-2025-0003: a lunch from Acme (approved)"],
    flags=[RiskFlag.of(next(iter(Code)), "3 offers from Acme in 12 months")],
    note="You are deciding this as deputy for *Bob*.",
)


def _blocks(card: ApprovalCard) -> list[dict]:
    message = slack_ui.message(approval_card(card))
    assert contract.message_problems(message.as_kwargs(), "card") == []
    return [b.to_dict() for b in message.blocks]


def test_a_waiting_card_shows_its_decisions_and_a_question() -> None:
    card = approval_card(CARD)
    text = card_text(card)
    assert text.startswith("GIFT OFFERED TO ANN EXAMPLE")
    assert "You are deciding this as deputy for Bob." in text
    assert "Offered by: Acme <Ltd>" in text
    assert "Description:\n  A pen & a diary" in text and "Why:" not in text
    assert "Risk flags:\n  - " in text and "Warning: Declared as of use at work." in text
    assert "[Approve] (asks: Approve: G-2026-0001. The member of staff will be told.)" in text
    assert "[Decline…]" in text and "[Ask a question…]" in text
    assert text.endswith("Reference G-2026-0001")
    assert card.summary == "Decision needed: Gift offered to Ann Example (G-2026-0001)"

    blocks = _blocks(CARD)
    actions = next(b for b in blocks if b["type"] == "actions")
    assert actions["block_id"] == "approval_actions"
    ids = [e["action_id"] for e in actions["elements"]]
    assert ids[0] == "decide_approved" and ids[-1] == "approval_ask_question"
    assert decode(Decision, actions["elements"][0]["value"]) == Decision(
        step_id=7, outcome="approved"
    )
    assert decode(StepRef, actions["elements"][-1]["value"]) == StepRef(step_id=7)
    assert actions["elements"][0]["confirm"]["confirm"]["text"] == "Approve"
    facts = next(b for b in blocks if b.get("fields"))
    assert "Acme &lt;Ltd&gt;" in facts["fields"][2]["text"]


def test_a_decided_card_shows_who_when_and_why_and_no_buttons() -> None:
    at = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
    decided = ApprovalCard(
        **{
            **CARD.__dict__,
            "status": "declined",
            "decided_by": "Cara Boss",
            "decided_at": at,
            "reason": "Too <generous>",
        }
    )
    text = card_text(approval_card(decided))
    assert "Declined by Cara Boss on 04 May 2026 09:30 UTC\n  Too <generous>" in text
    assert "[" not in text
    blocks = _blocks(decided)
    assert not any(b["type"] == "actions" for b in blocks)
    line = blocks[-2]["text"]["text"]
    assert line.startswith("*Declined* by Cara Boss on <!date^")
    assert line.endswith("\n>Too &lt;generous&gt;")


def test_withdrawn_and_for_information_cards() -> None:
    withdrawn = ApprovalCard(**{**CARD.__dict__, "status": "withdrawn"})
    assert "🗑 Withdrawn by the member of staff" in card_text(approval_card(withdrawn))
    inform = ApprovalCard(**{**CARD.__dict__, "purpose": "inform", "step_id": None})
    text = card_text(approval_card(inform))
    assert "For your information: no decision is needed." in text and "[" not in text
    assert _blocks(inform)[-2]["elements"][0]["text"] == (
        "For your information: no decision is needed."
    )


def test_a_moved_card_says_where_it_went() -> None:
    card = moved_card(CARD, "Dee <Deputy>", "on leave")
    assert card_text(card) == (
        "GIFT OFFERED TO ANN EXAMPLE\n→ Now with Dee <Deputy>: on leave\nReference G-2026-0001"
    )
    message = slack_ui.message(card)
    assert contract.message_problems(message.as_kwargs(), "moved") == []
    assert message.text == "Gift offered to Ann Example (G-2026-0001): now with Dee <Deputy>"


def test_the_decision_text_form_round_trips() -> None:
    form = decision_text_form(7, "declined", "authorise", "G-2026-0001")
    text = form_text(form, {"text": "Please say why."})
    assert "G-2026-0001" in text and "[long text; required; at most 1000 characters]" in text
    assert "  ! Please say why." in text
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "decision", "modal") == []
    assert view["callback_id"] == "approval_decision_text"
    assert decode(Decision, view["private_metadata"]) == Decision(step_id=7, outcome="declined")
    block = view["blocks"][1]
    assert (block["block_id"], block["element"]["action_id"]) == ("text", "text_input")
    state = {"text": {"text_input": {"type": "plain_text_input", "value": "Too much"}}}
    assert slack_ui.answers(state).text("text") == "Too much"
