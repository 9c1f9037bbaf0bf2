"""storage.shared_records: within one of the outbox's passes a record is read once, and each
later reader gets a copy in its own session, the sender's recipient among it; outside a pass
every load reads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from storage import declarations
from storage.db import Database
from storage.models import ApprovalStep, Staff
from storage.shared_records import SharedRecords, sharing
from tests.storage.test_load_records import _declare, _person, selects


def _one_gift(db: Database) -> tuple[int, int, int]:
    """A gift of Alice's with two steps for Manny: its id, a step's id, Manny's id."""
    with db.session() as session:
        alice, manny = _person(session, "alice"), _person(session, "manny")
        declaration_id = _declare(session, alice, manny, "gift", 1)
        step = session.exec(
            select(ApprovalStep).where(ApprovalStep.declaration_id == declaration_id)
        ).first()
        session.commit()
        assert step is not None and step.id is not None and manny.id is not None
        return declaration_id, step.id, manny.id


def test_a_passes_messages_read_a_record_once_each_in_its_own_session(db: Database) -> None:
    declaration_id, step_id, manny_id = _one_gift(db)
    shared = SharedRecords()
    with sharing(shared), selects(db) as seen:
        with db.session(hold=True) as first:
            card = declarations.record_of_step(first, step_id=step_id)
        read = len(seen)
        with db.session(hold=True) as second:
            receipt = declarations.load_record(second, declaration_id=declaration_id)
            assert receipt is not None and card is not None
            assert receipt.declaration in second and all(s in second for s in receipt.steps)
            assert second.get(Staff, manny_id) is receipt.people[manny_id]  # held: no read
            again = declarations.record_of_step(second, step_id=step_id)
            assert again is not None and again.declaration.id == declaration_id
    assert read == 2 and len(seen) == read  # the declaration with its steps, the people
    assert receipt.detail == card.detail and receipt.declarant.name == "Alice"
    assert [s.id for s in receipt.steps] == [s.id for s in card.steps]


def test_outside_a_pass_or_in_the_next_each_load_reads(db: Database) -> None:
    declaration_id, _step_id, _manny_id = _one_gift(db)
    for shared in (None, SharedRecords(), SharedRecords()):
        with sharing(shared), selects(db) as seen, db.session() as session:
            assert declarations.load_record(session, declaration_id=declaration_id)
        assert len(seen) == 2
    with sharing(SharedRecords()), db.session() as session:  # nothing kept of nothing
        assert declarations.load_record(session, declaration_id=999_999) is None
        assert declarations.load_record(session, declaration_id=999_999) is None


def test_lanes_drawing_at_once_wait_for_one_reading(db: Database) -> None:
    declaration_id, step_id, _manny_id = _one_gift(db)
    shared, start = SharedRecords(), threading.Barrier(4)

    def draw(n: int) -> int | None:
        start.wait()
        with sharing(shared), db.session(hold=True) as session:
            if n % 2:
                record = declarations.record_of_step(session, step_id=step_id)
            else:
                record = declarations.load_record(session, declaration_id=declaration_id)
            return record.declaration.id if record is not None else None

    with selects(db) as seen, ThreadPoolExecutor(4) as lanes:
        drawn = list(lanes.map(draw, range(4)))
    assert drawn == [declaration_id] * 4
    assert len(seen) == 2, seen  # one reading (two statements), whoever came first
