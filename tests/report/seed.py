"""A year of declarations for the annual report's tests, written straight to the tables so
every time (declared, decided) is exactly what the test says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from storage.db import Database
from storage.models import (
    ApprovalStep,
    Declaration,
    GiftOffer,
    Interest,
    OutsideWork,
    Policy,
    Staff,
)

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # a Friday in the 2026/27 year


@dataclass(frozen=True)
class Seeded:
    mo: int
    head: int
    manager: int
    staff: int


def _declaration(
    session: Session, kind: str, declarant: Staff, status: str, at: datetime, prefix: str
) -> Declaration:
    assert declarant.id is not None
    d = Declaration(kind=kind, declarant_id=declarant.id, status=status, created_at=at)
    session.add(d)
    session.flush()
    d.reference = f"{prefix}-{d.id:05d}"
    return d


def _step(
    session: Session,
    d: Declaration,
    approver: Staff,
    *,
    decided: datetime | None,
    status: str,
    created: datetime,
) -> None:
    assert d.id is not None and approver.id is not None
    session.add(
        ApprovalStep(
            declaration_id=d.id,
            role="line_manager",
            purpose="authorise",
            approver_id=approver.id,
            status=status,
            decided_by_id=approver.id if decided else None,
            decided_at=decided,
            created_at=created,
            clock_started_at=created,
        )
    )


def seed(db: Database, *, slack: dict[str, str] | None = None) -> Seeded:
    """Five gifts (three from one offeror, spelt three ways), an interest, an outside-work
    request still waiting, a lapsed clearance and an overdue policy."""
    slack = slack or {}
    with db.session() as session:
        mo = Staff(
            email="mo@office.example",
            name="Morag Officer",
            roles="monitoring_officer",
            slack_user_id=slack.get("mo"),
        )
        head = Staff(
            email="head@office.example",
            name="Hari Head",
            roles="head_of_office",
            slack_user_id=slack.get("head"),
        )
        manager = Staff(
            email="lm@office.example", name="Lena Manager", slack_user_id=slack.get("manager")
        )
        person = Staff(
            email="ann@office.example",
            name="Ann Staff",
            slack_user_id=slack.get("staff"),
            vetting_level="NPPV3",
            vetting_expires=date(2026, 9, 30),  # lapsed before NOW
        )
        for s in (mo, head, manager, person):
            session.add(s)
        session.flush()

        def gift(
            offered_by: str,
            status: str,
            *,
            day: date,
            value: int,
            response: str = "wants_to_accept",
            decided_after: timedelta | None = None,
        ) -> Declaration:
            at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
            d = _declaration(session, "gift", person, status, at, "GH")
            assert d.id is not None
            session.add(
                GiftOffer(
                    declaration_id=d.id,
                    kind="hospitality",
                    offered_by=offered_by,
                    relationship="contractor",
                    description="Dinner",
                    value_pence=value,
                    date_offered=day,
                    response=response,
                )
            )
            if decided_after is not None:
                _step(
                    session,
                    d,
                    manager,
                    decided=at + decided_after,
                    status=status,
                    created=at,
                )
            return d

        gift("Acme Ltd", "approved", day=date(2026, 5, 4), value=4000, decided_after=timedelta(1))
        gift("ACME  ltd", "declined", day=date(2026, 6, 1), value=6000, decided_after=timedelta(3))
        gift(
            "acme ltd",
            "approved",
            day=date(2026, 7, 6),
            value=5000,
            decided_after=timedelta(days=10),
        )
        gift("Bidco", "recorded", day=date(2026, 8, 3), value=1500, response="declined")
        gift("Acme Ltd", "approved", day=date(2025, 6, 1), value=100, decided_after=timedelta(1))

        interest_at = datetime(2026, 4, 20, 9, tzinfo=UTC)
        i = _declaration(session, "interest", person, "noted", interest_at, "INT")
        assert i.id is not None
        session.add(
            Interest(
                declaration_id=i.id,
                category="financial",
                organisation="Shares plc",
                description="Shares",
                started_on=date(2026, 1, 1),
            )
        )
        _step(
            session,
            i,
            manager,
            decided=interest_at + timedelta(days=2),
            status="noted",
            created=interest_at,
        )

        work_at = datetime(2026, 11, 2, 9, tzinfo=UTC)  # waiting 14 working days by NOW
        w = _declaration(session, "outside_work", person, "pending", work_at, "OW")
        assert w.id is not None
        session.add(
            OutsideWork(
                declaration_id=w.id,
                organisation="Parish council",
                role="Clerk",
                paid=True,
                hours_per_week=4,
                when="outside_hours",
                start_date=date(2026, 12, 1),
            )
        )
        _step(session, w, manager, decided=None, status="pending", created=work_at)

        session.add(Policy(title="Whistleblowing policy", next_review=date(2026, 10, 1)))
        session.add(Policy(title="Gifts policy", next_review=date(2027, 10, 1)))
        session.commit()
        assert mo.id and head.id and manager.id and person.id
        return Seeded(mo.id, head.id, manager.id, person.id)
