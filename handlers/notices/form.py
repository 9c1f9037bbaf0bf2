"""Reading the /conduct notify modal's state into the rule's plain form."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.rules.notices import NoticeForm
from handlers.notices.ids import Field, action_id


def _element(values: dict[str, Any], field: Field) -> dict[str, Any]:
    return values.get(field.value, {}).get(action_id(field), {}) or {}


def read_notice_form(values: dict[str, Any]) -> NoticeForm:
    option = _element(values, Field.CATEGORY).get("selected_option")
    raw_date = _element(values, Field.OCCURRED_ON).get("selected_date")
    try:
        occurred_on = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        occurred_on = None
    return NoticeForm(
        category=option.get("value") if option else None,
        description=_element(values, Field.DESCRIPTION).get("value"),
        occurred_on=occurred_on,
    )
