"""Telling people about a delegation once it is stored: the deputy, the delegator, and the
cards that move between them."""

from __future__ import annotations

import logging

from bot.notifier import Message, Notifier
from handlers.approvals import chasing, delivery
from handlers.delegation import messages, service
from storage.db import Database
from storage.models import Staff

log = logging.getLogger(__name__)


def announce_created(
    db: Database, notifier: Notifier, created: service.Created, *, confirm: bool
) -> None:
    """After the ack: tell the deputy, move the cards, and (from the form, whose ack closed
    it) confirm to the delegator by DM."""
    started, period = created.started, created.period
    try:
        delivery.tell(
            notifier,
            created.deputy.slack_user_id,
            Message(
                text=messages.deputy_notice(
                    delegator_name=created.delegator.display_name,
                    starts_on=period.starts_on,
                    ends_on=period.ends_on,
                    moved=len(started.moves),
                    today=created.today,
                )
            ),
        )
        if confirm:
            delivery.tell(
                notifier, created.delegator.slack_user_id, Message(text=confirmation(created))
            )
    except Exception:  # the delegation stands; a lost courtesy DM is only logged
        log.exception("Could not tell people about delegation %s", started.delegation.id)
    why = f"delegated by {created.delegator.display_name} until {messages.long_day(period.ends_on)}"
    chasing.announce_moves(db, notifier, started.moves, why)
    chasing.announce_moves(db, notifier, started.returned, "the earlier delegation was replaced")


def confirmation(created: service.Created) -> str:
    return messages.confirmation(
        deputy_name=created.deputy.display_name,
        starts_on=created.period.starts_on,
        ends_on=created.period.ends_on,
        moved=len(created.started.moves),
        today=created.today,
    )


def announce_ended(
    db: Database,
    notifier: Notifier,
    ended: list[service.Ended],
    *,
    delegator: Staff,
    deputies: dict[int, Staff],
    by_itself: bool,
) -> list[str]:
    """The deputy is told (and, when it ended by itself, the delegator too); their old cards
    lose their buttons and the delegator gets the cards back. Returns what failed."""
    failures: list[str] = []
    for item in ended:
        deputy = deputies.get(item.delegation.deputy_id)
        deputy_name = deputy.display_name if deputy else "your deputy"
        try:
            delivery.tell(
                notifier,
                deputy.slack_user_id if deputy else None,
                Message(
                    text=messages.ended_for_deputy(
                        delegator_name=delegator.display_name,
                        moved=len(item.moves),
                        by_itself=by_itself,
                    )
                ),
            )
            if by_itself:
                delivery.tell(
                    notifier,
                    delegator.slack_user_id,
                    Message(
                        text=messages.ended_for_delegator(
                            deputy_name=deputy_name,
                            moved=len(item.moves),
                            by_itself=True,
                            ends_on=item.delegation.ends_on,
                        )
                    ),
                )
        except Exception as exc:
            log.warning("Could not tell people delegation %s ended: %s", item.delegation.id, exc)
            why = chasing.problem(exc)
            failures.append(f"could not tell people delegation {item.delegation.id} ended: {why}")
        why = f"the delegation to {deputy_name} has ended"
        failures += chasing.announce_moves(db, notifier, item.moves, why)
    return failures
