"""Repository functions for delegations: an approver's deputy for a period."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select

from bot.rules.status import StepStatus
from storage import audit
from storage.db import run
from storage.models import ApprovalStep, Declaration, Delegation, Staff

# In force on :on: not ended, and the day within its dates. Both statements built once (every
# routing asks who deputises).
_ON = (
    col(Delegation.ended_at).is_(None),
    col(Delegation.starts_on) <= bindparam("on"),
    col(Delegation.ends_on) >= bindparam("on"),
)
_IN_FORCE = select(Delegation).where(*_ON).order_by(col(Delegation.id))
_DEPUTIES = (
    sa_select(Delegation.delegator_id, Delegation.deputy_id)
    .where(*_ON)
    .order_by(col(Delegation.id))
)


def in_force(session: Session, *, on: date) -> list[Delegation]:
    return list(session.exec(_IN_FORCE, params={"on": on}))


def deputies(session: Session, *, on: date) -> dict[int, int]:
    """delegator -> deputy for delegations in force on `on` (the latest wins): `in_force`'s
    two columns, as a Core select."""
    return {delegator: deputy for delegator, deputy in run(session, _DEPUTIES, {"on": on})}


class DeputiesAsked(Mapping[int, int]):
    """`deputies`, read at the first question and kept: routing asks only once it has found
    an approver (a decision that ends its chain finds none)."""

    def __init__(self, session: Session, *, on: date) -> None:
        self._session, self._on = session, on
        self._read: dict[int, int] | None = None

    def _deputies(self) -> dict[int, int]:
        if self._read is None:
            self._read = deputies(self._session, on=self._on)
        return self._read

    def __getitem__(self, delegator_id: int) -> int:
        return self._deputies()[delegator_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._deputies())

    def __len__(self) -> int:
        return len(self._deputies())


def current_for(session: Session, *, delegator_id: int, on: date) -> Delegation | None:
    found = [d for d in in_force(session, on=on) if d.delegator_id == delegator_id]
    return found[-1] if found else None


def create(
    session: Session,
    *,
    delegator_id: int,
    deputy_id: int,
    starts_on: date,
    ends_on: date,
    now: datetime | None = None,
) -> Delegation:
    """A new delegation replaces any the delegator already has in force (ended at `now`)."""
    for old in open_for(session, delegator_id=delegator_id):
        old.ended_at = now or datetime.combine(starts_on, datetime.min.time()).astimezone()
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


def get(session: Session, *, delegation_id: int) -> Delegation | None:
    return session.get(Delegation, delegation_id, populate_existing=True)


def with_people(
    session: Session, *, delegation_id: int
) -> tuple[Delegation, Staff, Staff] | None:
    """A delegation with its delegator and deputy (None if any of them is gone): what a
    message about it is drawn from."""
    delegation = get(session, delegation_id=delegation_id)
    if delegation is None:
        return None
    delegator = session.get(Staff, delegation.delegator_id)
    deputy = session.get(Staff, delegation.deputy_id)
    if delegator is None or deputy is None:
        return None
    return delegation, delegator, deputy


_OPEN_FOR = (
    select(Delegation)
    .where(
        col(Delegation.delegator_id) == bindparam("delegator_id"),
        col(Delegation.ended_at).is_(None),
    )
    .order_by(col(Delegation.id))
)


def open_for(session: Session, *, delegator_id: int) -> list[Delegation]:
    """The delegator's delegations not yet ended: in force, or due to start (every Home)."""
    return list(session.exec(_OPEN_FOR, params={"delegator_id": delegator_id}))


def end(session: Session, *, delegation_id: int, at: datetime) -> bool:
    """Mark a delegation ended, once: the /conduct command and the daily sweep may race, and
    only the one whose conditional update lands moves the waiting items back."""
    result = session.execute(
        update(Delegation)
        .where(col(Delegation.id) == delegation_id, col(Delegation.ended_at).is_(None))
        .values(ended_at=at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def waiting_for(session: Session, *, delegator_id: int) -> list[ApprovalStep]:
    """Steps still waiting that are the delegator's: with them in their own right, or held
    for them by a deputy."""
    return list(
        session.exec(
            select(ApprovalStep)
            .where(
                col(ApprovalStep.status) == StepStatus.PENDING,
                or_(
                    (col(ApprovalStep.approver_id) == delegator_id)
                    & col(ApprovalStep.delegated_from_id).is_(None),
                    col(ApprovalStep.delegated_from_id) == delegator_id,
                ),
            )
            .order_by(col(ApprovalStep.id))
        )
    )


def excluded_deciders(session: Session, *, ids: set[int]) -> dict[int, frozenset[int]]:
    """Declaration id → people who may not decide it (the declarant, anyone named in it)."""
    if not ids:
        return {}
    rows = session.exec(select(Declaration).where(col(Declaration.id).in_(ids)))
    return {
        d.id: frozenset({d.declarant_id, d.named_staff_id} - {None})  # type: ignore[misc]
        for d in rows
        if d.id is not None
    }


def audited(session: Session, delegation: Delegation, *, action: str, **detail: Any) -> None:
    """An entry about a delegation — which, whose approvals, to whom — then `actor_id` and
    the detail as for audit.record."""
    audit.record(
        session,
        action=action,
        delegation_id=delegation.id,
        delegator_id=delegation.delegator_id,
        deputy_id=delegation.deputy_id,
        **detail,
    )
