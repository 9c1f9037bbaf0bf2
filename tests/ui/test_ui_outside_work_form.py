"""The /outside-work form, described once (bot/ui/outside_work.py): as plain text, as a Slack
modal validated by slack_sdk.models, and read back from what Slack submits."""

from __future__ import annotations

from datetime import date

from bot.ui.outside_work import outside_work_form
from bot.ui.plain import form_text
from handlers import slack_ui
from handlers.outside_work.form import read_outside_work_form
from tests.fakeslack import contract
from tests.fakeslack.signing import view_state


def test_the_outside_work_form_as_plain_text() -> None:
    form = outside_work_form(ask_for_manager=True, head_title="Chief Executive")
    text = form_text(form)
    assert "You need the Chief Executive's permission before you take up" in text
    assert (
        "If yes, which? [short text; required, only when 'Does it involve a contractor, "
        "supplier or partner of the office?' is Yes"
    ) in text
    assert "Would it use anything from your job? [several choices; required]" in text
    assert "They will be asked to recommend." in text
    assert text.endswith("[Ask permission]  [Cancel]")


def test_the_outside_work_form_on_slack_reads_back_ticks_in_order() -> None:
    form = outside_work_form(organisation="Club", ask_for_manager=False, head_title="CEO")
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "outside work", "modal") == []
    assert view["callback_id"] == "outside_work_request"
    partner = next(b for b in view["blocks"] if b.get("block_id") == "partner")
    assert partner["optional"] is True and partner["element"]["action_id"] == "partner_input"
    values = view_state(
        view,
        {
            "organisation_input": "Club",
            "role_input": "Coach",
            "pay_input": "voluntary",
            "hours_input": "3",
            "when_input": "outside_hours",
            "start_date_input": date(2026, 9, 1),
            "involves_partner_input": "no",
            "uses_office_input": ["information", "skills"],
        },
    )
    read, manager = read_outside_work_form(values)
    assert manager is None
    assert read.uses_office == ("information", "skills")
    assert (read.organisation, read.pay, read.partner) == ("Club", "voluntary", None)
