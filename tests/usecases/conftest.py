"""Use cases on a real database with no platform at all (tests/usecases/office.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage.db import Database
from tests.usecases.office import Office, seed
from tests.usecases.races import patient


@pytest.fixture
def office(db: Database) -> Office:
    return seed(db)


@pytest.fixture
def patient_db(db: Database) -> Iterator[Database]:
    """The race tests' database, giving up on a lock rather than hanging (races.patient)."""
    yield from patient(db)
