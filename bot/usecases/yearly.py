"""The yearly round's messages, as every platform needs them: the annual declaration, the
monitoring officer's list of who has not answered it, and the code of conduct undertaking.

The daily sweep owes them (bot.jobs.annual, bot.jobs.undertaking) by their ledger keys —
subject and recipient "staff:<id>" (`key_of`) — and each platform draws them when they are
sent, from what they say then (`annual_as_sent`, `undertaking_as_sent`: nothing once
answered); an admin's "send it to everyone" owes the undertaking under the same keys
(`send_to_everyone`), so nothing goes twice whichever sends it first. Card names are the
ledger's kinds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.outbox import queue, to_staff
from bot.owing import owe_unless_sent
from bot.rules import annual as rules
from bot.rules.annual import Round
from bot.rules.refusal import Refused
from bot.sending import Queued
from bot.settings import Policy, Settings
from bot.ui.undertaking import Why
from bot.usecases.annual import Outstanding, not_answered, outstanding, overseer
from bot.usecases.answers import ask_everyone
from storage import audit, staff
from storage import confirmations as store
from storage.db import Database
from storage.models import Staff
from storage.reminders import Key, owed_keys

ANNUAL = store.ANNUAL  # a card and a key: a person's annual declaration (payload: year, reminder)
# A card and a key: the list of who has not answered, to the monitoring officer (payload:
# year); drawn as it stands when sent.
NONRESPONDERS = "annual_nonresponders"
UNDERTAKING = store.UNDERTAKING  # a card and a key (payload: why, reminder)


def key_of(kind: str, staff_id: int, due_on: date) -> Key:
    """A person's own message: subject and recipient are both them ("staff:<id>")."""
    return Key(kind, to_staff(staff_id), to_staff(staff_id), due_on)


def owed_to_staff(session: Session, *, kind: str, since: date) -> dict[Key, int | None]:
    """The keys of `kind` owed since `since`, under `key_of`. A message the ledger sent under
    the person's Slack id, before these went through the outbox, is among them under its new
    name (storage.reminders.owed_keys renames it: a round under way is not sent again); one
    that failed then is owed anew, as the other jobs' old keys are."""
    return {
        key: pending
        for key, pending in owed_keys(session, kinds=(kind,), since=since).items()
        if key.recipient == key.subject
    }


def addressee(session: Session, message: Queued) -> Staff | None:
    """The member of staff a message is owed to, if they are still on staff."""
    said = message.recipient.removeprefix("staff:")
    person = staff.by_id(session, staff_id=int(said)) if said.isdigit() else None
    return person if person is not None and person.active else None


# -- the annual declaration ---------------------------------------------------------------------


@dataclass(frozen=True)
class AnnualAsked:
    """An annual declaration (or its reminder) as it is sent: to whom, the round, what the
    registers hold for them then, and which reminder it is (0: the first message)."""

    person: Staff
    round_: Round
    holdings: store.Holdings
    reminder: int


def round_in(message: Queued, policy: Policy) -> Round:
    return rules.round_of(
        int(message.payload["year"]),
        policy.annual_declaration_day,
        policy.annual_declaration_reminder_weeks,
    )


def annual_as_sent(
    session: Session, message: Queued, policy: Policy, today: date
) -> AnnualAsked | None:
    """What an owed annual declaration says, drawn on `today`; None when there is nothing to
    ask any more (answered since it was owed, or the person has left)."""
    person = addressee(session, message)
    if person is None or person.id is None:
        return None
    round_ = round_in(message, policy)
    subject = store.staff_subject(person.id)
    if store.get(session, store.Asked(ANNUAL, subject, round_.period)) is not None:
        return None
    held = store.current_holdings(session, today=today, staff_ids=[person.id])
    return AnnualAsked(
        person, round_, held.get(person.id, store.Holdings()), int(message.payload["reminder"])
    )


def asked_not_answered(
    db: Database,
    *,
    actor: Staff | None,
    words: Sequence[str],
    usage: str,
    settings: Settings,
    now: datetime,
) -> Outstanding | None:
    """`conduct annual [YEAR]` (the words after it): who has not answered, for the monitoring
    officer or an admin (bot.usecases.annual.not_answered); Refused(`usage`) for other words."""
    overseer(actor)
    if len(words) > 1 or (words and not _is_year(words[0])):
        raise Refused(usage)
    year = int(words[0]) if words else None
    return not_answered(db, actor=actor, year=year, settings=settings, now=now)


def _is_year(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) == 4 and int(text) >= 2000


def nonresponders(session: Session, message: Queued, policy: Policy) -> Outstanding:
    """The monitoring officer's list as it stands when sent."""
    return outstanding(session, round_in(message, policy))


# -- the code of conduct undertaking ------------------------------------------------------------


@dataclass(frozen=True)
class UndertakingAsked:
    """The undertaking (or its reminder) as it is sent: to whom, why, which reminder, and
    the code of conduct's link."""

    person: Staff
    why: Why
    reminder: int
    link: str | None


def undertaking_as_sent(session: Session, message: Queued) -> UndertakingAsked | None:
    """What an owed undertaking says; None once accepted (or the person has left)."""
    person = addressee(session, message)
    if person is None or person.id is None:
        return None
    subject = store.staff_subject(person.id)
    if store.get(session, store.Asked(UNDERTAKING, subject, rules.UNDERTAKING_VERSION)):
        return None
    payload = message.payload
    return UndertakingAsked(
        person, Why(payload["why"]), int(payload["reminder"]), store.code_of_conduct_link(session)
    )


@dataclass(frozen=True)
class Due:
    person: store.Person
    key: Key
    why: Why
    reminder: int  # 0: the first message; k: the k-th weekly reminder


def start_of(
    person: store.Person, send_all_on: date | None, today: date
) -> tuple[date, Why] | None:
    """Since when this person (who has not accepted) is asked, and why: the later of their
    first day and the last send-all, of those that have come."""
    starts = []
    if person.starter_since is not None and person.starter_since <= today:
        starts.append((person.starter_since, Why.STARTER))
    if send_all_on is not None and send_all_on <= today:
        starts.append((send_all_on, Why.EVERYONE))
    return max(starts, key=lambda s: s[0]) if starts else None


def due_today(
    people: list[store.Person],
    *,
    accepted: set[str],
    send_all_on: date | None,
    owed: dict[Key, int | None],
    today: date,
) -> list[Due]:
    """Who is due the undertaking, or a reminder of it, today (pure: no queries): the
    messages not yet owed, and those owed and still to be tried again."""
    due: list[Due] = []
    for person in people:
        if not person.reachable or store.staff_subject(person.id) in accepted:
            continue
        start = start_of(person, send_all_on, today)
        if start is None:
            continue
        day, why = start
        first = key_of(UNDERTAKING, person.id, day)
        due_on = rules.chase_due(
            day,
            today,
            weeks=rules.UNDERTAKING_REMINDER_WEEKS,
            first_sent=first in owed and owed[first] is None,
        )
        if due_on is None:
            continue
        key = key_of(UNDERTAKING, person.id, due_on)
        if key not in owed or owed[key] is not None:
            due.append(Due(person, key, why, (due_on - day).days // 7))
    return due


def undertakings_due(db: Database, today: date) -> tuple[list[Due], dict[Key, int | None]]:
    """Everyone due the undertaking today, and the keys already owed: four queries in all."""
    with db.session() as session:
        people = store.active_people(session)
        accepted = store.subjects(session, kind=UNDERTAKING, period=rules.UNDERTAKING_VERSION)
        send_all_on = store.send_all_day(session)
        starts = [p.starter_since for p in people if p.starter_since is not None]
        if send_all_on is not None:
            starts.append(send_all_on)
        if not starts:
            return [], {}
        owed = owed_to_staff(session, kind=UNDERTAKING, since=min(starts))
    due = due_today(people, accepted=accepted, send_all_on=send_all_on, owed=owed, today=today)
    return due, owed


def send_to_everyone(db: Database, *, actor: Staff | None, now: datetime, policy: Policy) -> int:
    """An admin sends the undertaking to every active member of staff who has not accepted
    it (when the office adopts Nolan): the request recorded (the sweep reads it; Refused for
    anyone but an admin), then the undertaking owed to each who was not sent it today, in
    their working hours, and audited ("undertaking_sent"); how many. The sweep sends what
    this did not get to, under the same keys."""
    today = now.astimezone(policy.tz).date()
    ask_everyone(db, actor=actor, on=today)
    assert actor is not None
    due, owed = undertakings_due(db, today)
    queued = 0
    for item in due:
        if item.key.due_on != today or item.reminder:
            continue
        payload = {"why": item.why.value, "reminder": 0}
        if owe_unless_sent(db, owed, item.key, UNDERTAKING, due_at=now, **payload) is not None:
            queued += 1
    if queued:
        with db.session() as session:
            audit.record(
                session, action="undertaking_sent", actor_id=actor.id, queued=queued, on=today
            )
            session.commit()
    return queued


def send_undertaking_to(db: Database, *, actor: Staff) -> None:
    """The undertaking owed to `actor`, who asked for it (`/conduct undertaking` before
    accepting it): through the outbox, so that it is sent once their request is answered
    and retried if the platform fails; nothing if they accept it before it goes."""
    assert actor.id is not None
    with db.session() as session:
        queue(
            session,
            UNDERTAKING,
            subject=to_staff(actor.id),
            recipient=to_staff(actor.id),
            why=Why.ASKED.value,
            reminder=0,
        )
        session.commit()
