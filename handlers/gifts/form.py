"""Reading the /gift modal's state into the rule's plain form."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.rules.gifts import GiftForm
from handlers.gifts.ids import UNSOLICITED, USE_AT_WORK, Field, action_id


def _element(values: dict[str, Any], field: Field) -> dict[str, Any]:
    return values.get(field.value, {}).get(action_id(field), {}) or {}


def _selected(values: dict[str, Any], field: Field) -> str | None:
    option = _element(values, field).get("selected_option")
    return option.get("value") if option else None


def _text(values: dict[str, Any], field: Field) -> str | None:
    return _element(values, field).get("value")


def _date(values: dict[str, Any], field: Field) -> date | None:
    raw = _element(values, field).get("selected_date")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def read_gift_form(values: dict[str, Any]) -> tuple[GiftForm, str | None]:
    """Return the form and, when the picker was shown, the chosen manager's Slack id."""
    ticked = {
        o.get("value") for o in _element(values, Field.CIRCUMSTANCES).get("selected_options") or []
    }
    form = GiftForm(
        kind=_selected(values, Field.KIND),
        gift_type=_selected(values, Field.GIFT_TYPE),
        offered_by=_text(values, Field.OFFERED_BY),
        relationship=_selected(values, Field.RELATIONSHIP),
        description=_text(values, Field.DESCRIPTION),
        value=_text(values, Field.VALUE),
        date_offered=_date(values, Field.DATE_OFFERED),
        event_date=_date(values, Field.EVENT_DATE),
        response=_selected(values, Field.RESPONSE),
        reason=_text(values, Field.REASON),
        use_at_work=USE_AT_WORK in ticked,
        unsolicited=UNSOLICITED in ticked,
    )
    manager = _element(values, Field.LINE_MANAGER).get("selected_user")
    return form, manager
