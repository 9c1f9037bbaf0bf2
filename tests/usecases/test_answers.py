"""The yearly answers with no platform: the annual declaration's "Nothing has changed", the
undertaking's acceptance, and an outside-work permission's review — each recorded once, with
its audit entry; ending a permission owes its line manager word of it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.outbox import to_staff
from bot.rules.annual import round_of
from bot.rules.refusal import Refused
from bot.rules.status import ReminderStatus
from bot.usecases.annual import not_answered
from bot.usecases.answers import (
    accept_undertaking,
    ask_everyone,
    confirm_annual,
    my_undertaking,
)
from bot.usecases.reviews import ENDED, answer_review, end_at_review, permission_under_review
from storage import confirmations
from storage.db import Database
from storage.models import OutsideWork, Reminder, Staff
from tests.usecases.people import (
    NOW,
    REVIEWED,
    SETTINGS,
    audited,
    granted_permission,
    owed,
    seed,
)

LATER = NOW + timedelta(hours=2)
PERIOD = REVIEWED


@pytest.fixture
def people(db: Database) -> dict[str, Staff]:
    return seed(db)


def test_nothing_has_changed_is_recorded_once(db: Database, people: dict[str, Staff]) -> None:
    alice = people["alice"]
    first = confirm_annual(db, actor=alice, year=2027, now=NOW)
    again = confirm_annual(db, actor=alice, year=2027, now=LATER)
    assert (first.response, first.at, first.recorded) == ("confirmed", NOW, True)
    assert (again.at, again.recorded) == (NOW, False)
    [entry] = audited(db, "annual_declaration_confirmed")
    assert entry.actor_id == alice.id
    with db.session() as session:
        assert confirmations.annual_answers(session, period="2027") == {alice.id: "confirmed"}
    with pytest.raises(Refused):
        confirm_annual(db, actor=None, year=2027, now=NOW)


def test_the_undertaking_is_accepted_once_with_its_time(
    db: Database, people: dict[str, Staff]
) -> None:
    bob = people["bob"]
    first = accept_undertaking(db, actor=bob, version="v1", now=NOW)
    again = accept_undertaking(db, actor=bob, version="v1", now=LATER)
    assert (first.at, first.recorded, again.at, again.recorded) == (NOW, True, NOW, False)
    assert [e.actor_id for e in audited(db, "undertaking_accepted")] == [bob.id]
    assert my_undertaking(db, actor=bob).accepted_at == NOW
    assert my_undertaking(db, actor=bob).counts is None
    assert my_undertaking(db, actor=people["mo"]).counts == (1, len(people))
    with pytest.raises(Refused):
        ask_everyone(db, actor=bob, on=NOW.date())
    ask_everyone(db, actor=people["admin"], on=NOW.date())
    with db.session() as session:
        assert confirmations.send_all_day(session) == NOW.date()


@pytest.fixture
def permission(db: Database, people: dict[str, Staff]) -> int:
    return granted_permission(db, people)


def test_a_review_is_answered_by_its_holder_only_and_once(
    db: Database, people: dict[str, Staff], permission: int
) -> None:
    kwargs = dict(declaration_id=permission, period=PERIOD, settings=SETTINGS)
    with pytest.raises(Refused) as refused:
        answer_review(db, actor=people["bob"], response="confirmed", now=NOW, **kwargs)
    assert "Only the person who holds this permission" in refused.value.text
    shown = permission_under_review(db, actor=people["alice"], **kwargs)
    assert (shown.role, shown.granted_on) == ("Volunteer coach", date(2025, 1, 30))
    first = answer_review(db, actor=people["alice"], response="confirmed", now=NOW, **kwargs)
    again = answer_review(db, actor=people["alice"], response="updated", now=LATER, **kwargs)
    assert (first.response, again.response, again.at) == ("confirmed", "confirmed", NOW)
    assert len(audited(db, "outside_work_reviewed")) == 1


def test_ending_at_the_review_ends_it_once_and_owes_the_line_manager_word(
    db: Database, people: dict[str, Staff], permission: int
) -> None:
    kwargs = dict(declaration_id=permission, period=PERIOD, settings=SETTINGS)
    reviewed = end_at_review(db, actor=people["alice"], now=NOW, **kwargs)
    assert (reviewed.response, reviewed.ended_on) == ("ended", date(2027, 2, 1))
    again = end_at_review(db, actor=people["alice"], now=LATER, **kwargs)
    assert (again.response, again.at) == ("ended", NOW)  # the answer that stands; nothing new
    with db.session() as session:
        work = session.get(OutsideWork, permission)
        assert work is not None and work.ended_on == date(2027, 2, 1)
    assert len(audited(db, "ended")) == 1
    [told] = owed(db)
    assert (told.card, told.to) == (ENDED, to_staff(people["manager"].id))
    assert told.payload["reference"] and told.payload["ended_on"] == "2027-02-01"
    with pytest.raises(Refused) as refused:  # next year's review: it has ended
        answer_review(
            db,
            actor=people["alice"],
            declaration_id=permission,
            period="2028-01-30",
            response="confirmed",
            settings=SETTINGS,
            now=NOW,
        )
    assert "has already ended" in refused.value.text


def test_the_monitoring_officer_sees_who_has_not_answered(
    db: Database, people: dict[str, Staff]
) -> None:
    round_ = round_of(2026, (4, 1), 4)
    kwargs = dict(year=2026, settings=SETTINGS, now=NOW)
    with pytest.raises(Refused) as refused:
        not_answered(db, actor=people["mo"], **kwargs)  # type: ignore[arg-type]
    assert "did not send an annual declaration for 2026" in refused.value.text
    with db.session() as session:
        session.add(
            Reminder(
                kind=confirmations.ANNUAL,
                subject=confirmations.staff_subject(people["alice"].id or 0),
                recipient="UALICE",
                due_on=round_.opens_on,
                status=ReminderStatus.SENT,
            )
        )
        session.commit()
    confirm_annual(db, actor=people["alice"], year=2026, now=NOW)
    report = not_answered(db, actor=people["mo"], **kwargs)  # type: ignore[arg-type]
    assert report is not None
    assert (report.expected, report.confirmed, report.updated) == (len(people), 1, 0)
    assert "Alice Able" not in {p.name for p in report.missing}
    assert len(report.missing) == len(people) - 1
    with pytest.raises(Refused):
        not_answered(db, actor=people["alice"], **kwargs)  # type: ignore[arg-type]
