"""Questions and answers, described once (bot/ui/questions.py): the forms and messages as
plain text and as Slack views and blocks validated by slack_sdk.models."""

from __future__ import annotations

from bot.ui import questions as ui
from bot.ui.payload import StepRef, decode
from bot.ui.plain import card_text, form_text
from handlers import slack_ui
from tests.fakeslack import contract


def test_the_ask_and_reply_forms() -> None:
    ask = ui.ask_form(step_id=3, reference="G-1", declarant="Ann <A>", what="a & b")
    text = form_text(ask)
    assert "G-1 · Ann <A>\na & b" in text
    assert "What would you like to ask Ann <A>? [long text; required; at most 1000" in text
    view = slack_ui.modal(ask).to_dict()
    assert contract.view_problems(view, "ask", "modal") == []
    assert decode(StepRef, view["private_metadata"]) == StepRef(step_id=3)
    block = view["blocks"][1]
    assert (block["block_id"], block["element"]["action_id"]) == ("question", "question_input")

    ref = ui.QuestionRef(question_id=4, channel="D1", ts="1.2")
    reply = ui.reply_form(ref=ref, asker="Bob", reference="G-1", question="Why?\nReally?")
    assert "Bob asked (G-1):\n    Why?\n    Really?" in form_text(reply)
    view = slack_ui.modal(reply).to_dict()
    assert contract.view_problems(view, "reply", "modal") == []
    assert decode(ui.QuestionRef, view["private_metadata"]) == ref

    sent = slack_ui.modal(ui.asked_form("Ann")).to_dict()
    assert contract.view_problems(sent, "asked", "modal") == []
    assert "submit" not in sent and "callback_id" not in sent
    assert form_text(ui.asked_form("Ann")).endswith("[Done]")


def test_the_question_waits_for_a_reply_and_the_answer_has_none() -> None:
    asked = ui.question_card(
        question_id=4, asker="Bob", reference="G-1", what="the gift", question="Why <so>?"
    )
    text = card_text(asked)
    assert text.startswith("💬 Bob has a question about the gift (G-1):\n    Why <so>?")
    assert "[Reply…]" in text
    message = slack_ui.message(asked)
    assert contract.message_problems(message.as_kwargs(), "question") == []
    actions = message.blocks[1].to_dict()
    assert actions["elements"][0]["action_id"] == "question_reply"
    assert decode(ui.QuestionRef, actions["elements"][0]["value"]).question_id == 4

    answered = ui.answered_card(asker="Bob", reference="G-1", what="w", question="q", answer="a")
    assert "[" not in card_text(answered) and "✔ Answered · G-1" in card_text(answered)
    message = slack_ui.message(answered)
    assert contract.message_problems(message.as_kwargs(), "answered") == []
    assert not any(b.type == "actions" for b in message.blocks)
    told = ui.answer_card(declarant="Ann", reference="G-1", what="w", question="q", answer="")
    assert "Their answer:\n    " in card_text(told)
