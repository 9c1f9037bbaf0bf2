"""The yearly review's messages as each platform's drawer reads them back when they are sent
(Slack: handlers.reviews.owed, Teams: bot.teams.reviews): the sweep's question to the
member of staff (bot.jobs.reviews), recorded with "outside_work_review_sent" once sent, the
line manager's word that a permission has ended (bot.usecases.reviews.ENDED), and the
question redrawn with its answer (bot.usecases.reviews.ANSWERED)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.reviews import Permission, Reviewed
from storage import audit
from storage import confirmations as store

KIND = store.OUTSIDE_WORK_REVIEW  # a card and a key: one anniversary's review


def under_review(session: Session, message: Queued, today: date) -> tuple[Permission, date] | None:
    """The permission a review message asks about and its anniversary, as it stands `today`
    (None: no longer in force, nothing to review)."""
    payload = message.payload
    found = store.granted_outside_work(
        session, today=today, declaration_id=int(payload["declaration_id"])
    )
    if not found:
        return None
    [grant] = found
    permission = Permission(
        declaration_id=grant.declaration_id,
        reference=grant.reference,
        role=grant.role,
        organisation=grant.organisation,
        granted_on=date.fromisoformat(payload["granted_on"]),
    )
    return permission, date.fromisoformat(payload["anniversary"])


def review_sent(session: Session, message: Queued, _sent: object) -> None:
    """Recorded with the review's message once sent, on either platform."""
    audit.record(
        session,
        action="outside_work_review_sent",
        declaration_id=int(message.payload["declaration_id"]),
        anniversary=date.fromisoformat(message.payload["anniversary"]),
    )


def ended_permission(payload: dict[str, Any]) -> Permission:
    """The permission a line manager is told has ended (bot.usecases.reviews.ENDED)."""
    return Permission(
        declaration_id=int(payload["declaration_id"]),
        reference=str(payload["reference"]),
        role=str(payload["role"]),
        organisation=str(payload["organisation"]),
        granted_on=date.fromisoformat(payload["granted_on"]),
    )


def reviewed_from(payload: dict[str, Any]) -> Reviewed:
    """The answer a review's receipt shows (bot.usecases.reviews.ANSWERED)."""
    ended_on = payload.get("ended_on")
    return Reviewed(
        ended_permission(payload),
        str(payload["response"]),
        datetime.fromisoformat(str(payload["at"])),
        date.fromisoformat(ended_on) if ended_on else None,
    )
