"""Reading the /gift modal's state into the rule's plain form."""

from __future__ import annotations

from typing import Any

from bot.rules.gifts import GiftForm
from handlers.forms import FormState
from handlers.gifts.ids import UNSOLICITED, USE_AT_WORK, Field, action_id


def read_gift_form(values: dict[str, Any]) -> tuple[GiftForm, str | None]:
    """Return the form and, when the picker was shown, the chosen manager's Slack id."""
    state = FormState(values, action_id)
    ticked = state.ticked(Field.CIRCUMSTANCES)
    form = GiftForm(
        kind=state.selected(Field.KIND),
        gift_type=state.selected(Field.GIFT_TYPE),
        offered_by=state.text(Field.OFFERED_BY),
        relationship=state.selected(Field.RELATIONSHIP),
        description=state.text(Field.DESCRIPTION),
        value=state.text(Field.VALUE),
        date_offered=state.date(Field.DATE_OFFERED),
        event_date=state.date(Field.EVENT_DATE),
        response=state.selected(Field.RESPONSE),
        reason=state.text(Field.REASON),
        use_at_work=USE_AT_WORK in ticked,
        unsolicited=UNSOLICITED in ticked,
    )
    manager = state.user(Field.LINE_MANAGER)
    return form, manager
