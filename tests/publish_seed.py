"""Registers for the 2026/27 publication tests: offers and interests either side of the year's
bounds, items withheld on two grounds, and hostile text from the database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from bot.rules.gifts import GiftOffer, GiftType, Limits, OfferKind, Relationship, Response, assess
from storage.db import Database
from storage.declarations import create_declaration, create_gift
from storage.models import Declaration, Interest, Staff

HOSTILE = '<img src="https://tracker.example/x.png" onerror="alert(1)">'
FORMULA = '=HYPERLINK("https://evil.example")'
# The gifts page's first columns, always shown: what a reader needs (issue 11).
FIRST_GIFT_HEADINGS = [
    "Date offered",
    "Name",
    "Offered by",
    "Gift or hospitality",
    "What was offered",
    "Value (£)",
    "Accepted or declined",
]


def _gift(
    session: Session,
    declarant: Staff,
    day: date,
    offered_by: str,
    pence: int,
    *,
    kind: OfferKind = OfferKind.GIFT,
    withheld: str | None = None,
    description: str = "A bottle of wine",
) -> Declaration:
    offer = GiftOffer(
        kind=kind,
        gift_type=GiftType.ITEM if kind is OfferKind.GIFT else None,
        offered_by=offered_by,
        relationship=Relationship.CONTRACTOR,
        description=description,
        value_pence=pence,
        date_offered=day,
        event_date=day if kind is OfferKind.HOSPITALITY else None,
        response=Response.DECLINED,
        reason="",
    )
    declaration, _ = create_gift(
        session, declarant=declarant, offer=offer, assessment=assess(offer, Limits(), day)
    )
    declaration.withheld_reason = withheld
    return declaration


def _interest(
    session: Session,
    declarant: Staff,
    declared: datetime,
    category: str,
    organisation: str,
    *,
    withheld: str | None = None,
) -> Declaration:
    declaration = create_declaration(session, kind="interest", declarant=declarant, status="noted")
    declaration.created_at = declared
    declaration.withheld_reason = withheld
    assert declaration.id is not None
    session.add(
        Interest(
            declaration_id=declaration.id,
            category=category,
            organisation=organisation,
            description="Director",
            started_on=date(2020, 1, 1),
            conflict="Internal only",
            proposal="Internal only",
        )
    )
    return declaration


def seed(db: Database) -> dict[str, str]:
    """Returns references by name. Published in 2026/27: first_day, dinner, hostile,
    last_day (gifts) and shares (interests)."""
    with db.session() as session:
        ann = Staff(email="ann@office.example", name="Ann Ébrard")
        ben = Staff(email="ben@office.example", name="Ben <b>Bold</b> & Co")
        session.add_all([ann, ben])
        session.flush()
        made = {
            "before": _gift(session, ann, date(2026, 3, 31), "Early Ltd", 1000),
            "first_day": _gift(session, ann, date(2026, 4, 1), "Acme Ltd", 2500),
            "dinner": _gift(
                session,
                ben,
                date(2026, 6, 10),
                FORMULA,
                8000,
                kind=OfferKind.HOSPITALITY,
                description="Dinner, 3 courses",
            ),
            "hostile": _gift(session, ben, date(2026, 9, 1), HOSTILE, 1250),
            "safety_1": _gift(
                session, ann, date(2026, 10, 1), "Secret Ltd", 900, withheld="personal_safety"
            ),
            "safety_2": _gift(
                session, ben, date(2026, 11, 1), "Secret Ltd", 900, withheld="personal_safety"
            ),
            "commercial": _gift(
                session, ann, date(2026, 12, 1), "Bid Co", 900, withheld="commercial"
            ),
            "last_day": _gift(
                session, ann, date(2027, 3, 31), "Zeta Events", 123_456, kind=OfferKind.HOSPITALITY
            ),
            "after": _gift(session, ann, date(2027, 4, 1), "Late Ltd", 1000),
            # Interests are dated by the day declared, in the office's time zone: 23:30 UTC
            # on 31 March 2026 is 00:30 on 1 April in London, so in 2026/27.
            "shares": _interest(
                session, ann, datetime(2026, 3, 31, 23, 30, tzinfo=UTC), "financial", "Acme Ltd"
            ),
            "lodge": _interest(
                session,
                ben,
                datetime(2026, 5, 2, 9, tzinfo=UTC),
                "membership",
                "The Lodge",
                withheld="personal_safety",  # never publishable: not counted either
            ),
            "charity": _interest(
                session,
                ben,
                datetime(2026, 7, 1, 9, tzinfo=UTC),
                "non_financial",
                "Refuge charity",
                withheld="personal_data",
            ),
        }
        session.commit()
        return {name: d.reference or "" for name, d in made.items()}
