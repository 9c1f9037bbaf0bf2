"""Use cases on a real database with no platform at all (tests/usecases/office.py)."""

from __future__ import annotations

import pytest

from storage.db import Database
from tests.usecases.office import Office, seed


@pytest.fixture
def office(db: Database) -> Office:
    return seed(db)
