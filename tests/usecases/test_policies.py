"""A policy's review marked done, and a policy saved, with no platform: the conditional
update, the audit entry, and each reminder of the review owed its redrawing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from bot.rules.policies import Field, InvalidPolicy, PolicyForm, ReviewField, ReviewForm
from bot.rules.refusal import Refused
from bot.rules.status import ReminderStatus
from bot.usecases.policies import (
    REVIEWED,
    list_policies,
    mark_reviewed,
    save_policy,
    start_review,
)
from storage import policies as store
from storage.db import Database
from storage.models import Policy, Reminder, Staff
from tests.usecases.people import NOW, SETTINGS, audited, owed, seed

DUE = date(2027, 2, 20)


@pytest.fixture
def people(db: Database) -> dict[str, Staff]:
    return seed(db)


class Where:
    def __init__(self, channel: str, ts: str) -> None:
        self.channel, self.ts = channel, ts


@pytest.fixture
def policy(db: Database, people: dict[str, Staff]) -> int:
    """Alice's policy, due for review on DUE, with its reminder posted in its channel."""
    with db.session() as session:
        row = Policy(
            title="Gifts policy",
            owner_id=people["alice"].id,
            url="https://opcc.example/gifts",
            review_months=24,
            next_review=DUE,
            channel_id="C0POL",
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        session.add(
            Reminder(
                kind=store.REVIEW_KIND,
                subject=store.subject(row.id),
                recipient="C0POL",
                due_on=date(2027, 1, 21),
                status=ReminderStatus.SENT,
                channel="C0POL",
                ts="1.000100",
            )
        )
        session.commit()
        return row.id


def _mark(db: Database, actor: Staff, policy: int, **kw: object) -> object:
    form = ReviewForm(reviewed_on=date(2027, 1, 30), next_review=None, note="No changes.")
    return mark_reviewed(
        db,
        actor=actor,
        policy_id=policy,
        due=DUE,
        form=kw.get("form", form),  # type: ignore[arg-type]
        pressed=kw.get("pressed"),  # type: ignore[arg-type]
        settings=SETTINGS,
        now=NOW,
    )


def test_the_owner_marks_it_reviewed_and_each_reminder_is_owed_its_redrawing(
    db: Database, people: dict[str, Staff], policy: int
) -> None:
    alice = people["alice"]
    assert start_review(db, actor=alice, policy_id=policy, due=DUE, settings=SETTINGS, now=NOW)
    reviewed = _mark(db, alice, policy, pressed=Where("DALICE", "2.000200"))
    with db.session() as session:
        row = session.get(Policy, policy)
        assert row is not None
        assert (row.last_reviewed, row.next_review) == (date(2027, 1, 30), date(2029, 1, 30))
        [reminder] = session.exec(select(Reminder).where(Reminder.kind == store.REVIEW_KIND))
    [entry] = audited(db, "policy_reviewed")
    assert entry.actor_id == alice.id
    updates = owed(db)
    assert [(m.card, m.to, m.updates) for m in updates] == [
        (REVIEWED, "C0POL", reminder.id),  # the channel's reminder, where it was posted
        (REVIEWED, "DALICE", None),  # the DM whose button opened the form
    ]
    assert updates[1].payload["ts"] == "2.000200"
    assert reviewed.updated == 2


def test_only_the_owner_or_an_admin_and_only_once(
    db: Database, people: dict[str, Staff], policy: int
) -> None:
    with pytest.raises(Refused) as refused:
        start_review(db, actor=people["bob"], policy_id=policy, due=DUE, settings=SETTINGS, now=NOW)
    assert "Alice Able's" in refused.value.text
    with pytest.raises(Refused) as refused:
        _mark(db, people["bob"], policy)
    assert refused.value.field == ReviewField.REVIEWED_ON
    _mark(db, people["admin"], policy)
    with pytest.raises(Refused) as refused:
        _mark(db, people["alice"], policy)
    assert "Someone else has just marked" in refused.value.text
    assert len(audited(db, "policy_reviewed")) == 1 and len(owed(db)) == 1


def test_a_review_in_the_future_is_an_error_on_its_field_and_changes_nothing(
    db: Database, people: dict[str, Staff], policy: int
) -> None:
    form = ReviewForm(reviewed_on=date(2027, 3, 1), next_review=None, note=None)
    with pytest.raises(InvalidPolicy) as invalid:
        _mark(db, people["alice"], policy, form=form)
    assert ReviewField.REVIEWED_ON in invalid.value.errors
    assert audited(db, "policy_reviewed") == [] and owed(db) == []


def test_an_admin_saves_a_policy_and_the_list_shows_it(
    db: Database, people: dict[str, Staff]
) -> None:
    form = PolicyForm(
        title="Hospitality",
        owner_chosen=True,
        owner_in_org=True,
        url="https://opcc.example/hospitality",
        last_reviewed=date(2026, 6, 1),
        review_months="12",
        next_review=None,
        channel=None,
        is_code_of_conduct=True,
    )
    kwargs = dict(policy_id=None, form=form, owner_id=people["bob"].id, settings=SETTINGS)
    with pytest.raises(Refused) as refused:
        save_policy(db, actor=people["bob"], now=NOW, **kwargs)  # type: ignore[arg-type]
    assert refused.value.field == Field.TITLE
    listed = save_policy(db, actor=people["admin"], now=NOW, **kwargs)  # type: ignore[arg-type]
    assert [p.title for p in listed.policies] == ["Hospitality"]
    assert listed.owner_names == {people["bob"].id: "Bob Loner"}
    assert [e.actor_id for e in audited(db, "policy_added")] == [people["admin"].id]
    with pytest.raises(Refused):
        list_policies(db, actor=people["alice"], settings=SETTINGS, now=NOW)
