"""Ending an interest from /conduct mine: the form, and the end recorded (the declaration
kept, its end date and reason added) with the audit entry and the messages it owes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from sqlalchemy import update
from sqlmodel import Session, col

from bot import engine
from bot.rules import interests as rules
from bot.rules.approvals import Purpose
from bot.rules.chains import Seat
from bot.rules.refusal import STALE_FORM, STALE_IN_MINE, Refused
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver
from bot.rules.status import INTEREST_NOTED, DeclarationStatus
from bot.settings import Settings
from handlers.interests.cards import describe, interest_of
from handlers.interests.form import read_end_date
from handlers.interests.ids import END_DATE
from handlers.interests.listeners import office_today
from handlers.interests.owed import owe_ended
from handlers.interests.views import end_modal
from handlers.metadata import DeclarationRef
from storage import audit, declarations, staff
from storage.db import Database
from storage.declarations import Record
from storage.models import Interest, Staff

# Who is told an interest has ended, besides the member of staff.
LINE_MANAGER_SEAT = Seat(ApproverRole.LINE_MANAGER, Purpose.NOTE)


def _why_not_end(record: Record | None, me: Staff | None) -> str | None:
    """Why this person can't end this interest now, or None if they can."""
    if me is None or record is None or record.declaration.kind != "interest":
        return "Nolan can't find that interest."
    if record.declarant.id != me.id:
        return "Only the person who declared an interest can end it."
    interest = interest_of(record)
    if interest.ended_on is not None:
        return f"{record.declaration.reference} has already ended ({interest.ended_on:%d %b %Y})."
    if record.declaration.status == DeclarationStatus.PENDING:
        return (
            f"{record.declaration.reference} is still waiting to be noted. If it no longer "
            "applies, withdraw it instead."
        )
    if record.declaration.status not in INTEREST_NOTED:
        status = record.declaration.status.replace("_", " ")
        return f"{record.declaration.reference} is {status}: there is nothing to end."
    return None


def open_end_interest(
    ack: Ack,
    body: dict[str, Any],
    meta: DeclarationRef,
    actor: Staff | None,
    client: WebClient,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    """The "End this interest…" button in /conduct mine: ask for the end date."""
    ack()
    ref = meta
    with db.session() as session:
        record = declarations.load_record(session, declaration_id=ref.declaration_id)
        problem = _why_not_end(record, actor)
    if problem is not None or record is None:
        raise Refused(problem or STALE_IN_MINE)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=end_modal(
            declaration_id=ref.declaration_id,
            reference=record.declaration.reference or "",
            what=describe(record),
            today=office_today(settings, clock),
        ),
    )


def submit_end_interest(
    ack: Ack,
    view: dict[str, Any],
    meta: DeclarationRef,
    actor: Staff | None,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    """Set the end date once (a conditional update: two submissions, one end date), keep the
    record, and owe the line manager word of it (for information) in the same transaction."""
    ref, me = meta, actor
    ended_on = read_end_date(view["state"]["values"])
    now = clock()
    with db.session() as session:
        record = declarations.load_record(session, declaration_id=ref.declaration_id)
        problem = _why_not_end(record, me)
        if problem is None and record is not None:
            problem = rules.end_date_problem(
                ended_on,
                started_on=interest_of(record).started_on,
                today=now.astimezone(settings.policy.tz).date(),
            )
        if problem is not None or record is None or me is None:
            raise Refused(problem or STALE_FORM, END_DATE)
        result = session.execute(
            update(Interest)
            .where(
                col(Interest.declaration_id) == ref.declaration_id,
                col(Interest.ended_on).is_(None),
            )
            .values(ended_on=ended_on)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            session.rollback()
            raise Refused("This interest has already ended.", END_DATE)
        audit.record(
            session,
            action="ended",
            actor_id=me.id,
            declaration_id=ref.declaration_id,
            ended_on=ended_on,
        )
        told = _who_to_tell(session, record, me, settings, now)
        owe_ended(session, ref.declaration_id, told=told, declarant_id=me.id or 0)
        if told:
            audit.record(
                session,
                action="notified",
                declaration_id=ref.declaration_id,
                told=["line_manager"],
            )
        session.commit()
    ack()


def _who_to_tell(
    session: Session, record: Record, me: Staff, settings: Settings, now: datetime
) -> list[str]:
    """The line manager (whoever would note it today, skipping anyone named in it), and the
    monitoring officer where they noted it too (a restricted post)."""
    org = staff.org_view(session, on=now.astimezone(settings.policy.tz).date())
    ids: list[int] = []
    target = engine.route_seat(LINE_MANAGER_SEAT, record.declaration, me, org)
    if isinstance(target, Approver):
        ids.append(target.person_id)
    for step in record.steps:
        if step.role == ApproverRole.MONITORING_OFFICER.value and step.approver_id not in ids:
            ids.append(step.approver_id)
    slack_ids = []
    for person_id in ids:
        person = staff.by_id(session, staff_id=person_id)
        if person is not None and person.slack_user_id and person.id != me.id:
            slack_ids.append(person.slack_user_id)
    return slack_ids
