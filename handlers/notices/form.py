"""Reading the /conduct notify modal's state into the rule's plain form."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.rules.notices import NoticeForm
from handlers.forms import FormState
from handlers.notices.ids import Field, action_id


def read_notice_form(values: dict[str, Any]) -> NoticeForm:
    state = FormState(values, action_id)
    option = state.element(Field.CATEGORY).get("selected_option")
    raw_date = state.element(Field.OCCURRED_ON).get("selected_date")
    try:
        occurred_on = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        occurred_on = None
    return NoticeForm(
        category=option.get("value") if option else None,
        description=state.text(Field.DESCRIPTION),
        occurred_on=occurred_on,
    )
