"""Outside work, as the approval engine sees it."""

from __future__ import annotations

from sqlmodel import Session

from bot.rules.outside_work import format_hours
from bot.rules.risk import Code, RiskFlag
from bot.rules.status import DeclarationStatus, StepStatus
from bot.usecases.kinds import Earlier, Kind
from handlers.outside_work.cards import advice, outside_work_card, row_of, what_it_was
from handlers.text import clip
from storage import risk
from storage.declarations import Record
from storage.models import ApprovalStep, OutsideWork

_OUTSIDE_WORK = Earlier(OutsideWork)


def history(session: Session, record: Record) -> list[str]:
    """The declarant's other outside-work permissions and requests, newest first, so the
    approvers see the whole of what they do outside the office."""
    rows = _OUTSIDE_WORK(session, record)
    lines = []
    for declaration, work in rows:
        granted = declaration.status == DeclarationStatus.APPROVED
        line = (
            f"{declaration.reference} · asked {declaration.created_at:%d %b %Y} · "
            f"{clip(work.role, 60)} for {clip(work.organisation, 60)} · "
            f"{format_hours(work.hours_per_week)} h a week · "
            f"{'paid' if work.paid else 'voluntary'} · "
            f"{'granted' if granted else declaration.status}"
        )
        if work.conditions:
            line += f" (conditions: {clip(work.conditions, 80)})"
        if work.ended_on:
            line += f" · ended {work.ended_on:%d %b %Y}"
        lines.append(line)
    return lines


def risks(session: Session, record: Record) -> list[RiskFlag]:
    """The flags kept at submission, less work with a contractor or partner: the card's own
    warning already says so, with its clause."""
    return [
        f
        for f in risk.recorded(session, record.declaration.id or 0)
        if f.code is not Code.CONTRACTOR_WORK
    ]


def on_decided(session: Session, record: Record, step: ApprovalStep) -> None:
    """Keep the register row in step with the chain: the recommendation, and the
    permission's conditions or the refusal's reason (derbyshire §12: a record of approval)."""
    row = row_of(record)
    if step.purpose == "recommend":
        row.recommendation = step.status
    elif step.status == StepStatus.GRANTED:
        row.conditions = step.reason or None
    elif step.status == StepStatus.REFUSED:
        row.reason = step.reason
    else:
        return
    session.add(row)


KIND = Kind(
    card=outside_work_card,
    describe=what_it_was,
    history=history,
    on_decided=on_decided,
    advice=advice,
    risks=risks,
)
