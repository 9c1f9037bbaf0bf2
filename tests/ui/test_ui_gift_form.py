"""The /gift form, described once (bot/ui/gifts.py): as plain text, as a Slack modal validated
by slack_sdk.models, and read back from what Slack submits."""

from __future__ import annotations

from datetime import date

from bot.ui.gifts import gift_form
from bot.ui.payload import MessageSource, decode
from bot.ui.plain import form_text
from handlers import slack_ui
from handlers.gifts.form import read_gift_form
from tests.fakeslack import contract
from tests.fakeslack.signing import view_state


def test_the_gift_form_as_plain_text() -> None:
    form = gift_form(description="A pen", ask_for_manager=True, token_threshold_pence=2500)
    text = form_text(form, {"value": "Please estimate the value in pounds."})
    assert text.startswith("== Gift or hospitality ==\n\nDeclare every offer of a gift")
    assert "Was it a gift or hospitality? [choice; required]\n  ( ) A gift\n" in text
    assert (
        "For a gift: what sort? [choice; required, only when "
        "'Was it a gift or hospitality?' is A gift]"
    ) in text
    assert "What was offered? [long text; required; at most 2000 characters]\n  = A pen" in text
    assert (
        "Estimated value in pounds [money; required; at most 20 characters]\n"
        "  Your best estimate, e.g. 25 or 12.50. Use 0 if it had no value.\n"
        "  (e.g. 25)\n  ! Please estimate the value in pounds."
    ) in text
    assert "worth £25.00 or less, can be kept." in text
    assert "Your line manager [person; required]" in text
    assert text.endswith("[Declare]  [Cancel]")
    without = form_text(gift_form(ask_for_manager=False, token_threshold_pence=2500))
    assert "line manager" not in without


def test_the_gift_form_on_slack_keeps_its_ids_and_reads_back() -> None:
    form = gift_form(description="x" * 3000, ask_for_manager=True, token_threshold_pence=2500)
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "gift", "modal") == []
    assert view["callback_id"] == "gift_declare"
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert [(k, b["element"]["action_id"]) for k, b in inputs.items()][:2] == [
        ("kind", "kind_input"),
        ("gift_type", "gift_type_input"),
    ]
    # Slack can't hide a part: shown for some answers only, it is optional there.
    assert inputs["gift_type"].get("optional") is True
    assert "optional" not in inputs["offered_by"]
    assert inputs["description"]["element"]["initial_value"] == "x" * 2000
    assert inputs["line_manager"]["element"]["type"] == "users_select"

    values = view_state(
        view,
        {
            "kind_input": "gift",
            "gift_type_input": "item",
            "offered_by_input": "Acme",
            "relationship_input": "contractor",
            "description_input": "A pen",
            "value_input": "12.50",
            "date_offered_input": date(2026, 5, 1),
            "response_input": "accepted",
            "reason_input": "Of use",
            "circumstances_input": ["use_at_work"],
            "line_manager_input": "U123",
        },
    )
    form_read, manager = read_gift_form(values)
    assert manager == "U123"
    assert (form_read.kind, form_read.gift_type, form_read.value) == ("gift", "item", "12.50")
    assert form_read.date_offered == date(2026, 5, 1) and form_read.event_date is None
    assert form_read.use_at_work and not form_read.unsolicited


def test_a_gift_declared_from_a_message_keeps_its_link_and_starts_at_an_item() -> None:
    source = MessageSource(link="https://example.slack.com/archives/C1/p1")
    form = gift_form(ask_for_manager=False, token_threshold_pence=2500, source=source)
    text = form_text(form)
    assert "a link to the message is kept with your declaration." in text
    assert "  ( ) A legacy in a will\n  = An item (goods, a pen, tickets…)" in text
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "gift from message", "modal") == []
    assert decode(MessageSource, view["private_metadata"]) == source
    sort = next(b for b in view["blocks"] if b.get("block_id") == "gift_type")
    assert sort["element"]["initial_option"]["value"] == "item"
