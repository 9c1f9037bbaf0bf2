"""Every card bot/ui builds, as a Teams Adaptive Card (bot/teams/cards.py): valid 1.5 under
Teams' size limit, one-press buttons as Action.Execute whose data round-trips to the typed
payload, buttons that ask for words opening a dialog, decided cards without buttons."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules import approvals as rules
from bot.rules.status import StepStatus
from bot.teams import adaptive
from bot.teams.cards import Press, adaptive_card, message, pressed
from bot.teams.invoke_responses import (
    action_error,
    action_message,
    card_replaced,
    dialog_message,
)
from bot.ui.approval import approval_card
from bot.ui.payload import Decision, StepRef, decode
from bot.ui.plain import card_text
from bot.ui.questions import QuestionRef
from tests.schemas import MAX_MESSAGE_BYTES, assert_valid_card
from tests.teams.catalogue import AT, approval, cards

CARDS = cards()


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every object in a card, depth first."""
    found = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value)
    return found


def _texts(card: dict[str, Any]) -> str:
    return "\n".join(n["text"] for n in _walk(card) if isinstance(n.get("text"), str))


def execute_invoke(action: dict[str, Any]) -> dict[str, Any]:
    """An `adaptiveCard/action` invoke's value as Teams sends it for an Action.Execute."""
    return {"action": {"type": "Action.Execute", "verb": action["verb"], "data": action["data"]}}


@pytest.mark.parametrize("name", list(CARDS))
def test_every_card_is_a_valid_adaptive_card(name: str) -> None:
    card = CARDS[name]
    content = adaptive_card(card)
    assert_valid_card(content)
    assert content["fallbackText"] == card_text(card)[:1000] or len(card_text(card)) > 1000
    activity = message(card)
    assert activity["summary"] == card.summary[:250]
    assert len(json.dumps(activity).encode()) < MAX_MESSAGE_BYTES
    assert "refresh" not in content
    if card.decided is not None:
        assert "actions" not in content
    assert len(content.get("actions", [])) == len(card.actions)


@pytest.mark.parametrize("purpose", list(rules.Purpose))
def test_a_waiting_card_decides_in_one_press_and_asks_for_words_in_a_dialog(purpose: str) -> None:
    card = approval_card(approval(purpose=purpose))
    content = adaptive_card(card)
    by_title = {a["title"]: a for a in content["actions"]}
    for spec in rules.outcomes(purpose):
        want = Decision(step_id=7, outcome=spec.outcome)
        action = by_title[spec.label]
        if spec.text is not rules.Text.NONE:
            # A reason or a note: the button opens decision_text_form in a dialog.
            assert action["type"] == "Action.Submit"
            assert action["data"]["msteams"] == {"type": "task/fetch"}
            press = pressed({"data": action["data"]})
            assert press == Press(f"decide_{spec.outcome}", want.encode(), {})
            continue
        if spec.style == "primary":
            # Slack asks first: here the button opens the question and the button that does it.
            assert action["type"] == "Action.ShowCard"
            assert spec.label in _texts(action["card"]) and "G-2026-0001" in _texts(action["card"])
            (action,) = action["card"]["actions"]
        assert action["type"] == "Action.Execute"
        assert action["verb"] == f"decide_{spec.outcome}"
        press = pressed(execute_invoke(action))
        assert press is not None and press.action == action["verb"]
        assert decode(Decision, press.payload) == want
    ask = by_title["Ask a question…"]
    assert ask["type"] == "Action.Submit" and ask["data"]["msteams"]["type"] == "task/fetch"
    press = pressed({"data": ask["data"]})
    assert press is not None and decode(StepRef, press.payload) == StepRef(step_id=7)


def test_styles_follow_the_buttons() -> None:
    actions = adaptive_card(approval_card(approval()))["actions"]
    assert [(a["title"], a.get("style")) for a in actions] == [
        ("Approve", "positive"),
        ("Decline…", "destructive"),
        ("Ask a question…", None),
    ]
    assert actions[0]["card"]["actions"][0]["style"] == "positive"


def test_a_button_can_be_told_to_open_a_dialog_or_not() -> None:
    card = CARDS["question"]
    (reply,) = adaptive_card(card)["actions"]
    assert reply["type"] == "Action.Submit"
    assert decode(QuestionRef, pressed({"data": reply["data"]}).payload).question_id == 3
    (inline,) = adaptive_card(card, dialogs=())["actions"]
    assert inline["type"] == "Action.Execute" and inline["verb"] == "question_reply"


def test_a_decided_card_shows_who_when_and_why_without_buttons() -> None:
    card = approval_card(
        approval(status=StepStatus.DECLINED, decided_by="Cara <Boss>*", reason="Too <b>\n*x*")
    )
    content = adaptive_card(card)
    assert "actions" not in content
    line = next(b for b in content["body"] if b["type"] == "TextBlock" and "by" in b["text"])
    assert line["text"] == "**Declined** by Cara <Boss>\\*"
    at = approval_card(approval(status=StepStatus.APPROVED, decided_by="C", decided_at=AT))
    line = next(b for b in adaptive_card(at)["body"] if "by C" in b.get("text", ""))
    assert line["text"] == (
        "**Approved** by C on {{DATE(2026-05-04T09:30:00Z, SHORT)}} {{TIME(2026-05-04T09:30:00Z)}}"
    )
    why = next(b for b in content["body"] if b.get("style") == "emphasis")
    runs = [r["text"] for block in why["items"] for r in block["inlines"]]
    assert runs == ["Too <b>", "*x*"]  # people's words verbatim: TextRuns take no markup


def test_peoples_words_cannot_make_links_or_formatting() -> None:
    content = adaptive_card(approval_card(approval()))
    facts = next(b for b in content["body"] if b["type"] == "FactSet")["facts"]
    assert facts[2] == {"title": "Offered by", "value": "Acme \\[Ltd\\](https://x.example)"}
    section = [
        r["text"] for b in content["body"] if b["type"] == "RichTextBlock" for r in b["inlines"]
    ]
    assert "A pen & a diary" in section and "- second line" in section
    texts = _texts(content)
    assert "⚠ Risk flags" in texts and "3 offers from Acme in 12 months" in texts
    assert "Related history" in texts
    attention = [n for n in _walk(content) if n.get("color") == "Attention"]
    warning = [n for n in _walk(content) if n.get("color") == "Warning"]
    assert attention and warning
    # Our own marked text is formatted: bold runs, icons as symbols.
    bold = [n["text"] for n in _walk(content) if n.get("weight") == "Bolder"]
    assert "Bob" in bold and "of use" in bold


def test_pressed_reads_only_what_nolan_sent() -> None:
    assert pressed(None) is None and pressed("x") is None and pressed({}) is None
    assert pressed({"action": {"verb": "", "data": {}}}) is None
    assert pressed({"action": {"verb": 3}}) is None
    assert pressed({"data": {"msteams": {"type": "task/fetch"}}}) is None
    press = pressed({"action": {"verb": "v", "data": {"_payload": 5, "note": "hi"}}})
    assert press == Press("v", None, {"note": "hi"})
    assert pressed({"action": {"verb": "v", "data": "junk"}}) == Press("v", None, {})


def test_invoke_responses_are_shaped_as_teams_wants() -> None:
    content = adaptive_card(CARDS["moved"])
    assert card_replaced(content) == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.card.adaptive",
        "value": content,
    }
    assert action_message("Already decided.") == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "Already decided.",
    }
    assert action_error("Unknown button.") == {
        "statusCode": 400,
        "type": "application/vnd.microsoft.error",
        "value": {
            "code": "BadRequest",
            "message": "Unknown button.",
            "innerHttpError": {"statusCode": 400, "body": "Unknown button."},
        },
    }
    assert dialog_message("Sent.") == {"task": {"type": "message", "value": "Sent."}}
    assert adaptive.attachment(content)["contentType"] == adaptive.CONTENT_TYPE


def test_a_card_too_big_for_teams_is_drawn_with_shorter_texts() -> None:
    huge = "word " * 600 + "\n" * 50 + "line\n" * 400
    card = approval_card(
        approval(
            facts=[(f"Fact {i}", huge) for i in range(20)],
            details=[(f"Section {i}", huge) for i in range(20)],
            history=[huge] * 20,
            warnings=[huge] * 20,
            reason=huge,
        )
    )
    content = adaptive_card(card)
    assert_valid_card(content)
    assert adaptive.size(content) <= 26 * 1024
    assert len(json.dumps(message(card)).encode()) < MAX_MESSAGE_BYTES
    texts = _texts(content)
    assert "Section 19" in texts and "Fact 0" in json.dumps(content)
    small = adaptive_card(approval_card(approval()))
    assert "A pen & a diary" in _texts(small)  # a card that fits keeps its texts whole


@settings(max_examples=25, deadline=None)
@given(words=st.text(max_size=400), name=st.text(max_size=60))
def test_any_words_make_a_valid_card(words: str, name: str) -> None:
    card = approval_card(
        approval(
            heading=words[:80] or "x",
            facts=[(name or "x", words)],
            details=[("Description", words)],
            history=[words],
            warnings=[words],
            intro=words,
            status=StepStatus.DECLINED,
            decided_by=name,
            reason=words,
        )
    )
    assert_valid_card(adaptive_card(card))
