"""Declarations of interest, as the approval engine sees them."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, col, func

from bot.rules.gifts import format_pounds
from bot.rules.interests import category_name
from bot.rules.risk import RiskFlag
from bot.rules.status import StepStatus
from bot.usecases.kinds import Earlier, Kind
from handlers.interests.cards import advice, describe, interest_card, interest_of
from storage import risk
from storage.declarations import Record
from storage.models import ApprovalStep, Declaration, GiftOffer, Interest

_INTERESTS_IN = Earlier(
    Interest,
    func.lower(func.trim(Interest.organisation)) == bindparam("organisation"),
    newest_first=[col(Interest.started_on).desc(), col(Declaration.id).desc()],
)
_OFFERS_FROM = Earlier(
    GiftOffer,
    func.lower(func.trim(GiftOffer.offered_by)) == bindparam("organisation"),
    newest_first=[col(GiftOffer.date_offered).desc(), col(Declaration.id).desc()],
)


def history(session: Session, record: Record) -> list[str]:
    """The declarant's other interests in the same organisation, and offers of gifts or
    hospitality from it, so the approver sees the whole relationship (issue 3)."""
    interest = interest_of(record)
    organisation = interest.organisation.strip().lower()
    if not organisation:
        return []
    interests = _INTERESTS_IN(session, record, organisation=organisation)
    # (The record itself is an interest, so excluding it changes nothing among the offers.)
    offers = _OFFERS_FROM(session, record, organisation=organisation)
    lines = []
    for d, i in interests:
        until = f"ended {i.ended_on:%d %b %Y}" if i.ended_on else "ongoing"
        lines.append(
            f"{d.reference} · interest since {i.started_on:%d %b %Y} ({until}) · "
            f"{category_name(i.category)} in {i.organisation} · {d.status.replace('_', ' ')}"
        )
    for d, g in offers:
        lines.append(
            f"{d.reference} · {g.date_offered:%d %b %Y} · {g.kind} offered by {g.offered_by} · "
            f"{format_pounds(g.value_pence)} · {d.status.replace('_', ' ')}"
        )
    return lines


def risks(session: Session, record: Record) -> list[RiskFlag]:
    """The flags kept at submission: a late declaration, an interest in a giver."""
    return risk.recorded(session, record.declaration.id or 0)


def on_decided(session: Session, record: Record, step: ApprovalStep) -> None:
    """ "Needs action": the action the approver set goes on the register row. Where two
    approvers (line manager and monitoring officer) each set one, both are kept."""
    if step.status != StepStatus.ACTION_REQUIRED or not (step.reason or "").strip():
        return
    interest = interest_of(record)
    action = (step.reason or "").strip()
    if not interest.action:
        interest.action = action
    elif action not in interest.action:
        interest.action = f"{interest.action}\n{action}"
    session.add(interest)


KIND = Kind(
    card=interest_card,
    describe=describe,
    history=history,
    on_decided=on_decided,
    advice=advice,
    risks=risks,
)
