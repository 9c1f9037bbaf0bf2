"""What a delegation owes (bot.usecases.delegate), drawn for Slack when the outbox sends it."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.delegate import CONFIRMED, DEPUTY_NOTICE, ENDED
from handlers.delegation import messages
from handlers.notifier import Message
from handlers.outgoing import Drawn, card, loading
from storage import delegations
from storage.models import Delegation, Staff

Found = tuple[Delegation, Staff, Staff]


def _load(session: Session, message: Queued) -> Found | None:
    return delegations.with_people(session, delegation_id=int(message.payload["delegation_id"]))


@loading(_load)
def _made(session: Session, message: Queued, found: Found) -> Drawn | None:
    """A delegation just made: the deputy's notice, or the delegator's confirmation."""
    delegation, delegator, deputy = found
    when = {
        "starts_on": delegation.starts_on,
        "ends_on": delegation.ends_on,
        "moved": int(message.payload["moved"]),
        "today": date.fromisoformat(message.payload["today"]),
    }
    if message.kind == CONFIRMED:
        return Drawn(Message(text=messages.confirmation(deputy_name=deputy.display_name, **when)))
    return Drawn(
        Message(text=messages.deputy_notice(delegator_name=delegator.display_name, **when))
    )


card(DEPUTY_NOTICE)(_made)
card(CONFIRMED)(_made)


@card(ENDED)
@loading(_load)
def draw_ended(session: Session, message: Queued, found: Found) -> Drawn | None:
    delegation, delegator, deputy = found
    moved, by_itself = int(message.payload["moved"]), bool(message.payload["by_itself"])
    if message.payload.get("told") == "delegator":
        text = messages.ended_for_delegator(
            deputy_name=deputy.display_name,
            moved=moved,
            by_itself=by_itself,
            ends_on=delegation.ends_on,
        )
    else:
        text = messages.ended_for_deputy(
            delegator_name=delegator.display_name, moved=moved, by_itself=by_itself
        )
    return Drawn(Message(text=text))
