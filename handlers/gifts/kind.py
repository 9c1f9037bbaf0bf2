"""Gifts and hospitality, as the approval engine sees them."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, col, func

from bot.rules.gifts import format_pounds
from bot.rules.risk import RiskFlag
from bot.usecases.kinds import Earlier, Kind
from handlers.gifts.cards import advice, gift_card, what_it_was
from storage import risk
from storage.declarations import Record
from storage.models import ApprovalStep, GiftOffer

_SAME_GIVER = Earlier(
    GiftOffer,
    func.lower(GiftOffer.offered_by) == bindparam("giver"),
    newest_first=[col(GiftOffer.date_offered).desc()],
)


def history(session: Session, record: Record) -> list[str]:
    """Earlier offers to this person from the same giver, so the approver sees a pattern."""
    rows = _SAME_GIVER(session, record, giver=record.offer.offered_by.lower())
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
