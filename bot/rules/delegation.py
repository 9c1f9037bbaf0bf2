"""Delegation: an approver hands their approvals to a deputy for a period (leave, sickness).

Issue 3 ("The approval engine"): "lets an approver hand their approvals to a deputy for a period
(leave, sickness); items already waiting move too; both names stay in the audit trail;
delegation ends by itself." The codes make the line manager the one who authorises
(cumbria "Hospitality and Gifts"; combined-authority §15.2) — a deputy decides in their name
while they are away, so an approval never waits on someone who is not there. Pure: no Slack,
no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.rules.refusal import Invalid

# A delegation covers leave or sickness; anything longer is a change of line manager, which
# belongs in the org chart.
MAX_LENGTH = timedelta(days=366)


class Field(StrEnum):
    """The form's fields; also the modal's block ids, so an error lands on its field."""

    DEPUTY = "deputy"
    STARTS_ON = "starts_on"
    ENDS_ON = "ends_on"


@dataclass(frozen=True)
class DelegationRequest:
    """What the person asked for, with what Nolan knows of the deputy they chose."""

    delegator_id: int
    deputy_id: int | None  # None: nobody chosen, or not found in the org chart
    deputy_chosen: bool  # a person was picked or mentioned (found or not)
    starts_on: date | None  # None: from today
    ends_on: date | None
    # The deputy's own delegation in force today, if they are away too: (their deputy, until).
    deputy_away: tuple[int, date] | None = None


@dataclass(frozen=True)
class Period:
    deputy_id: int
    starts_on: date
    ends_on: date  # inclusive


class InvalidDelegation(Invalid):
    """The form's answers failed these rules (refusal.Invalid)."""


def _day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def validate(request: DelegationRequest, today: date) -> Period:
    """Check a delegation before it is stored; raise InvalidDelegation with a message per field.

    The deputy must be in the org chart (they will be sent the approvals), not the delegator,
    and not away themselves when the delegation starts (approvals would pass on to a third
    person, or straight back to the delegator). The period starts today or later, ends on or
    after its start and lasts at most a year.
    """
    errors: dict[str, str] = {}
    starts_on = request.starts_on or today
    if request.deputy_id is None:
        errors[Field.DEPUTY] = (
            "That person isn't in the org chart, so they can't decide for you: choose a colleague."
            if request.deputy_chosen
            else "Choose who will decide for you while you are away."
        )
    elif request.deputy_id == request.delegator_id:
        errors[Field.DEPUTY] = "Choose someone other than yourself."
    elif request.deputy_away is not None and request.deputy_away[1] >= starts_on:
        their_deputy, until = request.deputy_away
        if their_deputy == request.delegator_id:
            errors[Field.DEPUTY] = (
                f"They have handed their own approvals to you until {_day(until)}: "
                "choose someone else."
            )
        else:
            errors[Field.DEPUTY] = (
                f"They are away too (their approvals go to a deputy until {_day(until)}): "
                "choose someone else."
            )
    if starts_on < today:
        errors[Field.STARTS_ON] = "That date has passed: choose today or a later date."
    if request.ends_on is None:
        errors[Field.ENDS_ON] = "Choose the last day the deputy decides for you."
    elif request.ends_on < today:
        errors[Field.ENDS_ON] = "That date has passed: choose today or a later date."
    elif request.ends_on < starts_on:
        errors[Field.ENDS_ON] = "The last day is before the first: choose a later date."
    elif request.ends_on - starts_on >= MAX_LENGTH:
        errors[Field.ENDS_ON] = (
            "A delegation can last up to a year. For longer, ask an admin to change the org chart."
        )
    if errors:
        raise InvalidDelegation(errors)
    assert request.deputy_id is not None and request.ends_on is not None
    return Period(request.deputy_id, starts_on, request.ends_on)
