"""A message the delivery worker (bot.outbox) has taken to send, and what it does under that
claim. The claim's token is its `claimed_at`: one taken over by another worker, as stale, is
stamped later. So a claim that waited its turn is renewed only if the token still holds
(`kept`), and what became of the message is recorded only while it does (storage.outbox
.mark_sent / mark_failed, one statement each): a send that outlasted its lease and was taken
over records nothing when it ends, and says so once (`taken_over`). A message in parts whose
later part failed keeps what went (`SendFailed.went`) in its descriptor, under the claim too,
for its retry to resume after it (`went_of`). An update the platform's answer to a press
already made is recorded as sent without being sent (`made_in_place`)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from sqlmodel import Session

from bot.rules.calendar import held_until, zone_named
from bot.rules.status import OutboxStatus
from bot.sending import Partly, Posted, Queued, Sender
from storage import outbox, outbox_pace, staff
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claim:
    """A message taken to send, and its attempt's number (for the back-off)."""

    message: Queued
    attempts: int
    claimed_at: datetime  # the claim's token
    descriptor: str  # the message's payload as queued


def kept(db: Database, claim: Claim, now: datetime) -> Claim | None:
    """The claim renewed as of `now`; None if another worker has taken it since."""
    with db.session(durable=False) as session:
        renewed = outbox_pace.keep(
            session, message_id=claim.message.id, claimed_at=claim.claimed_at, now=now
        )
        session.commit()
    return replace(claim, claimed_at=now) if renewed else None


# The descriptor's key for what went of a message in parts, taken out before a sender sees it.
WENT = "_went"


def went_of(payload: dict[str, Any]) -> Partly | None:
    """What went of a message in parts before an attempt failed, taken out of its descriptor."""
    went = payload.pop(WENT, None)
    if not isinstance(went, dict):
        return None
    first = went.get("first")
    where = (str(first[0]), str(first[1])) if first else None
    return Partly(int(went["parts"]), where, int(went.get("failed", 0)))


def _keeping(descriptor: str, went: Partly) -> str:
    payload = json.loads(descriptor)
    first = list(went.first) if went.first else None
    payload[WENT] = {"parts": went.parts, "first": first, "failed": went.failed}
    return json.dumps(payload, sort_keys=True)


def record_failed(
    db: Database, claim: Claim, *, error: str, status: OutboxStatus, not_before: datetime | None,
    went: Partly | None = None,
) -> None:
    """A failed attempt (to retry after `not_before`; dead, parked or put back), under the
    claim, with what went of it if it is in parts."""
    descriptor = _keeping(claim.descriptor, went) if went is not None else None
    with db.session(durable=False) as session:
        marked = outbox.mark_failed(
            session, reminder_id=claim.message.id, claimed_at=claim.claimed_at, error=error,
            status=status, not_before=not_before, payload=descriptor,
        )
        session.commit()
    if not marked:
        taken_over(claim)


def taken_over(claim: Claim) -> None:
    """A record that found its claim taken over (the send outlasted the lease) changed nothing."""
    log.info(
        "Outbox message %s (%s) was taken over by another worker while it was sent: what this"
        " one saw of it is not recorded", claim.message.id, claim.message.kind,
    )


def made_in_place(
    session: Session, sender: Sender, message: Queued, *, message_id: int, now: datetime,
    stale_after: Any,
) -> bool:
    """An update the platform's answer to a press already made (payload REDRAWN: Teams'
    invoke response replaced the pressed card): taken and recorded as sent at that card's
    place, with what its sender writes beside it (Teams: the updates of the card's other
    copies), in the caller's transaction. No request to the platform, so nothing counted
    against its pace. False if another worker has it."""
    assert message.updates is not None
    if not outbox.take(session, message_id=message_id, now=now, stale_after=stale_after):
        return False
    channel, ts = message.updates
    sender.record(session, message, Posted(channel, ts))
    return outbox.mark_sent(
        session, reminder_id=message_id, claimed_at=now, now=now, channel=channel, ts=ts
    )


def held_until_for(session: Session, message: Queued, office_tz: tzinfo) -> datetime | None:
    """When a message for working hours (`due_at`) should go instead, for a sender that holds
    them (Teams): None to send it now. It is judged as of the later of when it fell due and
    the pass's time (a sweep run as at 20:00 holds it; a morning message whose retries ran
    into the evening waits too), in the recipient's zone, else the office's."""
    if message.due_at is None:
        return None
    tz = None
    if message.recipient.startswith("staff:"):
        person = staff.by_id(session, staff_id=int(message.recipient.removeprefix("staff:")))
        tz = person.tz if person is not None else None
    at = max(message.due_at, message.at or message.due_at)
    return held_until(at, zone_named(tz) or office_tz)
