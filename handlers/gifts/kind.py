"""Gifts and hospitality, as the approval engine sees them."""

from __future__ import annotations

from sqlmodel import Session, col, func

from bot.rules.gifts import format_pounds
from bot.rules.risk import RiskFlag
from bot.usecases.kinds import Kind, earlier
from handlers.gifts.cards import advice, gift_card, what_it_was
from storage import risk
from storage.declarations import Record
from storage.models import ApprovalStep, GiftOffer


def history(session: Session, record: Record) -> list[str]:
    """Earlier offers to this person from the same giver, so the approver sees a pattern."""
    rows = earlier(
        session,
        record,
        GiftOffer,
        func.lower(GiftOffer.offered_by) == record.offer.offered_by.lower(),
        newest_first=[col(GiftOffer.date_offered).desc()],
    )
    return [
        f"{d.reference} · {g.date_offered:%d %b %Y} · {g.kind} from {g.offered_by} · "
        f"{format_pounds(g.value_pence)} · {d.status.replace('_', ' ')}"
        for d, g in rows
    ]


def risks(session: Session, record: Record) -> list[RiskFlag]:
    """The flags kept at submission, less those the card's own warnings already give with
    their clause (retrospective, and a giver declared as a bidder)."""
    return [
        f
        for f in risk.recorded(session, record.declaration.id or 0)
        if f.code not in record.offer.flag_set
    ]


def on_decided(session: Session, record: Record, step: ApprovalStep) -> None:
    if step.purpose == "dispose":
        record.offer.disposal = step.status
        session.add(record.offer)


KIND = Kind(
    card=gift_card,
    describe=what_it_was,
    history=history,
    on_decided=on_decided,
    advice=advice,
    risks=risks,
)
