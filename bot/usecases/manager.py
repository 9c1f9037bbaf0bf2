"""The line manager a declaration goes to when the org chart names none: whether a form must
ask the person for theirs, and the routing once they have named one. Shared by every
declaration whose first approver is the line manager."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.rules.refusal import Refused
from bot.rules.routing import Holders, NeedsChoice, NoApprover, Routing, line_approver
from bot.ui.manager import FIELD_ID
from storage import staff
from storage.models import Staff

CHOOSE = "Please choose your line manager."
NOT_IN_ORG_CHART = "That person isn't in the org chart: choose your manager."


def needs_choice(session: Session, me: Staff) -> bool:
    """Whether the form asks for the line manager: the org chart names no line approver."""
    routing = line_approver(staff.as_person(me), staff.office_holders(session))
    return isinstance(routing, NeedsChoice)


@dataclass(frozen=True)
class ManagerChoice:
    """`holders`: the office holders the routing was found with, for the rest of the same
    transaction's routing (a declaration changes no one's roles), not read again."""

    routing: Routing
    holders: Holders
    chosen: Staff | None = None


def line_routing(
    session: Session, me: Staff, *, asked: bool, chosen_id: int | None
) -> ManagerChoice:
    """The line approver, taking the named manager into account when the form `asked` for
    one; a pick that can't stand (nobody, oneself, someone who can't decide) is refused on
    the form's manager field (bot.ui.manager.FIELD_ID)."""
    chosen = staff.by_id(session, staff_id=chosen_id) if asked and chosen_id else None
    if asked and chosen_id and chosen is None:
        raise Refused(NOT_IN_ORG_CHART, FIELD_ID)
    holders = staff.office_holders(session)
    routing = line_approver(staff.as_person(me), holders, chosen.id if chosen else None)
    if asked and isinstance(routing, NoApprover):
        raise Refused(routing.reason[:150], FIELD_ID)
    if asked and isinstance(routing, NeedsChoice):
        raise Refused(CHOOSE, FIELD_ID)
    return ManagerChoice(routing, holders, chosen)
