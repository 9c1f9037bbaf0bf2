"""The vetting renewal form, described once (bot/ui/vetting.py): as plain text, as a Slack
modal validated by slack_sdk.models, and read back."""

from __future__ import annotations

from datetime import date

from bot.ui.payload import decode
from bot.ui.plain import form_text
from bot.ui.vetting import ClearanceRef, renewal_form
from handlers import slack_ui
from tests.fakeslack import contract
from tests.fakeslack.signing import view_state

TODAY = date(2026, 3, 2)


def test_the_renewal_form() -> None:
    ref = ClearanceRef(staff_id=4, expires=date(2026, 2, 27))
    form = renewal_form(ref=ref, name="Ann <A>", level="SC", years=5, today=TODAY)
    text = form_text(form)
    assert "Ann <A> · SC · expired Fri 27 Feb 2026 (3 days ago)" in text
    assert (
        "Renewed on [date; required]\n  The date the new clearance was granted. It then runs "
        "for 5 years.\n  = 2026-03-02"
    ) in text
    unknown = renewal_form(ref=ClearanceRef(staff_id=4), name="B", level=None, years=5, today=TODAY)
    assert "B · no expiry date on record" in form_text(unknown)
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "renewal", "modal") == []
    assert view["callback_id"] == "vetting_renewal"
    assert decode(ClearanceRef, view["private_metadata"]) == ref
    values = view_state(view, {"renewed_on_input": date(2026, 3, 1)})
    assert slack_ui.answers(values).date("renewed_on") == date(2026, 3, 1)
