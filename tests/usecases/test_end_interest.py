"""Ending an interest, with no platform at all: once noted, its declarant ends it once; the
line manager is told for information, then the declarant."""

from __future__ import annotations

from datetime import date

import pytest

from bot.rules import interests
from bot.rules.refusal import Refused
from bot.ui.interests import END_DATE
from bot.usecases import decide
from bot.usecases.interests import (
    ENDED,
    ENDED_RECEIPT,
    declare_interest,
    end_interest,
    endable,
)
from storage.db import Database
from storage.models import Interest, Staff
from tests.e2e.harness import seed_org
from tests.usecases.world import NOW, TODAY, audit_actions, last_owed_id, settings, to
from tests.usecases.world import owed as owed_messages


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return seed_org(db)


def declared_interest(db: Database, org: dict[str, Staff]) -> tuple[int, int]:
    form = interests.InterestForm(
        category="financial",
        organisation="Acme Holdings plc",
        description="Shares",
        started_on=date(2025, 1, 1),
        conflict="None",
    )
    done = declare_interest(
        db,
        declarant=org["alice"],
        declared_interest=interests.validate(form, TODAY, declarant="platform-id"),
        colleague_id=None,
        settings=settings(),
        now=NOW,
    )
    return done.declaration_id, done.steps[0]


def test_a_noted_interest_is_ended_once_and_the_manager_told(
    db: Database, org: dict[str, Staff]
) -> None:
    alice, manager = org["alice"].id or 0, org["manager"].id or 0
    declaration_id, step_id = declared_interest(db, org)
    with pytest.raises(Refused, match="still waiting to be noted"):
        endable(db, actor_id=alice, declaration_id=declaration_id)
    decide.decide(db, actor=org["manager"], step_id=step_id, outcome="noted", reason=None, now=NOW)

    asked = endable(db, actor_id=alice, declaration_id=declaration_id)
    assert asked.reference.startswith("INT-") and "Acme Holdings plc" in asked.what
    with pytest.raises(Refused, match="Only the person who declared"):
        endable(db, actor_id=manager, declaration_id=declaration_id)
    before = last_owed_id(db)

    ended = end_interest(
        db,
        actor_id=alice,
        declaration_id=declaration_id,
        ended_on=TODAY,
        settings=settings(),
        now=NOW,
    )
    assert (ended.ended_on, ended.told) == (TODAY, [manager])
    with db.session() as session:
        row = session.get(Interest, declaration_id)
        assert row is not None and row.ended_on == TODAY
    assert owed_messages(db, after=before) == [
        (ENDED, to(org["manager"])),
        (ENDED_RECEIPT, to(org["alice"])),
    ]
    assert audit_actions(db, declaration_id)[-2:] == ["ended", "notified"]

    with pytest.raises(Refused, match="already ended") as refused:
        end_interest(
            db,
            actor_id=alice,
            declaration_id=declaration_id,
            ended_on=TODAY,
            settings=settings(),
            now=NOW,
        )
    assert refused.value.field == END_DATE
    assert owed_messages(db, after=before)[2:] == []


def test_an_end_before_the_start_is_refused_on_the_date(
    db: Database, org: dict[str, Staff]
) -> None:
    declaration_id, step_id = declared_interest(db, org)
    decide.decide(
        db,
        actor=org["manager"],
        step_id=step_id,
        outcome="noted",
        reason=None,
        now=NOW,
    )
    with pytest.raises(Refused) as refused:
        end_interest(
            db,
            actor_id=org["alice"].id or 0,
            declaration_id=declaration_id,
            ended_on=date(2024, 1, 1),
            settings=settings(),
            now=NOW,
        )
    assert refused.value.field == END_DATE
    with db.session() as session:
        row = session.get(Interest, declaration_id)
        assert row is not None and row.ended_on is None
