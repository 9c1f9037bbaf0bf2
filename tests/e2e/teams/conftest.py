"""Fixtures for the Teams end-to-end tests: the Microsoft fakes, the bot in Teams mode on the
test database, an org chart with Entra object ids (`clock` is tests/e2e/conftest.py's)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage.db import Database
from storage.models import Staff
from tests.e2e.harness import Clock
from tests.e2e.teams.harness import ORG, STRANGER, TeamsNolan, seed_org
from tests.faketeams import FakeTeams


@pytest.fixture
def fake() -> Iterator[FakeTeams]:
    teams = FakeTeams().start()
    for person in [*ORG, STRANGER]:
        teams.add_user(person.email, person.object_id, person.name, installed=person.installed)
    yield teams
    teams.stop()
    teams.assert_clean()


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return seed_org(db)


@pytest.fixture
def nolan(
    fake: FakeTeams, db: Database, clock: Clock, org: dict[str, Staff]
) -> Iterator[TeamsNolan]:
    bot = TeamsNolan(fake, db, clock).start()
    yield bot
    bot.stop()
