"""Reading the /outside-work modal's state into the rule's plain form."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.rules.outside_work import OutsideWorkForm
from handlers.outside_work.ids import Field, action_id


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


def read_outside_work_form(values: dict[str, Any]) -> tuple[OutsideWorkForm, str | None]:
    """Return the form and, when the picker was shown, the chosen manager's Slack id."""
    ticked = tuple(
        str(o.get("value"))
        for o in _element(values, Field.USES_OFFICE).get("selected_options") or []
    )
    form = OutsideWorkForm(
        organisation=_text(values, Field.ORGANISATION),
        role=_text(values, Field.ROLE),
        pay=_selected(values, Field.PAY),
        hours=_text(values, Field.HOURS),
        when=_selected(values, Field.WHEN),
        start_date=_date(values, Field.START_DATE),
        involves_partner=_selected(values, Field.INVOLVES_PARTNER),
        partner=_text(values, Field.PARTNER),
        uses_office=ticked,
        notes=_text(values, Field.NOTES),
    )
    manager = _element(values, Field.LINE_MANAGER).get("selected_user")
    return form, manager
