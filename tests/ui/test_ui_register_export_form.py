"""The register export form, described once (bot/ui/register_export.py): as plain text, as a
Slack modal validated by slack_sdk.models, and read back."""

from __future__ import annotations

from datetime import date

import pytest

from bot.ui.plain import form_text
from bot.ui.register_export import export_form, refusal_form
from handlers import slack_ui
from handlers.register_export.form import InvalidExport, read_export_form
from tests.fakeslack import contract
from tests.fakeslack.signing import view_state


def test_the_export_form() -> None:
    form = export_form(registers=["gifts", "interests"], formats=["csv", "xlsx"])
    text = form_text(form)
    assert "Register [choice; required]\n  ( ) Gifts and hospitality\n  ( ) Interests\n" in text
    assert "  = Gifts and hospitality" in text and "  = CSV" in text
    assert "Dates are inclusive: gifts and hospitality by the date offered;" in text
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "export", "modal") == []
    assert view["blocks"][0]["element"]["initial_option"]["value"] == "gifts"
    values = view_state(
        view,
        {
            "register_input": "interests",
            "format_input": "xlsx",
            "content_input": "full",
            "date_from_input": date(2026, 4, 1),
            "date_to_input": date(2026, 3, 1),
        },
    )
    with pytest.raises(InvalidExport) as invalid:
        read_export_form(values)
    assert invalid.value.errors == {"date_to": "This is before the start date."}
    refusal = slack_ui.modal(refusal_form("Only officers can export.")).to_dict()
    assert contract.view_problems(refusal, "refusal", "modal") == []
