"""Records read once for the messages the outbox's worker draws together.

The worker draws each message a pass claimed in a session of its own, several lanes at once.
A declaration's card and its receipt, or a decision's redrawn card and its outcome, each read
the same record: two statements, its people loaded by the ORM — a quarter of the delivery
process's time on declarations (issue 10). Within `sharing(shared)`, storage.declarations'
`load_record` and `record_of_step` read each record once per SharedRecords; a later reader
gets a copy in its own session (merged without a statement, its people held there too, so the
sender finds the recipient without one either).

A pass's messages are drawn within moments of each other, so they may as well be drawn from
one reading. Loads take turns under the lock: a second reader waits for the first rather than
reading the same rows beside it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from sqlmodel import Session

from storage.db import hold


class Record(Protocol):
    """What this needs of storage.declarations.Record (a dataclass; imported from there, it
    would make the two modules import each other)."""

    declaration: Any
    detail: Any
    declarant: Any
    steps: list[Any]
    people: dict[int, Any]


R = TypeVar("R", bound=Record)


class SharedRecords:
    """The records read for one pass's messages, by declaration."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.records: dict[int, Any] = {}  # declaration id -> record
        self.of_step: dict[int, int] = {}  # step id -> its declaration's id

    def keep(self, record: Record) -> None:
        declaration_id = record.declaration.id
        assert declaration_id is not None
        self.records[declaration_id] = record
        self.of_step.update((step.id, declaration_id) for step in record.steps if step.id)


_current: ContextVar[SharedRecords | None] = ContextVar("nolan_shared_records", default=None)


@contextmanager
def sharing(shared: SharedRecords | None) -> Iterator[None]:
    """Records loaded in this thread until the block ends come from (and go to) `shared`;
    None: each reads its own, as outside a pass."""
    token = _current.set(shared)
    try:
        yield
    finally:
        _current.reset(token)


def shared_or_loaded(
    session: Session,
    load: Callable[[], R | None],
    *,
    declaration_id: int | None = None,
    step_id: int | None = None,
) -> R | None:
    """The record of this declaration (or of the declaration this step belongs to): shared,
    in `session`, if another message of the pass has read it; else `load()`, kept for them."""
    shared = _current.get()
    if shared is None:
        return load()
    with shared.lock:
        key = declaration_id if declaration_id is not None else shared.of_step.get(step_id or 0)
        found = shared.records.get(key) if key is not None else None
        if found is None:
            record = load()
            if record is not None:
                shared.keep(record)
            return record
    return _adopted(session, found)


def _adopted(session: Session, record: R) -> R:
    """A copy of `record` in `session` (merge without load: the state as read, no statement),
    held there with its people."""
    people = {key: session.merge(person, load=False) for key, person in record.people.items()}
    copy = replace(
        record,
        declaration=session.merge(record.declaration, load=False),
        detail=session.merge(record.detail, load=False),
        declarant=people[record.declarant.id or 0],
        steps=[session.merge(step, load=False) for step in record.steps],
        people=people,
    )
    hold(session, [copy.declaration, copy.detail, *copy.steps, *people.values()])
    return copy
