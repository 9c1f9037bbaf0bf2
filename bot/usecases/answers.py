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

from bot.owing import Pressed, owe_receipt
from bot.rules.annual import UNDERTAKING_VERSION
from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from bot.rules.roles import Role
from storage import audit
from storage import confirmations as store
from storage.db import Database
from storage.models import Staff

# The receipts of the answers, owed with them when the platform redraws the pressed message
# through the outbox (Slack; Teams' answer to the press is the receipt): the pressed
# message's place (bot.owing.Pressed), the answer that stands ("response", "at"), and the
# annual declaration's "year" or the undertaking's "version", "person" and "link".
ANNUAL_RECORDED = "annual_recorded"
UNDERTAKING_ACCEPTED = "undertaking_accepted"


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
    receipt: tuple[str, Pressed | None, Mapping[str, Any]] | None = None,
) -> tuple[Answer, str | None]:
    """A member of staff's own answer (one transaction), and, if `link`, the code of
    conduct's link (the undertaking's receipt shows it; "Nothing has changed" does not read
    it, a statement fewer on each of a force's presses that morning). `receipt`: the card,
    the pressed message and what the card shows besides the answer, owed in the same
    transaction (on a press again too: the pressed message may be a reminder)."""
    if actor is None or actor.id is None:
        raise Refused(NOT_IN_ORG_CHART)
    subject = store.staff_subject(actor.id)
    with db.session() as session:
        answer = answer_once(
            session,
            store.Asked(kind, subject, period),
            staff_id=actor.id,
            response=response,
            now=now,
            action=action,
            detail=detail,
        )
        code = store.code_of_conduct_link(session) if link else None
        if receipt is not None and receipt[1] is not None:
            name, pressed, shows = receipt
            owe_receipt(
                session, name, staff_id=actor.id, subject=subject, pressed=pressed,
                response=answer.response, at=answer.at.isoformat(), **shows,
                **({"link": code} if link else {}),
            )
        session.commit()
        return answer, code


def confirm_annual(
    db: Database, *, actor: Staff | None, year: int, now: datetime, pressed: Pressed | None = None
) -> Answer:
    """The annual declaration of `year` answered "Nothing has changed": the record is
    current (Cumbria, Codes of Conduct Undertaking: "keep the monitoring officer updated on
    changes"). `pressed`: the message to redraw as its receipt (ANNUAL_RECORDED)."""
    answer, _ = _answer_as_staff(
        db,
        actor,
        kind=store.ANNUAL,
        period=str(year),
        response="confirmed",
        now=now,
        action="annual_declaration_confirmed",
        detail={"year": year},
        receipt=(ANNUAL_RECORDED, pressed, {"year": year}),
    )
    return answer


def accept_undertaking(
    db: Database,
    *,
    actor: Staff | None,
    version: str,
    now: datetime,
    pressed: Pressed | None = None,
) -> Accepted:
    """The code of conduct undertaking (its `version`) accepted, with the time (Cumbria
    undertaking: staff confirm on joining that they will comply). `pressed`: the message to
    redraw as its receipt (UNDERTAKING_ACCEPTED)."""
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
        receipt=(
            UNDERTAKING_ACCEPTED,
            pressed,
            {"version": version, "person": actor.display_name if actor else ""},
        ),
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
