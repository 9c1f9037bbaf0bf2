"""The office the use-case tests work in, on a real database with no platform at all: its
org chart (no chat accounts), declarations put on their approval chain, and what the outbox
owes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot import engine
from bot.rules.chains import parse_chain
from storage import declarations, staff
from storage.db import Database
from storage.models import ApprovalStep, AuditEntry, GiftOffer, OutboxMessage, Staff

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # a Friday
TODAY = date(2026, 11, 20)

# key: (name, manager, roles)
PEOPLE = {
    "head": ("Harriet Head", None, "head_of_office"),
    "mo": ("Morgan Monitor", "head", "monitoring_officer"),
    "manager": ("Manny Manager", "head", ""),
    "alice": ("Alice Able", "manager", ""),
    "eve": ("Eve Other", "manager", ""),
    "admin": ("Ada Admin", "head", "admin"),
}


def declare_hospitality(
    session: Session, declarant_id: int, *, chain: str, on: date, at: datetime
) -> engine.Opened:
    """A hospitality declaration by `declarant_id` offered `on`, put on `chain` at `at`; the
    caller commits."""
    declarant = staff.by_id(session, staff_id=declarant_id)
    assert declarant is not None
    declaration = declarations.create_declaration(
        session, kind="gift", declarant=declarant, status="pending"
    )
    assert declaration.id is not None
    session.add(
        GiftOffer(
            declaration_id=declaration.id,
            kind="hospitality",
            offered_by="Acme Cleaning Ltd",
            relationship="contractor",
            description="Dinner at the Grand Hotel",
            value_pence=8500,
            date_offered=on,
            event_date=on + timedelta(days=20),
            response="wants_to_accept",
            reason="Representing the office",
        )
    )
    return engine.start(
        session,
        declaration=declaration,
        declarant=declarant,
        chain=parse_chain(chain),
        org=staff.org_view(session, on=on),
        now=at,
    )


@dataclass
class Office:
    db: Database
    people: dict[str, Staff]

    def id(self, key: str) -> int:
        found = self.people[key].id
        assert found is not None
        return found

    def declare(self, who: str = "alice", chain: str = "line_manager:authorise") -> ApprovalStep:
        """A hospitality declaration put on its chain; its first step."""
        with self.db.session() as session:
            opened = declare_hospitality(session, self.id(who), chain=chain, on=TODAY, at=NOW)
            session.commit()
            return opened.steps[0]

    def staff(self, key: str) -> Staff:
        with self.db.session() as session:
            found = staff.by_id(session, staff_id=self.id(key))
            assert found is not None
            return found

    def step(self, step_id: int) -> ApprovalStep:
        with self.db.session() as session:
            found = declarations.get_step(session, step_id=step_id)
            assert found is not None
            return found

    def card_sent(self, step_id: int) -> None:
        """As if the step's card had reached its approver (where it went, for updates)."""
        with self.db.session() as session:
            step = declarations.get_step(session, step_id=step_id)
            assert step is not None
            step.dm_channel, step.dm_ts = "D-card", f"{step_id}.000"
            session.add(step)
            session.commit()

    def owed(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every message queued: (card, recipient, payload), oldest first."""
        with self.db.session() as session:
            rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
            return [(r.kind, r.recipient, json.loads(r.payload or "{}")) for r in rows]

    def audit(self, action: str) -> list[dict[str, Any]]:
        with self.db.session() as session:
            rows = session.exec(
                select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
            ).all()
            return [{"actor_id": a.actor_id, **json.loads(a.detail or "{}")} for a in rows]


def seed(db: Database) -> Office:
    with db.session() as session:
        rows = {}
        for key, (name, _manager, roles) in PEOPLE.items():
            rows[key] = Staff(email=f"{key}@opcc.example", name=name, roles=roles)
            session.add(rows[key])
        session.flush()
        for key, (_name, manager, _roles) in PEOPLE.items():
            if manager:
                rows[key].line_manager_id = rows[manager].id
        session.commit()
        people = {k: staff.by_id(session, staff_id=v.id or 0) for k, v in rows.items()}
    return Office(db, {k: v for k, v in people.items() if v is not None})


def to(office: Office, key: str) -> str:
    return f"staff:{office.id(key)}"
