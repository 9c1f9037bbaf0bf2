"""The reassign form, described once (bot/ui/reassign.py): as plain text, as a Slack modal
validated by slack_sdk.models, and read back."""

from __future__ import annotations

from bot.ui.plain import form_text
from bot.ui.reassign import done_form, reassign_form
from handlers import slack_ui
from tests.fakeslack import contract
from tests.fakeslack.signing import view_state


def test_the_reassign_form_and_its_confirmation() -> None:
    form = reassign_form(reference="GH-00001")
    text = form_text(form)
    assert "Reference [short text; required; at most 32 characters]" in text
    assert "  = GH-00001" in text and "Whose step moves [person; optional]" in text
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "reassign", "modal") == []
    assert view["callback_id"] == "reassign_submit"
    values = view_state(
        view,
        {"reference_input": "GH-00001", "new_approver_input": "U2", "reason_input": "Leave"},
    )
    answers = slack_ui.answers(values)
    assert answers.person("new_approver") == "U2" and answers.person("current_approver") is None
    done = done_form("Moved <GH-00001> to Eve")
    assert form_text(done) == "== Reassigned ==\n\nMoved <GH-00001> to Eve\n\n[Done]"
    view = slack_ui.modal(done).to_dict()
    assert contract.view_problems(view, "done", "modal") == []
    assert view["blocks"][0]["text"]["text"] == "Moved &lt;GH-00001&gt; to Eve"
