"""Reading the interest forms' state into the rule's plain form."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.rules.interests import InterestForm
from handlers.forms import FormState
from handlers.interests.ids import END_DATE, Field, action_id


def read_interest_form(values: dict[str, Any]) -> InterestForm:
    state = FormState(values, action_id)
    return InterestForm(
        category=state.selected(Field.CATEGORY),
        organisation=state.text(Field.ORGANISATION),
        colleague=state.user(Field.COLLEAGUE),
        description=state.text(Field.DESCRIPTION),
        started_on=state.date(Field.STARTED_ON),
        ended_on=state.date(Field.ENDED_ON),
        conflict=state.text(Field.CONFLICT),
        proposal=state.text(Field.PROPOSAL),
    )


def read_end_date(values: dict[str, Any]) -> date | None:
    state = FormState(values, action_id)
    return state.date(END_DATE)
