"""The yearly review of an outside-work permission (Derbyshire §12: "a record of approval is
kept" — and a record is only worth keeping while it is true). On each anniversary of the
grant its holder answers once: it continues unchanged, it has changed (a new request, made
with the /outside-work form), or it has ended — then it ends today, and their line manager
is told for information."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlmodel import Session

from bot import engine
from bot.outbox import Pressed, owe_receipt, queue, to_staff
from bot.rules.approvals import Purpose
from bot.rules.chains import Seat
from bot.rules.refusal import Refused
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver
from bot.rules.status import StepStatus
from bot.settings import Settings
from bot.usecases.answers import answer_once
from storage import confirmations as store
from storage import declarations, endings, staff
from storage.db import Database
from storage.models import OutsideWork, Staff

NOT_YOURS = "Only the person who holds this permission can answer its review."
NOT_FOUND = "Nolan can't find that permission."
LINE_MANAGER_SEAT = Seat(ApproverRole.LINE_MANAGER, Purpose.RECOMMEND)

# What ending a permission at its review owes: word to the line manager (drawn by each
# platform: handlers.reviews.owed for Slack).
ENDED = "outside_work_review_ended"
# The review's message redrawn with the answer that stands (Reviewed.as_payload; Slack: with
# the pressed message's place, bot.owing.Pressed; Teams: in place of the sweep's card).
ANSWERED = "outside_work_review_answered"


@dataclass(frozen=True)
class Permission:
    """A permission for outside work, as its review names it."""

    declaration_id: int
    reference: str
    role: str
    organisation: str
    granted_on: date

    def as_payload(self) -> dict[str, Any]:
        """The permission as a message about it carries it (read back by
        bot.usecases.reviews_owed.ended_permission)."""
        return {
            "declaration_id": self.declaration_id,
            "reference": self.reference,
            "role": self.role,
            "organisation": self.organisation,
            "granted_on": self.granted_on.isoformat(),
        }


@dataclass(frozen=True)
class Reviewed:
    """The answer that stands to this anniversary's review."""

    permission: Permission
    response: str
    at: datetime
    ended_on: date | None  # the permission's end, if it has one

    def as_payload(self) -> dict[str, Any]:
        """As the receipt (ANSWERED) carries it (read back by
        bot.usecases.reviews_owed.reviewed_from)."""
        return {
            **self.permission.as_payload(),
            "response": self.response,
            "at": self.at.isoformat(),
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
        }


@dataclass(frozen=True)
class _Review:
    staff_id: int
    permission: Permission
    ended_on: date | None
    answered: tuple[str, datetime] | None  # an earlier answer to this review


def _asked(declaration_id: int, period: str) -> store.Asked:
    """The review of this permission for this anniversary."""
    return store.Asked(store.OUTSIDE_WORK_REVIEW, store.declaration_subject(declaration_id), period)


def _load(
    session: Session, actor: Staff | None, declaration_id: int, period: str, settings: Settings
) -> _Review:
    """The review being answered, or Refused: why it can't be."""
    record = declarations.load_record(session, declaration_id=declaration_id)
    if record is None or record.declaration.kind != "outside_work" or actor is None:
        raise Refused(NOT_FOUND)
    if actor.id is None or record.declaration.declarant_id != actor.id:
        raise Refused(NOT_YOURS)
    work = record.detail
    assert isinstance(work, OutsideWork)
    granted = [
        s.decided_at for s in record.steps if s.status == StepStatus.GRANTED and s.decided_at
    ]
    granted_on = max(granted).astimezone(settings.policy.tz).date() if granted else work.start_date
    first = store.get(session, _asked(declaration_id, period))
    return _Review(
        staff_id=actor.id,
        permission=Permission(
            declaration_id=declaration_id,
            reference=record.declaration.reference or "",
            role=work.role,
            organisation=work.organisation,
            granted_on=granted_on,
        ),
        ended_on=work.ended_on,
        answered=(first.response, first.responded_at) if first else None,
    )


def _running(review: _Review) -> _Review:
    """Refused as well when the permission has ended without this review answered."""
    if review.ended_on is not None and review.answered is None:
        raise Refused(f"{review.permission.reference} has already ended.")
    return review


def _answer(
    session: Session, review: _Review, period: str, response: str, now: datetime
) -> Reviewed:
    answer = answer_once(
        session,
        _asked(review.permission.declaration_id, period),
        staff_id=review.staff_id,
        response=response,
        now=now,
        action="outside_work_reviewed",
        detail={
            "declaration_id": review.permission.declaration_id,
            "anniversary": period,
            "response": response,
        },
    )
    return Reviewed(review.permission, answer.response, answer.at, review.ended_on)


def permission_under_review(
    db: Database, *, actor: Staff | None, declaration_id: int, period: str, settings: Settings
) -> Permission:
    """The permission whose review `actor` is answering "it has changed" (the form for the
    new request is filled in from it); Refused if it is not theirs or has ended."""
    with db.session() as session:
        return _running(_load(session, actor, declaration_id, period, settings)).permission


def answer_review(
    db: Database,
    *,
    actor: Staff | None,
    declaration_id: int,
    period: str,
    response: Literal["confirmed", "updated"],
    settings: Settings,
    now: datetime,
    pressed: Pressed | None = None,
) -> Reviewed:
    """It continues unchanged ("confirmed"), or has changed ("updated": the change is a new
    request). The first answer stands. `pressed`: the message to redraw as its receipt."""
    with db.session() as session:
        review = _running(_load(session, actor, declaration_id, period, settings))
        reviewed = _answer(session, review, period, response, now)
        _owe_receipt(session, review, reviewed, pressed)
        session.commit()
        return reviewed


def _owe_receipt(
    session: Session, review: _Review, reviewed: Reviewed, pressed: Pressed | None
) -> None:
    """The pressed message redrawn as the answer that stands (ANSWERED), with the answer."""
    if pressed is not None:
        owe_receipt(
            session,
            ANSWERED,
            staff_id=review.staff_id,
            subject=store.declaration_subject(review.permission.declaration_id),
            pressed=pressed,
            **reviewed.as_payload(),
        )


def end_at_review(
    db: Database,
    *,
    actor: Staff | None,
    declaration_id: int,
    period: str,
    settings: Settings,
    now: datetime,
    pressed: Pressed | None = None,
) -> Reviewed:
    """It has ended: the permission ends today (once: a conditional update), the review is
    answered "ended", and the line manager is owed word of it, in one transaction. Pressed
    again once answered, the answer that stands. `pressed`: the message to redraw as its
    receipt."""
    today = now.astimezone(settings.policy.tz).date()
    with db.session() as session:
        review = _load(session, actor, declaration_id, period, settings)
        if not endings.end_permission(
            session,
            declaration_id=declaration_id,
            on=today,
            actor_id=review.staff_id,
            via="yearly review",
        ):
            if review.answered is not None:
                response, at = review.answered
                standing = Reviewed(review.permission, response, at, review.ended_on)
                _owe_receipt(session, review, standing, pressed)
                session.commit()
                return standing
            raise Refused(f"{review.permission.reference} has already ended.")
        reviewed = _answer(session, review, period, "ended", now)
        manager_id = _line_manager(session, review, declaration_id, today)
        if manager_id is not None:
            queue(
                session,
                ENDED,
                subject=store.declaration_subject(declaration_id),
                recipient=to_staff(manager_id),
                **review.permission.as_payload(),
                declarant_id=review.staff_id,
                ended_on=today.isoformat(),
            )
        ended = Reviewed(review.permission, reviewed.response, reviewed.at, today)
        _owe_receipt(session, review, ended, pressed)
        session.commit()
        return ended


def _line_manager(
    session: Session, review: _Review, declaration_id: int, today: date
) -> int | None:
    """Whoever is the member of staff's line manager today (one role up if they have none),
    never themselves."""
    record = declarations.load_record(session, declaration_id=declaration_id)
    me = staff.by_id(session, staff_id=review.staff_id)
    assert record is not None and me is not None
    org = staff.org_view(session, on=today)
    target = engine.route_seat(LINE_MANAGER_SEAT, record.declaration, me, org)
    if not isinstance(target, Approver) or target.person_id == review.staff_id:
        return None
    return target.person_id
