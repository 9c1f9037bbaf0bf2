"""Confirmations — a person's answer to something Nolan asked of them for a period (the
annual declaration, the code of conduct undertaking, an outside-work review) — and the
loading the yearly round needs, each in a constant number of queries however many staff.

A confirmation is written once per (kind, subject, period): `confirm` inserts with ON
CONFLICT DO NOTHING, so two presses of a button (or two processes) record one answer.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from bot.rules.status import INTEREST_NOTED, DeclarationStatus, StepStatus
from storage.db import conflict_insert, run
from storage.models import (
    ApprovalStep,
    AuditEntry,
    Confirmation,
    Declaration,
    Interest,
    OutsideWork,
    Policy,
    Staff,
)

ANNUAL = "annual_declaration"
UNDERTAKING = "undertaking"
OUTSIDE_WORK_REVIEW = "outside_work_review"
# The audit action of an admin's "send the undertaking to everyone" (its detail holds `on`).
SEND_ALL = "undertaking_send_all"

# Declarations that change what the annual declaration lists.
UPDATING_KINDS = ("interest", "outside_work")
# Interests the annual declaration lists: decided ones, and those still waiting (marked so).
CURRENT_INTEREST = (*INTEREST_NOTED, DeclarationStatus.PENDING)


def staff_subject(staff_id: int) -> str:
    return f"staff:{staff_id}"


def declaration_subject(declaration_id: int) -> str:
    return f"declaration:{declaration_id}"


@dataclass(frozen=True)
class Asked:
    """What a confirmation answers — one kind of question, about one subject (a person, a
    declaration), for one period — and so its key: one answer each."""

    kind: str
    subject: str
    period: str


def confirm(session: Session, asked: Asked, *, staff_id: int, response: str, at: datetime) -> bool:
    """Record the answer; False if one was already recorded (the first answer stands). A Core
    statement (storage.db.run): the annual declaration's every "Nothing has changed" runs it."""
    inserted = run(
        session,
        conflict_insert(session, Confirmation)
        .values(**asdict(asked), staff_id=staff_id, response=response, responded_at=at)
        .on_conflict_do_nothing(index_elements=["kind", "subject", "period"])
        .returning(Confirmation.id),
    ).scalar()
    return inserted is not None


def get(session: Session, asked: Asked) -> Confirmation | None:
    return session.exec(
        select(Confirmation).where(
            Confirmation.kind == asked.kind,
            Confirmation.subject == asked.subject,
            Confirmation.period == asked.period,
        )
    ).first()


def subjects(session: Session, *, kind: str, period: str | None = None) -> set[str]:
    """Subjects with an answer of `kind` (for one period, or any)."""
    query = select(Confirmation.subject).where(Confirmation.kind == kind)
    if period is not None:
        query = query.where(Confirmation.period == period)
    return set(session.exec(query).all())


def answered_since(session: Session, *, kind: str, period_from: str) -> set[tuple[str, str]]:
    """(subject, period) of every answer of `kind` whose period sorts at or after
    `period_from` (periods are ISO dates or years, so text order is date order)."""
    rows = session.exec(
        select(Confirmation.subject, Confirmation.period).where(
            Confirmation.kind == kind, Confirmation.period >= period_from
        )
    ).all()
    return {(s, p) for s, p in rows}


# -- who is asked ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The columns of an active member of staff the yearly round needs (not whole rows:
    there may be 100,000)."""

    id: int
    name: str
    slack_user_id: str | None
    tz: str | None
    starter_since: date | None
    teams_id: str | None = None

    @property
    def reachable(self) -> bool:
        """Nolan can send them a message, on some platform."""
        return bool(self.slack_user_id or self.teams_id)


def active_people(session: Session) -> list[Person]:
    rows = session.exec(
        select(
            Staff.id,
            Staff.name,
            Staff.email,
            Staff.slack_user_id,
            Staff.tz,
            Staff.starter_since,
            Staff.teams_id,
        )
        .where(col(Staff.active).is_(True))
        .order_by(col(Staff.id))
    ).all()
    return [
        Person(
            id=i, name=name or email, slack_user_id=slack, tz=tz, starter_since=since, teams_id=t
        )
        for i, name, email, slack, tz, since, t in rows
        if i is not None
    ]


# -- the annual declaration ---------------------------------------------------------------------


def annual_answers(session: Session, *, period: str) -> dict[int, str]:
    """{staff id: response} for the year's annual declaration."""
    rows = session.exec(
        select(Confirmation.staff_id, Confirmation.response).where(
            Confirmation.kind == ANNUAL, Confirmation.period == period
        )
    ).all()
    return dict(rows)


def record_updates(session: Session, *, period: str, since: datetime, now: datetime) -> int:
    """Whoever declared an interest or asked about outside work since the annual day has
    answered it by updating their record: record "updated" for them (at their first such
    declaration) unless they already answered. One query to find them; returns how many."""
    rows = session.exec(
        select(Declaration.declarant_id, func.min(Declaration.created_at))
        .where(
            col(Declaration.kind).in_(UPDATING_KINDS),
            col(Declaration.created_at) >= since,
            col(Declaration.created_at) <= now,
        )
        .group_by(col(Declaration.declarant_id))
    ).all()
    answered = set(annual_answers(session, period=period))
    added = 0
    for staff_id, first in rows:
        if staff_id in answered:
            continue
        asked = Asked(ANNUAL, staff_subject(staff_id), period)
        if confirm(session, asked, staff_id=staff_id, response="updated", at=first):
            added += 1
    return added


@dataclass
class Holdings:
    """What a person's annual declaration lists: (reference, row) pairs."""

    interests: list[tuple[str, Interest]] = field(default_factory=list)
    outside_work: list[tuple[str, OutsideWork]] = field(default_factory=list)
    # Interests still waiting for a decision: declaration id -> who must decide.
    waiting_for: dict[int, list[str]] = field(default_factory=dict)


def current_holdings(
    session: Session, *, today: date, staff_ids: Iterable[int] | None = None
) -> dict[int, Holdings]:
    """Current interests (declared and not withdrawn or ended, with who must still decide
    those waiting) and outside-work permissions (granted, not ended) of everyone (or of
    `staff_ids`), grouped by person: three queries."""
    ids = None if staff_ids is None else sorted(set(staff_ids))
    held: dict[int, Holdings] = defaultdict(Holdings)
    interests = (
        select(Declaration.declarant_id, Declaration.reference, Declaration.status, Interest)
        .join(Interest, col(Interest.declaration_id) == col(Declaration.id))
        .where(
            col(Declaration.status).in_(CURRENT_INTEREST),
            or_(col(Interest.ended_on).is_(None), col(Interest.ended_on) > today),
        )
        .order_by(col(Declaration.id))
    )
    work = (
        select(Declaration.declarant_id, Declaration.reference, OutsideWork)
        .join(OutsideWork, col(OutsideWork.declaration_id) == col(Declaration.id))
        .where(
            Declaration.status == DeclarationStatus.APPROVED,
            or_(col(OutsideWork.ended_on).is_(None), col(OutsideWork.ended_on) > today),
        )
        .order_by(col(Declaration.id))
    )
    deciders = (
        select(Declaration.declarant_id, Declaration.id, Staff.name, Staff.email)
        .join(ApprovalStep, col(ApprovalStep.declaration_id) == col(Declaration.id))
        .join(Staff, col(Staff.id) == col(ApprovalStep.approver_id))
        .where(
            Declaration.kind == "interest",
            Declaration.status == DeclarationStatus.PENDING,
            ApprovalStep.status == StepStatus.PENDING,
        )
        .order_by(col(ApprovalStep.id))
    )
    if ids is not None and len(ids) <= 500:  # a longer IN list: load everyone's and pick
        interests = interests.where(col(Declaration.declarant_id).in_(ids))
        work = work.where(col(Declaration.declarant_id).in_(ids))
        deciders = deciders.where(col(Declaration.declarant_id).in_(ids))
    wanted = None if ids is None else set(ids)
    for staff_id, reference, status, interest in session.exec(interests):
        if wanted is None or staff_id in wanted:
            held[staff_id].interests.append((reference or "", interest))
            if status == DeclarationStatus.PENDING:
                held[staff_id].waiting_for[interest.declaration_id] = []
    for staff_id, declaration_id, name, email in session.exec(deciders):
        if wanted is None or staff_id in wanted:
            held[staff_id].waiting_for.setdefault(declaration_id, []).append(name or email)
    for staff_id, reference, job in session.exec(work):
        if wanted is None or staff_id in wanted:
            held[staff_id].outside_work.append((reference or "", job))
    return dict(held)


# -- outside-work reviews -----------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    declaration_id: int
    reference: str
    declarant_id: int
    organisation: str
    role: str
    granted_at: datetime


def granted_outside_work(
    session: Session, *, today: date, declaration_id: int | None = None
) -> list[Grant]:
    """Every outside-work permission in force today (or only this declaration's), with when
    it was granted (the granting step's decision): one query."""
    only = [] if declaration_id is None else [col(Declaration.id) == declaration_id]
    rows = session.exec(
        select(
            Declaration.id,
            Declaration.reference,
            Declaration.declarant_id,
            OutsideWork.organisation,
            OutsideWork.role,
            func.max(ApprovalStep.decided_at),
        )
        .join(OutsideWork, col(OutsideWork.declaration_id) == col(Declaration.id))
        .join(ApprovalStep, col(ApprovalStep.declaration_id) == col(Declaration.id))
        .where(
            Declaration.kind == "outside_work",
            Declaration.status == DeclarationStatus.APPROVED,
            ApprovalStep.status == StepStatus.GRANTED,
            col(ApprovalStep.decided_at).is_not(None),
            or_(col(OutsideWork.ended_on).is_(None), col(OutsideWork.ended_on) > today),
            *only,
        )
        .group_by(
            col(Declaration.id),
            col(Declaration.reference),
            col(Declaration.declarant_id),
            col(OutsideWork.organisation),
            col(OutsideWork.role),
        )
        .order_by(col(Declaration.id))
    ).all()
    return [
        Grant(i, ref or "", declarant, organisation, role, granted)
        for i, ref, declarant, organisation, role, granted in rows
        if i is not None and granted is not None
    ]


# -- the undertaking ----------------------------------------------------------------------------


def send_all_day(session: Session) -> date | None:
    """The day an admin last asked for the undertaking to go to everyone, if ever."""
    entry = session.exec(
        select(AuditEntry).where(AuditEntry.action == SEND_ALL).order_by(col(AuditEntry.id).desc())
    ).first()
    if entry is None:
        return None
    return date.fromisoformat(json.loads(entry.detail)["on"])


def code_of_conduct_link(session: Session) -> str | None:
    """The link of the policy marked as the office's code of conduct, if there is one."""
    url = session.exec(
        select(Policy.url)
        .where(col(Policy.is_code_of_conduct).is_(True), col(Policy.active).is_(True))
        .where(Policy.url != "")
        .order_by(col(Policy.id))
    ).first()
    return url or None
