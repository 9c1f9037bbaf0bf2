"""The policy form and "Mark reviewed", described once (bot/ui/policies.py): as plain text, as
Slack modals validated by slack_sdk.models, and read back."""

from __future__ import annotations

from datetime import date

from bot.rules.policies import PolicyForm
from bot.ui.plain import form_text
from bot.ui.policies import policy_form, review_form
from handlers import slack_ui
from handlers.policies.form import read_policy_form, read_review_form
from handlers.policies.ids import FormMeta, ReviewMeta
from storage.models import Policy
from tests.fakeslack import contract
from tests.fakeslack.signing import view_state

POLICY = Policy(
    id=1,
    title="Code <of> conduct",
    url="https://example.org/code",
    review_months=24,
    next_review=date(2027, 1, 1),
    channel_id="C1",
    is_code_of_conduct=True,
    active=False,
    owner_id=1,
)


def test_the_policy_form() -> None:
    form = policy_form(policy=POLICY, owner_id="U1", payload=FormMeta(policy_id=1))
    text = form_text(form)
    assert (
        "Link to the policy [link; optional; at most 500 characters]" in text
        and "  = https://example.org/code" in text
    )
    assert "Reviewed every … months [number; optional; at least 1, at most 120]" in text
    assert "Channel for reminders [channel; optional]" in text and "  = C1" in text
    assert "  = This is the office's code of conduct, Retired" in text
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "policy", "modal") == []
    values = view_state(
        view,
        {
            "title_input": "Code",
            "owner_input": "U1",
            "review_months_input": 36,
            "channel_input": "C2",
            "flags_input": ["retired"],
        },
    )
    typed = read_policy_form(values)
    assert (typed.title, typed.owner, typed.review_months) == ("Code", "U1", "36")
    assert typed.channel == "C2" and typed.retired and not typed.is_code_of_conduct
    # What the rules check: the same answers, the owner as chosen and (not) in the org chart.
    assert typed.form(owner_in_org=False) == PolicyForm(
        title="Code",
        owner_chosen=True,
        owner_in_org=False,
        url=None,
        last_reviewed=None,
        review_months="36",
        next_review=None,
        channel="C2",
        is_code_of_conduct=False,
        retired=True,
    )
    new = slack_ui.modal(policy_form(policy=None, owner_id=None, payload=FormMeta())).to_dict()
    assert contract.view_problems(new, "new policy", "modal") == []
    assert len(new["blocks"][-1]["element"]["options"]) == 1


def test_mark_reviewed() -> None:
    meta = ReviewMeta(policy_id=1)
    form = review_form(POLICY, payload=meta, owner_name="Ann", today=date(2026, 3, 2))
    text = form_text(form)
    assert text.startswith(
        "== Mark reviewed ==\n\nCode <of> conduct (https://example.org/code), due for review on"
    )
    assert "Next review date [date; optional]" in text
    view = slack_ui.modal(form).to_dict()
    assert contract.view_problems(view, "review", "modal") == []
    values = view_state(view, {"reviewed_on_input": date(2026, 3, 1), "note_input": "None"})
    read = read_review_form(values)
    assert (read.reviewed_on, read.next_review, read.note) == (date(2026, 3, 1), None, "None")
