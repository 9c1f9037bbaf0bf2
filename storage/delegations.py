"""Repository functions for delegations: an approver's deputy for a period."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from storage.models import Delegation


def in_force(session: Session, *, on: date) -> list[Delegation]:
    return list(
        session.exec(
            select(Delegation)
            .where(
                col(Delegation.ended_at).is_(None),
                Delegation.starts_on <= on,
                Delegation.ends_on >= on,
            )
            .order_by(col(Delegation.id))
        )
    )


def deputies(session: Session, *, on: date) -> dict[int, int]:
    """delegator -> deputy for delegations in force on `on` (the latest wins)."""
    return {d.delegator_id: d.deputy_id for d in in_force(session, on=on)}


def current_for(session: Session, *, delegator_id: int, on: date) -> Delegation | None:
    found = [d for d in in_force(session, on=on) if d.delegator_id == delegator_id]
    return found[-1] if found else None


def create(
    session: Session, *, delegator_id: int, deputy_id: int, starts_on: date, ends_on: date
) -> Delegation:
    """A new delegation replaces any the delegator already has in force."""
    for old in session.exec(
        select(Delegation).where(
            Delegation.delegator_id == delegator_id, col(Delegation.ended_at).is_(None)
        )
    ):
        old.ended_at = datetime.combine(starts_on, datetime.min.time()).astimezone()
        session.add(old)
    delegation = Delegation(
        delegator_id=delegator_id, deputy_id=deputy_id, starts_on=starts_on, ends_on=ends_on
    )
    session.add(delegation)
    session.flush()
    return delegation


def expired(session: Session, *, on: date) -> list[Delegation]:
    """Delegations whose last day has passed but which have not been closed yet."""
    return list(
        session.exec(
            select(Delegation).where(col(Delegation.ended_at).is_(None), Delegation.ends_on < on)
        )
    )
