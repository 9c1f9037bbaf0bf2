"""Withholding from publication and publishing again, described once (bot/ui/withholding.py):
as plain text and as Slack modals validated by slack_sdk.models."""

from __future__ import annotations

from bot.rules.withholding import LABEL, Ground
from bot.ui.payload import decode
from bot.ui.plain import form_text
from bot.ui.withholding import WithholdMeta, republish_form, withhold_form
from handlers import slack_ui
from tests.fakeslack import contract
from tests.fakeslack.signing import view_state

META = WithholdMeta(declaration_id=3, record_view_id="V1")


def test_the_withhold_form() -> None:
    form = withhold_form(META, "G-1", "a <b>")
    text = form_text(form, {"note": "Please say why: the audit trail keeps it."})
    assert "G-1 · a <b>\nThe published register leaves it out" in text
    assert "Ground [choice; required]" in text
    assert all(f"  ( ) {LABEL[g]}" in text for g in Ground)
    assert "  ! Please say why: the audit trail keeps it." in text
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "withhold", "modal") == []
    assert view["callback_id"] == "registers_withhold_form"
    assert decode(WithholdMeta, view["private_metadata"]) == META
    ground = next(iter(Ground)).value
    answers = slack_ui.answers(view_state(view, {"ground_input": ground, "note_input": "x"}))
    assert (answers.choice("ground"), answers.text("note")) == (ground, "x")


def test_the_publish_again_form_names_the_ground() -> None:
    ground = next(iter(Ground))
    form = republish_form(META, "G-1", ground.value)
    assert f"G-1 is withheld from publication ({LABEL[ground]})." in form_text(form)
    assert "(no ground given)" in form_text(republish_form(META, "G-1", ""))
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "republish", "modal") == []
    assert view["blocks"][1]["element"]["action_id"] == "reason_input"
