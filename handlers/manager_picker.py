"""The line-manager picker a form shows when the org chart names no manager, and the check of
what was picked. Shared by every form whose first approver is the line manager."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import InputBlock
from sqlmodel import Session

from bot.rules.refusal import Refused
from bot.rules.routing import NeedsChoice, NoApprover, Routing, line_approver
from bot.ui.manager import FIELD_ID, manager_field
from handlers import slack_ui
from storage import staff
from storage.models import Staff

BLOCK_ID = FIELD_ID
ACTION_ID = slack_ui.action_id(FIELD_ID)


def picker_block(*, decides: str) -> InputBlock:
    """`decides`: what the manager will do, e.g. "decide" or "recommend"."""
    return slack_ui.input_block(manager_field(decides=decides))


def picker_shown(view: dict[str, Any]) -> bool:
    return any(b.get("block_id") == BLOCK_ID for b in view.get("blocks", []))


def needs_choice(session: Session, me: Staff) -> bool:
    """Whether the form shows the picker: the org chart names no line approver for me."""
    routing = line_approver(staff.as_person(me), staff.office_holders(session))
    return isinstance(routing, NeedsChoice)


@dataclass(frozen=True)
class ManagerChoice:
    routing: Routing
    chosen: Staff | None = None
    error: str | None = None  # for the picker field (at most 150 characters)


def resolve(
    session: Session, me: Staff, *, shown: bool, chosen_slack_id: str | None
) -> ManagerChoice:
    """The line approver, taking the picked manager into account when the picker was shown;
    an error for the picker when the pick can't stand (not in the org chart, oneself)."""
    chosen = None
    if shown and chosen_slack_id:
        chosen = staff.by_slack_id(session, slack_user_id=chosen_slack_id)
        if chosen is None:
            return ManagerChoice(
                NeedsChoice(), error="That person isn't in the org chart: choose your manager."
            )
    routing = line_approver(
        staff.as_person(me), staff.office_holders(session), chosen.id if chosen else None
    )
    if shown and isinstance(routing, NoApprover):
        return ManagerChoice(routing, chosen, routing.reason[:150])
    if shown and isinstance(routing, NeedsChoice):
        return ManagerChoice(routing, chosen, "Please choose your line manager.")
    return ManagerChoice(routing, chosen)


def submitted(
    session: Session, me: Staff, view: dict[str, Any], chosen_slack_id: str | None
) -> ManagerChoice:
    """resolve() for a submitted form; a pick that can't stand is refused on the picker."""
    choice = resolve(session, me, shown=picker_shown(view), chosen_slack_id=chosen_slack_id)
    if choice.error:
        raise Refused(choice.error, BLOCK_ID)
    return choice
