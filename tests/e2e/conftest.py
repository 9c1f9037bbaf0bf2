"""Fixtures for end-to-end tests: fake Slack, the bot serving over HTTP, a seeded org chart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage.db import Database
from storage.models import Staff
from tests.e2e.harness import ORG, Clock, Nolan, seed_org
from tests.fakeslack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack().start()
    for person in ORG:
        slack.add_user(person.email, person.slack_id, name=person.name)
    yield slack
    slack.stop()
    slack.assert_clean()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return seed_org(db)


@pytest.fixture
def nolan(fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]) -> Iterator[Nolan]:
    bot = Nolan(fake, db, clock).start()
    yield bot
    bot.stop()
