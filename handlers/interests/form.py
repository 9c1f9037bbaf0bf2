"""Reading the interest forms' state into the rule's plain form."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.rules.interests import InterestForm
from handlers.interests.ids import END_DATE, Field, action_id


def _element(values: dict[str, Any], field: str) -> dict[str, Any]:
    return values.get(field, {}).get(action_id(field), {}) or {}


def _selected(values: dict[str, Any], field: str) -> str | None:
    option = _element(values, field).get("selected_option")
    return option.get("value") if option else None


def _text(values: dict[str, Any], field: str) -> str | None:
    return _element(values, field).get("value")


def _date(values: dict[str, Any], field: str) -> date | None:
    raw = _element(values, field).get("selected_date")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def read_interest_form(values: dict[str, Any]) -> InterestForm:
    return InterestForm(
        category=_selected(values, Field.CATEGORY),
        organisation=_text(values, Field.ORGANISATION),
        colleague=_element(values, Field.COLLEAGUE).get("selected_user"),
        description=_text(values, Field.DESCRIPTION),
        started_on=_date(values, Field.STARTED_ON),
        ended_on=_date(values, Field.ENDED_ON),
        conflict=_text(values, Field.CONFLICT),
        proposal=_text(values, Field.PROPOSAL),
    )


def read_end_date(values: dict[str, Any]) -> date | None:
    return _date(values, END_DATE)
