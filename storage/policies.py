"""Repository functions for the office's policies (the `policy` table) and the reminders
Nolan has posted about them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from bot.rules.policies import ValidPolicy
from bot.rules.status import ReminderStatus
from storage.models import Policy, Reminder

# The ledger kinds of policy reminders (bot.ledger keys).
REVIEW_KIND = "policy_review"
OVERDUE_KIND = "policy_overdue"
KINDS = (REVIEW_KIND, OVERDUE_KIND)


def subject(policy_id: int) -> str:
    return f"policy:{policy_id}"


def listed(session: Session) -> list[Policy]:
    """Every policy, active ones first, each group by next review date (undated last)."""
    return list(
        session.exec(
            select(Policy).order_by(
                col(Policy.active).desc(),
                col(Policy.next_review).is_(None),
                col(Policy.next_review),
                col(Policy.id),
            )
        )
    )


def get(session: Session, *, policy_id: int) -> Policy | None:
    return session.get(Policy, policy_id)


_CODE_OF_CONDUCT = select(Policy).where(
    col(Policy.is_code_of_conduct).is_(True), col(Policy.active).is_(True)
)


def code_of_conduct(session: Session) -> Policy | None:
    """The policy marked as the office's code of conduct, if any (at most one is): every
    Home shows it (a statement built once)."""
    return session.exec(_CODE_OF_CONDUCT).first()


def reviewable(session: Session) -> list[Policy]:
    """Active policies with a next review date: what the sweep looks at (one query)."""
    return list(
        session.exec(
            select(Policy)
            .where(col(Policy.active).is_(True), col(Policy.next_review).is_not(None))
            .order_by(col(Policy.id))
        )
    )


FIELDS = (
    "title",
    "owner_id",
    "url",
    "last_reviewed",
    "review_months",
    "next_review",
    "channel_id",
    "is_code_of_conduct",
    "active",
)


def _values(valid: ValidPolicy, owner_id: int) -> dict[str, Any]:
    return {
        "title": valid.title,
        "owner_id": owner_id,
        "url": valid.url,
        "last_reviewed": valid.last_reviewed,
        "review_months": valid.review_months,
        "next_review": valid.next_review,
        "channel_id": valid.channel_id,
        "is_code_of_conduct": valid.is_code_of_conduct,
        "active": valid.active,
    }


def add(session: Session, *, valid: ValidPolicy, owner_id: int) -> Policy:
    policy = Policy(**_values(valid, owner_id))
    session.add(policy)
    session.flush()
    return policy


def change(
    session: Session, *, policy: Policy, valid: ValidPolicy, owner_id: int
) -> dict[str, list[Any]]:
    """Apply the form to the policy; returns {field: [old, new]} for what changed."""
    changes: dict[str, list[Any]] = {}
    for name, value in _values(valid, owner_id).items():
        old = getattr(policy, name)
        if old != value:
            changes[name] = [old, value]
            setattr(policy, name, value)
    session.add(policy)
    session.flush()
    return changes


def clear_code_of_conduct(session: Session, *, keep_id: int) -> list[int]:
    """Only one policy is the code of conduct: unmark the others; returns their ids."""
    others = [
        p.id
        for p in session.exec(
            select(Policy).where(
                col(Policy.is_code_of_conduct).is_(True), col(Policy.id) != keep_id
            )
        )
        if p.id is not None
    ]
    if others:
        session.execute(
            update(Policy)
            .where(col(Policy.id).in_(others))
            .values(is_code_of_conduct=False)
            .execution_options(synchronize_session=False)
        )
    return others


def mark_reviewed(
    session: Session,
    *,
    policy_id: int,
    expected_next: date | None,
    reviewed_on: date,
    next_review: date,
) -> bool:
    """Record a review, if the policy is still due on `expected_next` (a conditional
    update: two people marking the same review at once record it once)."""
    due = (
        col(Policy.next_review).is_(None)
        if expected_next is None
        else col(Policy.next_review) == expected_next
    )
    result = session.execute(
        update(Policy)
        .where(col(Policy.id) == policy_id, col(Policy.active).is_(True), due)
        .values(last_reviewed=reviewed_on, next_review=next_review)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def posted_reminders(session: Session, *, policy_id: int, since: date) -> list[Reminder]:
    """Reminders about the policy that reached Slack with a message that can be updated
    (channel posts and DMs sent at once; not those Slack held to post later), due on or
    after `since`."""
    return list(
        session.exec(
            select(Reminder)
            .where(
                col(Reminder.kind).in_(KINDS),
                Reminder.subject == subject(policy_id),
                Reminder.status == ReminderStatus.SENT,
                col(Reminder.ts).is_not(None),
                Reminder.due_on >= since,
            )
            .order_by(col(Reminder.id))
        )
    )


@dataclass(frozen=True)
class Counts:
    due: int  # review date within the lead window, not yet passed
    overdue: int  # review date passed


def counts(session: Session, *, today: date, within_days: int) -> Counts:
    """Active policies due for review soon and overdue, in one query."""
    horizon = today + timedelta(days=within_days)
    next_review = col(Policy.next_review)
    row = session.execute(
        select(
            func.coalesce(func.sum(case((next_review.between(today, horizon), 1), else_=0)), 0),
            func.coalesce(func.sum(case((next_review < today, 1), else_=0)), 0),
        ).where(col(Policy.active).is_(True))
    ).one()
    return Counts(due=int(row[0]), overdue=int(row[1]))


def owners(policies: Iterable[Policy]) -> set[int]:
    return {p.owner_id for p in policies if p.owner_id is not None}
