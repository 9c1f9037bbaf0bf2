"""Reading the /outside-work modal's state into the rule's plain form."""

from __future__ import annotations

from typing import Any

from bot.rules.outside_work import OutsideWorkForm
from handlers.forms import FormState
from handlers.outside_work.ids import Field, action_id


def read_outside_work_form(values: dict[str, Any]) -> tuple[OutsideWorkForm, str | None]:
    """Return the form and, when the picker was shown, the chosen manager's Slack id."""
    state = FormState(values, action_id)
    ticked = tuple(
        str(o.get("value")) for o in state.element(Field.USES_OFFICE).get("selected_options") or []
    )
    form = OutsideWorkForm(
        organisation=state.text(Field.ORGANISATION),
        role=state.text(Field.ROLE),
        pay=state.selected(Field.PAY),
        hours=state.text(Field.HOURS),
        when=state.selected(Field.WHEN),
        start_date=state.date(Field.START_DATE),
        involves_partner=state.selected(Field.INVOLVES_PARTNER),
        partner=state.text(Field.PARTNER),
        uses_office=ticked,
        notes=state.text(Field.NOTES),
    )
    manager = state.user(Field.LINE_MANAGER)
    return form, manager
