"""The /interest and end-an-interest forms, described once (bot/ui/interests.py): as plain
text, as Slack modals validated by slack_sdk.models, and read back from what Slack submits."""

from __future__ import annotations

from datetime import date

from bot.ui.interests import end_form, interest_form
from bot.ui.payload import DeclarationRef, decode
from bot.ui.plain import form_text
from handlers import slack_ui
from handlers.interests.form import read_end_date, read_interest_form
from tests.fakeslack import contract
from tests.fakeslack.signing import view_state


def test_the_interest_form_as_plain_text() -> None:
    text = form_text(interest_form(description="Trustee"), {"conflict": "Please say how."})
    assert "What kind of interest is it? [choice; required]\n  ( ) A financial interest — " in text
    assert "The colleague concerned, if any [person; optional]" in text
    assert "Describe the interest [long text; required; at most" in text and "  = Trustee" in text
    assert "  ! Please say how." in text
    assert "restricted posts may not take part in formal political activity" in text


def test_the_interest_form_on_slack_reads_back() -> None:
    view = slack_ui.modal(interest_form(description="x" * 5000)).to_dict()
    assert contract.view_problems(view, "interest", "modal") == []
    assert view["callback_id"] == "interest_declare"
    assert view["blocks"][-1]["type"] == "context"
    described = next(b for b in view["blocks"] if b.get("block_id") == "description")
    assert described["element"]["initial_value"].endswith("…")
    values = view_state(
        view,
        {
            "category_input": "financial",
            "organisation_input": "Acme",
            "colleague_input": "U9",
            "description_input": "Shares",
            "started_on_input": date(2020, 1, 1),
            "conflict_input": "They bid",
        },
    )
    form = read_interest_form(values)
    assert (form.category, form.organisation, form.colleague) == ("financial", "Acme", "U9")
    assert form.started_on == date(2020, 1, 1) and form.ended_on is None
    assert form.proposal is None


def test_the_end_form_carries_its_declaration_and_a_default_date() -> None:
    form = end_form(declaration_id=4, reference="I-2026-0001", what="<b>", today=date(2026, 3, 1))
    text = form_text(form)
    assert "I-2026-0001: <b>" in text and "  = 2026-03-01" in text
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "end", "modal") == []
    assert decode(DeclarationRef, view["private_metadata"]).declaration_id == 4
    assert view["blocks"][0]["text"]["text"] == "*I-2026-0001*: &lt;b&gt;"
    assert read_end_date(view_state(view, {"end_date_input": date(2026, 2, 1)})) == date(2026, 2, 1)
