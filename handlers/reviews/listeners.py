"""The three answers to an outside-work permission's yearly review."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from sqlalchemy import or_, update
from sqlmodel import Session, col

from bot import engine
from bot.notifier import Notifier
from bot.rules.approvals import Purpose
from bot.rules.chains import Seat
from bot.rules.refusal import Refused
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver
from bot.rules.status import StepStatus
from bot.settings import Settings
from handlers import manager_picker
from handlers.annual.common import pressed_message
from handlers.approvals import delivery
from handlers.outside_work.views import outside_work_modal
from handlers.reviews.ids import ReviewRef
from handlers.reviews.messages import Permission, ended_notice, reviewed_message
from storage import audit, declarations, staff
from storage import confirmations as store
from storage.db import Database
from storage.models import OutsideWork, Staff

log = logging.getLogger(__name__)

NOT_YOURS = "Only the person who holds this permission can answer its review."
LINE_MANAGER_SEAT = Seat(ApproverRole.LINE_MANAGER, Purpose.RECOMMEND)


@dataclass(frozen=True)
class Reviewing:
    me: Staff
    permission: Permission
    ended_on: date | None
    answered: tuple[str, datetime] | None  # an earlier answer to this review


def _load(session: Session, me: Staff | None, ref: ReviewRef, settings: Settings) -> Reviewing:
    """The review being answered, or Refused: why it can't be."""
    record = declarations.load_record(session, declaration_id=ref.declaration_id)
    if record is None or record.declaration.kind != "outside_work" or me is None:
        raise Refused("Nolan can't find that permission.")
    if record.declaration.declarant_id != me.id:
        raise Refused(NOT_YOURS)
    work = record.detail
    assert isinstance(work, OutsideWork)
    granted = [
        s.decided_at for s in record.steps if s.status == StepStatus.GRANTED and s.decided_at
    ]
    granted_on = max(granted).astimezone(settings.policy.tz).date() if granted else work.start_date
    first = store.get(
        session,
        kind=store.OUTSIDE_WORK_REVIEW,
        subject=store.declaration_subject(ref.declaration_id),
        period=ref.period,
    )
    return Reviewing(
        me=me,
        permission=Permission(
            declaration_id=ref.declaration_id,
            reference=record.declaration.reference or "",
            role=work.role,
            organisation=work.organisation,
            granted_on=granted_on,
        ),
        ended_on=work.ended_on,
        answered=(first.response, first.responded_at) if first else None,
    )


def _load_running(
    session: Session, me: Staff | None, ref: ReviewRef, settings: Settings
) -> Reviewing:
    """_load, refused as well when the permission has ended without this review answered."""
    reviewing = _load(session, me, ref, settings)
    if reviewing.ended_on is not None and reviewing.answered is None:
        raise Refused(f"{reviewing.permission.reference} has already ended.")
    return reviewing


def _record(
    session: Session, reviewing: Reviewing, ref: ReviewRef, response: str, now: datetime
) -> tuple[str, datetime]:
    """Record the answer (the first one stands) and its audit entry; returns the answer."""
    assert reviewing.me.id is not None
    if store.confirm(
        session,
        kind=store.OUTSIDE_WORK_REVIEW,
        subject=store.declaration_subject(ref.declaration_id),
        period=ref.period,
        staff_id=reviewing.me.id,
        response=response,
        at=now,
    ):
        audit.record(
            session,
            action="outside_work_reviewed",
            actor_id=reviewing.me.id,
            declaration_id=ref.declaration_id,
            anniversary=ref.period,
            response=response,
        )
        return response, now
    first = store.get(
        session,
        kind=store.OUTSIDE_WORK_REVIEW,
        subject=store.declaration_subject(ref.declaration_id),
        period=ref.period,
    )
    assert first is not None
    return first.response, first.responded_at


def _show(
    notifier: Notifier,
    body: dict[str, Any],
    reviewing: Reviewing,
    answer: tuple[str, datetime],
    settings: Settings,
    ended_on: date | None = None,
) -> None:
    where = pressed_message(body)
    if where is not None:
        response, at = answer
        notifier.update(
            where,
            reviewed_message(
                reviewing.permission,
                response=response,
                at=at,
                policy=settings.policy,
                ended_on=ended_on or reviewing.ended_on,
            ),
        )


def unchanged(
    ack: Ack,
    body: dict[str, Any],
    meta: ReviewRef,
    actor: Staff | None,
    db: Database,
    notifier: Notifier,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    ack()
    ref = meta
    now = clock()
    with db.session() as session:
        reviewing = _load_running(session, actor, ref, settings)
        answer = _record(session, reviewing, ref, "confirmed", now)
        session.commit()
    _show(notifier, body, reviewing, answer, settings)


def changed(
    ack: Ack,
    body: dict[str, Any],
    meta: ReviewRef,
    actor: Staff | None,
    client: WebClient,
    db: Database,
    notifier: Notifier,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    """Open the /outside-work form pre-filled (the change is a new request for permission),
    and record the review's answer as "updated"."""
    ack()
    ref = meta
    now = clock()
    with db.session() as session:
        reviewing = _load_running(session, actor, ref, settings)
        ask_for_manager = manager_picker.needs_choice(session, reviewing.me)
    p = reviewing.permission
    client.views_open(
        trigger_id=body["trigger_id"],
        view=outside_work_modal(
            organisation=p.organisation,
            notes=f"A change to {p.reference} ({p.role}, granted {p.granted_on:%d %b %Y}): ",
            ask_for_manager=ask_for_manager,
            head_title=settings.policy.head_of_office_title,
        ),
    )
    with db.session() as session:
        answer = _record(session, reviewing, ref, "updated", now)
        session.commit()
    _show(notifier, body, reviewing, answer, settings)


def ended(
    ack: Ack,
    body: dict[str, Any],
    meta: ReviewRef,
    actor: Staff | None,
    db: Database,
    notifier: Notifier,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    """End the permission today (once: a conditional update), record the review's answer,
    and tell the line manager for information."""
    ack()
    ref = meta
    now = clock()
    today = now.astimezone(settings.policy.tz).date()
    with db.session() as session:
        reviewing = _load(session, actor, ref, settings)
        result = session.execute(
            update(OutsideWork)
            .where(
                col(OutsideWork.declaration_id) == ref.declaration_id,
                or_(col(OutsideWork.ended_on).is_(None), col(OutsideWork.ended_on) > today),
            )
            .values(ended_on=today)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            session.rollback()
            if reviewing.answered is not None:
                _show(notifier, body, reviewing, reviewing.answered, settings)
            else:
                raise Refused(f"{reviewing.permission.reference} has already ended.")
        audit.record(
            session,
            action="ended",
            actor_id=reviewing.me.id,
            declaration_id=ref.declaration_id,
            ended_on=today,
            via="yearly review",
        )
        answer = _record(session, reviewing, ref, "ended", now)
        manager = _line_manager(session, reviewing, settings, today)
        session.commit()
    _show(notifier, body, reviewing, answer, settings, ended_on=today)
    if manager is None:
        return
    delivery.tell(
        notifier,
        manager,
        ended_notice(reviewing.permission, declarant=reviewing.me.display_name, ended_on=today),
    )
    with db.session() as session:
        audit.record(
            session, action="notified", declaration_id=ref.declaration_id, told=["line_manager"]
        )
        session.commit()


def _line_manager(
    session: Session, reviewing: Reviewing, settings: Settings, today: date
) -> str | None:
    """The Slack id of whoever is the member of staff's line manager today (one role up if
    they have none), never themselves."""
    record = declarations.load_record(session, declaration_id=reviewing.permission.declaration_id)
    assert record is not None
    org = staff.org_view(session, on=today)
    target = engine.route_seat(LINE_MANAGER_SEAT, record.declaration, reviewing.me, org)
    if not isinstance(target, Approver):
        return None
    person = staff.by_id(session, staff_id=target.person_id)
    if person is None or person.id == reviewing.me.id or not person.slack_user_id:
        return None
    return person.slack_user_id
