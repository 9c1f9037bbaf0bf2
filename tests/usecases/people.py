"""For the use-case tests (core3's: vetting, policies, the yearly answers, the registers): a
small office on a real database with no platform at all, the settings, and what the outbox
and the audit trail hold afterwards."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.settings import Policy, Settings
from storage import declarations
from storage.db import Database
from storage.models import ApprovalStep, AuditEntry, OutboxMessage, OutsideWork, Staff

NOW = datetime(2027, 2, 1, 10, 0, tzinfo=UTC)  # a Monday, in working hours

# key: (name, roles, line manager's key)
OFFICE = {
    "head": ("Harriet Head", "head_of_office", None),
    "mo": ("Morgan Monitor", "monitoring_officer", "head"),
    "admin": ("Ada Admin", "admin", "head"),
    "vetting": ("Vera Vetting", "vetting_officer", "head"),
    "vetting2": ("Victor Vetting", "vetting_officer", "head"),
    "manager": ("Manny Manager", "", "head"),
    "alice": ("Alice Able", "", "manager"),
    "bob": ("Bob Loner", "", "manager"),
}


@dataclass(frozen=True)
class Owed:
    """One message in the outbox: its card, to whom ("staff:<id>", or where a reminder went),
    what it updates (the outbox id of the message redrawn) and its payload."""

    card: str
    to: str
    updates: int | None
    payload: dict[str, Any]


SETTINGS = Settings(slack_bot_token="xoxb-usecases", database_url="sqlite://", policy=Policy())


def seed(db: Database) -> dict[str, Staff]:
    """Everyone in OFFICE, detached (as the platform adapter hands the actor over)."""
    with db.session() as session:
        rows = {
            key: Staff(email=f"{key}@opcc.example", name=name, roles=roles)
            for key, (name, roles, _) in OFFICE.items()
        }
        session.add_all(rows.values())
        session.flush()
        for key, (_, _, manager) in OFFICE.items():
            if manager:
                rows[key].line_manager_id = rows[manager].id
        session.commit()
        for row in rows.values():
            session.refresh(row)
        session.expunge_all()
        return rows


def owed(db: Database) -> list[Owed]:
    with db.session() as session:
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        return [
            Owed(row.kind, row.recipient, row.updates_id, json.loads(row.payload))
            for row in rows
            if row.payload is not None  # a queued message, not a reminder's ledger key
        ]


def audited(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(
            session.exec(
                select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
            ).all()
        )


def outside_work(session: Session, who: Staff, *, status: str) -> int:
    """A request for permission to coach a football club, declared by `who`."""
    declarant = session.get(Staff, who.id)
    assert declarant is not None
    d = declarations.create_declaration(
        session, kind="outside_work", declarant=declarant, status=status
    )
    assert d.id is not None
    session.add(
        OutsideWork(
            declaration_id=d.id,
            organisation="Riverside Youth Football Club",
            role="Volunteer coach",
            paid=False,
            hours_per_week=3,
            when="outside_hours",
            start_date=date(2024, 9, 1),
        )
    )
    return d.id


GRANTED = datetime(2025, 1, 30, 11, 0, tzinfo=UTC)
REVIEWED = "2027-01-30"  # the permission's second anniversary: the review NOW answers


def granted_permission(
    db: Database, people: dict[str, Staff], *, by: str = "head", at: datetime = GRANTED
) -> int:
    """Alice's permission to coach a football club, granted by `by` (a key of `people`) at
    `at`."""
    with db.session() as session:
        declaration_id = outside_work(session, people["alice"], status="approved")
        session.add(
            ApprovalStep(
                declaration_id=declaration_id,
                role="head_of_office",
                purpose="grant",
                approver_id=people[by].id,
                status="granted",
                decided_by_id=people[by].id,
                decided_at=at,
            )
        )
        session.commit()
        return declaration_id
