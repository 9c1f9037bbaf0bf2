"""The counts of the weekly governance digest (handlers.digest) and the annual report's
lapsed vetting (bot.report): declarations made in a week by kind, decisions waiting, vetting
clearances lapsed or due, policies due or overdue for review — in a constant number of
queries however many staff or declarations there are.

Notifications that cannot wait (criminal charges, proceedings, vetting changes) are left out
altogether, counts included: in a small office even "1" can point at someone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from bot.rules.status import DeclarationStatus, StepStatus
from storage import policies
from storage.models import ApprovalStep, Declaration, Staff

# Confidential to the officers it goes to: never counted in a channel.
CONFIDENTIAL_KINDS = ("notice",)
# Clearances expiring this soon are counted as "due for renewal".
VETTING_SOON = timedelta(days=30)
# A decision waiting longer than this is counted apart.
LONG_WAIT = timedelta(days=7)


@dataclass(frozen=True)
class Counts:
    week_start: date  # the Monday of the week counted (the week before the digest)
    declarations: dict[str, int] = field(default_factory=dict)  # kind -> made that week
    waiting: int = 0
    waiting_long: int = 0
    vetting_lapsed: int = 0
    vetting_soon: int = 0
    policies_due: int = 0
    policies_overdue: int = 0
    policy_window_days: int = 0


def week_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def _utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)


def gather(
    session: Session,
    *,
    today: date,
    now: datetime,
    tz: ZoneInfo,
    policy_window_days: int,
) -> Counts:
    """Everything the digest says, in four queries."""
    week_start = week_of(today) - timedelta(days=7)
    start, end = _utc(week_start, tz), _utc(week_start + timedelta(days=7), tz)
    made = session.exec(
        select(Declaration.kind, func.count())
        .where(
            col(Declaration.created_at) >= start,
            col(Declaration.created_at) < end,
            col(Declaration.kind).not_in(CONFIDENTIAL_KINDS),
        )
        .group_by(col(Declaration.kind))
    ).all()
    started = func.coalesce(col(ApprovalStep.clock_started_at), col(ApprovalStep.created_at))
    waiting = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((started < now - LONG_WAIT, 1), else_=0)), 0),
        )
        .select_from(ApprovalStep)
        .join(Declaration, col(Declaration.id) == col(ApprovalStep.declaration_id))
        .where(
            col(ApprovalStep.status) == StepStatus.PENDING,
            col(Declaration.status) == DeclarationStatus.PENDING,
            col(Declaration.kind).not_in(CONFIDENTIAL_KINDS),
        )
    ).one()
    expires = col(Staff.vetting_expires)
    vetting = session.execute(
        select(
            func.coalesce(func.sum(case((expires < today, 1), else_=0)), 0),
            func.coalesce(
                func.sum(case((expires.between(today, today + VETTING_SOON), 1), else_=0)), 0
            ),
        ).where(col(Staff.active).is_(True))
    ).one()
    due = policies.counts(session, today=today, within_days=policy_window_days)
    return Counts(
        week_start=week_start,
        declarations={kind: int(n) for kind, n in made},
        waiting=int(waiting[0]),
        waiting_long=int(waiting[1]),
        vetting_lapsed=int(vetting[0]),
        vetting_soon=int(vetting[1]),
        policies_due=due.due,
        policies_overdue=due.overdue,
        policy_window_days=policy_window_days,
    )
