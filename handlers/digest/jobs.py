"""The weekly governance digest (bot.sweep.JOBS): on Monday, or the next working day when
Monday is a bank holiday, Nolan posts in GOVERNANCE_CHANNEL how the office stands — counts
only: declarations made last week by kind, decisions waiting, lapsed vetting clearances,
policies due or overdue for review.

Never a person's private details (cumbria "Disclosure of Information"; derbyshire §8): no
names, no references, nothing about what was declared. Notifications that cannot wait
(criminal charges, proceedings, vetting changes) are left out altogether, counts included:
they go to the named officers, never to a channel, and in a small office even "1" can point
at someone.

One ledger key per week (kind "governance_digest", subject "week:<Monday>", the channel,
the day it fell due). The counts take a constant number of queries however many staff or
declarations there are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from bot.ledger import send_once
from bot.notifier import Posted
from bot.rules.calendar import next_working_day
from bot.rules.status import DeclarationStatus, StepStatus
from handlers.approvals.chasing import problem
from handlers.digest import messages
from storage import policies, reminders
from storage.models import ApprovalStep, Declaration, Staff
from storage.reminders import Key

if TYPE_CHECKING:
    from bot.sweep import Sweep

log = logging.getLogger(__name__)

DIGEST = "governance_digest"
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


def digest_day(monday: date) -> date:
    """Monday, or the next working day if Monday is a bank holiday."""
    return next_working_day(monday)


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


def post_governance_digest(sweep: Sweep) -> None:
    channel = sweep.settings.policy.governance_channel
    if not channel:
        return  # no GOVERNANCE_CHANNEL: no digest
    monday = week_of(sweep.today)
    due_on = digest_day(monday)
    if sweep.today < due_on:
        return
    key = Key(DIGEST, f"week:{monday.isoformat()}", channel, due_on)
    with sweep.db.session() as session:
        if key in reminders.sent_keys(session, kinds=(DIGEST,), since=due_on):
            return
        counts = gather(
            session,
            today=sweep.today,
            now=sweep.now,
            tz=sweep.settings.policy.tz,
            policy_window_days=max(sweep.settings.policy.policy_lead_days),
        )
    message = messages.digest(counts, office=sweep.settings.policy.office_name)
    error: list[str] = []

    def send() -> Posted:
        try:
            return sweep.notifier.post(channel, message)
        except Exception as exc:
            error.append(problem(exc))
            raise

    result = send_once(sweep.db, key, send, now=sweep.now)
    if result.error:
        why = error[0] if error else result.error.splitlines()[0]
        sweep.report.failed(
            f"could not post the governance digest in channel {channel}: {why}. Is Nolan a "
            "member of it? Invite it with /invite @Nolan; the next run tries again."
        )
    elif result.sent:
        sweep.report.did(
            "governance_digest",
            f"Posted the governance digest for the week of {messages.short_day(monday)} in "
            f"channel {channel}.",
        )
