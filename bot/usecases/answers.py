"""Answering what Nolan asked once a year or once ever: the annual declaration's "Nothing has
changed" and the code of conduct undertaking's acceptance. Each answer is recorded once per
person and period — a second press, or a press on a reminder after answering, finds the
first answer and changes nothing — with its audit entry in the same transaction. The
yearly review of an outside-work permission is answered in bot.usecases.reviews, the same
way (`answer_once`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from bot.rules.annual import UNDERTAKING_VERSION
from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from bot.rules.roles import Role
from storage import audit
from storage import confirmations as store
from storage.db import Database
from storage.models import Staff


@dataclass(frozen=True)
class Answer:
    """The answer that stands (the first one given) and when it was given."""

    response: str
    at: datetime
    recorded: bool  # False: an earlier answer stood, nothing was written


@dataclass(frozen=True)
class Undertaking:
    """Someone's own undertaking: when they accepted it (None: not yet), the code of
    conduct's link, and — for admins and the monitoring officer — how many of the active
    staff have accepted it (accepted, of how many)."""

    accepted_at: datetime | None
    link: str | None
    counts: tuple[int, int] | None


@dataclass(frozen=True)
class Accepted:
    """The undertaking accepted: when, and the code of conduct it links to."""

    at: datetime
    recorded: bool
    link: str | None


def answer_once(
    session: Session,
    asked: store.Asked,
    *,
    staff_id: int,
    response: str,
    now: datetime,
    action: str,
    detail: Mapping[str, Any],
) -> Answer:
    """Record `response` and audit it as `action` with `detail`, unless an answer stands
    already: then that one. The caller commits."""
    if store.confirm(session, asked, staff_id=staff_id, response=response, at=now):
        audit.record(session, action=action, actor_id=staff_id, **dict(detail))
        return Answer(response, now, recorded=True)
    first = store.get(session, asked)
    assert first is not None
    return Answer(first.response, first.responded_at, recorded=False)


def _answer_as_staff(
    db: Database,
    actor: Staff | None,
    *,
    kind: str,
    period: str,
    response: str,
    now: datetime,
    action: str,
    detail: Mapping[str, Any],
    link: bool = False,
) -> tuple[Answer, str | None]:
    """A member of staff's own answer (one transaction), and, if `link`, the code of
    conduct's link (the undertaking's receipt shows it; "Nothing has changed" does not read
    it, a statement fewer on each of a force's presses that morning)."""
    if actor is None or actor.id is None:
        raise Refused(NOT_IN_ORG_CHART)
    with db.session() as session:
        answer = answer_once(
            session,
            store.Asked(kind, store.staff_subject(actor.id), period),
            staff_id=actor.id,
            response=response,
            now=now,
            action=action,
            detail=detail,
        )
        session.commit()
        return answer, store.code_of_conduct_link(session) if link else None


def confirm_annual(db: Database, *, actor: Staff | None, year: int, now: datetime) -> Answer:
    """The annual declaration of `year` answered "Nothing has changed": the record is
    current (Cumbria, Codes of Conduct Undertaking: "keep the monitoring officer updated on
    changes")."""
    answer, _ = _answer_as_staff(
        db,
        actor,
        kind=store.ANNUAL,
        period=str(year),
        response="confirmed",
        now=now,
        action="annual_declaration_confirmed",
        detail={"year": year},
    )
    return answer


def accept_undertaking(
    db: Database, *, actor: Staff | None, version: str, now: datetime
) -> Accepted:
    """The code of conduct undertaking (its `version`) accepted, with the time (Cumbria
    undertaking: staff confirm on joining that they will comply)."""
    answer, link = _answer_as_staff(
        db,
        actor,
        kind=store.UNDERTAKING,
        period=version,
        response="accepted",
        now=now,
        action="undertaking_accepted",
        detail={"version": version},
        link=True,
    )
    return Accepted(answer.at, answer.recorded, link)


def my_undertaking(db: Database, *, actor: Staff | None) -> Undertaking:
    """The actor's own undertaking, as it stands."""
    if actor is None or actor.id is None:
        raise Refused(NOT_IN_ORG_CHART)
    with db.session() as session:
        asked = store.Asked(store.UNDERTAKING, store.staff_subject(actor.id), UNDERTAKING_VERSION)
        mine = store.get(session, asked)
        counts = None
        if {Role.ADMIN, Role.MONITORING_OFFICER} & actor.role_set:
            people = store.active_people(session)
            accepted = store.subjects(session, kind=store.UNDERTAKING, period=UNDERTAKING_VERSION)
            counts = (sum(store.staff_subject(p.id) in accepted for p in people), len(people))
        return Undertaking(
            mine.responded_at if mine else None, store.code_of_conduct_link(session), counts
        )


NOT_ADMIN = "Only an admin can send the code of conduct undertaking to everyone."


def ask_everyone(db: Database, *, actor: Staff | None, on: date) -> None:
    """An admin asks for the undertaking to go to every active member of staff who has not
    accepted it (when the office adopts Nolan): recorded with its day, which the sweep reads
    (bot.jobs.undertaking) — the sending goes under the reminder ledger's keys."""
    if actor is None or actor.id is None or Role.ADMIN not in actor.role_set:
        raise Refused(NOT_ADMIN)
    with db.session() as session:
        audit.record(session, action=store.SEND_ALL, actor_id=actor.id, on=on.isoformat())
        session.commit()
