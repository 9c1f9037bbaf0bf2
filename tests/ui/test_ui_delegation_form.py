"""The delegation form, described once (bot/ui/delegation.py): as plain text, as a Slack modal
validated by slack_sdk.models, and read back from what Slack submits."""

from __future__ import annotations

from datetime import date

from bot.ui.delegation import Current, delegate_form
from bot.ui.plain import form_text
from handlers.delegation.form import read_delegation_form
from handlers.delegation.views import delegate_modal
from tests.fakeslack import contract
from tests.fakeslack.signing import view_state

TODAY = date(2026, 3, 2)


def test_the_delegation_form_as_plain_text() -> None:
    current = Current("Eve <Deputy>", date(2026, 3, 5), date(2026, 4, 1))
    text = form_text(
        delegate_form(today=TODAY, current=current, end_command="conduct delegate end")
    )
    assert (
        "Now: your approvals go to Eve <Deputy> from Thu 5 Mar 2026 until Wed 1 Apr 2026. "
        "Saving this form replaces that; conduct delegate end ends it now."
    ) in text
    assert "Who will decide for you? [person; required]" in text
    assert "From [date; optional]\n  Leave as today to start now.\n  = 2026-03-02" in text
    assert "Until (the last day they decide for you) [date; required]" in text
    assert "Now:" not in form_text(delegate_form(today=TODAY, end_command="x"))


def test_the_delegation_form_on_slack_reads_back() -> None:
    view = delegate_modal(today=TODAY).to_dict()
    assert contract.view_problems(view, "delegate", "modal") == []
    assert view["callback_id"] == "delegation_create"
    starts = next(b for b in view["blocks"] if b.get("block_id") == "starts_on")
    assert starts["element"]["initial_date"] == "2026-03-02"
    values = view_state(
        view, {"deputy_input": "UEVE", "starts_on_input": None, "ends_on_input": date(2026, 4, 1)}
    )
    read = read_delegation_form(values)
    assert (read.deputy_slack_id, read.starts_on, read.ends_on) == ("UEVE", None, date(2026, 4, 1))
