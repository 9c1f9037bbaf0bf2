"""What the use-case tests share: the office (tests.e2e.harness's org chart), its settings,
and what a use case left in the outbox and the audit trail. No platform at all."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import col, select

from bot.rules import gifts, outside_work
from bot.settings import Policy, Settings
from storage.db import Database
from storage.models import AuditEntry, OutboxMessage, Staff

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # a Friday, in office hours
TODAY = NOW.date()


def settings(**chains: str) -> Settings:
    """The office's settings; `chains` replaces a kind's approval chain (bot.rules.chains)."""
    policy = Policy()
    if chains:
        policy = Policy(chains={**policy.chains, **chains})
    return Settings(policy=policy)


def owed(db: Database, after: int = 0) -> list[tuple[str, str]]:
    """(card name, recipient) of every message owed with an id above `after`, in order."""
    with db.session() as session:
        rows = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.id) > after).order_by(OutboxMessage.id)
        ).all()
        return [(r.kind, r.recipient) for r in rows]


def last_owed_id(db: Database) -> int:
    with db.session() as session:
        ids = session.exec(select(OutboxMessage.id)).all()
        return max((i for i in ids if i is not None), default=0)


def audit_actions(db: Database, declaration_id: int | None = None) -> list[str]:
    with db.session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if declaration_id is not None:
            query = query.where(AuditEntry.declaration_id == declaration_id)
        return [a.action for a in session.exec(query)]


def to(person: Staff) -> str:
    return f"staff:{person.id}"


def hospitality(**changes: object) -> gifts.GiftOffer:
    """Dinner offered by a contractor, to accept: the line manager authorises it."""
    form = gifts.GiftForm(
        kind="hospitality",
        offered_by="Acme Cleaning Ltd",
        relationship="contractor",
        description="Dinner at the Grand Hotel",
        value="85",
        date_offered=date(2026, 11, 18),
        event_date=date(2026, 11, 30),
        response="wants_to_accept",
        reason="Representing the office at the launch",
    )
    form = gifts.GiftForm(**{**form.__dict__, **changes})  # type: ignore[arg-type]
    return gifts.validate(form, gifts.Limits(), TODAY)


def outside_work_request(**changes: object) -> outside_work.OutsideWorkRequest:
    form = outside_work.OutsideWorkForm(
        organisation="Parish council",
        role="Councillor",
        pay="voluntary",
        hours="3",
        involves_partner="no",
        uses_office=("none",),
        when="outside_hours",
        start_date=date(2027, 1, 1),
    )
    form = outside_work.OutsideWorkForm(**{**form.__dict__, **changes})  # type: ignore[arg-type]
    return outside_work.validate(form, TODAY)
