"""The register search form, described once (bot/ui/registers.py): as plain text, as a Slack
modal validated by slack_sdk.models, and filled in again from the search it carries."""

from __future__ import annotations

from datetime import date

from bot.ui.plain import form_text
from bot.ui.registers import SearchMeta, search_form
from handlers import slack_ui
from tests.fakeslack import contract
from tests.fakeslack.signing import view_state


def test_the_search_form_fills_in_again() -> None:
    assert "Member of staff [person; optional]" in form_text(search_form())
    meta = SearchMeta(person_slack_id="U1", kind="gift", date_from=date(2026, 1, 1), text="pen")
    form = search_form(meta)
    text = form_text(form)
    assert "  = U1" in text and "  = 2026-01-01" in text and "  = pen" in text
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "search", "modal") == []
    assert view["callback_id"] == "registers_search_form"
    kind = next(b for b in view["blocks"] if b.get("block_id") == "kind")
    assert kind["element"]["initial_option"]["value"] == "gift"
    answers = slack_ui.answers(view_state(view, {"status_input": "approved", "text_input": "x"}))
    assert (answers.choice("status"), answers.text("text"), answers.person("person")) == (
        "approved",
        "x",
        None,
    )
