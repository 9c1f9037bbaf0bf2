"""The /conduct notify form, described once (bot/ui/notices.py): as plain text, as a Slack
modal validated by slack_sdk.models, and read back from what Slack submits."""

from __future__ import annotations

from datetime import date

from bot.ui.notices import notice_form
from bot.ui.plain import form_text
from handlers import slack_ui
from handlers.notices.form import read_notice_form
from tests.fakeslack import contract
from tests.fakeslack.signing import view_state


def test_the_notice_form_as_plain_text() -> None:
    text = form_text(notice_form(audience="the Chief Executive & <Vetting>"))
    assert text.startswith("== Confidential notice ==\n\n🔒 Confidential. Tell the office")
    assert "This goes only to the Chief Executive & <Vetting>, in a direct message." in text
    assert "When did it happen? [date; optional]\n  Leave blank if you are not sure." in text
    assert text.endswith("[Send in confidence]  [Cancel]")


def test_the_notice_form_on_slack_reads_back() -> None:
    view = slack_ui.modal(notice_form(audience="the <CEO>")).to_dict()
    assert contract.view_problems(view, "notice", "modal") == []
    assert view["callback_id"] == "notice_send"
    assert "only to the &lt;CEO&gt;," in view["blocks"][0]["text"]["text"]
    assert view["blocks"][-1]["type"] == "context"
    category = view["blocks"][1]["element"]["options"][0]["value"]
    values = view_state(
        view,
        {"category_input": category, "description_input": "Charged", "occurred_on_input": None},
    )
    form = read_notice_form(values)
    assert (form.category, form.description, form.occurred_on) == (category, "Charged", None)
    dated = view_state(view, {"occurred_on_input": date(2026, 1, 5)})
    assert read_notice_form(dated).occurred_on == date(2026, 1, 5)
    bad = {"occurred_on": {"occurred_on_input": {"type": "datepicker", "selected_date": "x"}}}
    assert read_notice_form(bad).occurred_on is None
