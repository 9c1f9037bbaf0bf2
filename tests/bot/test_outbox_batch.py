"""What a delivery worker's pass costs the database (bot.outbox): the messages it may send are
read in one statement and taken in another, however many there are, and one another worker
took between the two is left to that worker."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from bot.outbox import Worker
from handlers.outgoing import SLACK_PACE
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage
from tests.bot.test_outbox_pacing import owe, paced_worker


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The statements sent to `db` while the block runs, whitespace folded."""
    seen: list[str] = []

    def counted(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)


def reads(seen: list[str]) -> list[str]:
    """The claims' reads: messages by id, with the message each updates."""
    return [s for s in seen if s.startswith("SELECT") and "outbox.id IN" in s]


def takes(seen: list[str]) -> list[str]:
    """The claims' takes: the attempt counted as the status becomes "claimed"."""
    return [s for s in seen if s.startswith("UPDATE outbox") and "attempts" in s]


@pytest.mark.parametrize("messages", [1, 6])
def test_a_pass_reads_and_takes_its_messages_in_one_statement_each(
    db: Database, messages: int
) -> None:
    worker, sender, _ = paced_worker(db, SLACK_PACE)
    ids = [owe(db, f"staff:{n}", "hello") for n in range(messages)]
    with statements(db) as seen:
        assert worker.run_once() == messages
    assert len(sender.sent) == messages
    assert len(reads(seen)) == 1 and len(takes(seen)) == 1, "\n".join(seen)
    with db.session() as session:
        found = session.exec(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()  # type: ignore[union-attr]
    assert {(m.status, m.attempts) for m in found} == {("sent", 1)}


def test_a_message_another_worker_took_after_the_read_is_left_to_it(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker, sender, _ = paced_worker(db, SLACK_PACE)
    mine, theirs = owe(db, "staff:1", "mine"), owe(db, "staff:2", "theirs")
    read = outbox.claimable_among

    taken_elsewhere: list[bool] = []

    def read_then_lose_one(session: Session, *, ids: list[int]) -> dict[int, object]:
        found = read(session, ids=ids)
        if not taken_elsewhere:  # another worker, on its own connection, between read and take
            other = threading.Thread(target=take_elsewhere)
            other.start()
            other.join(10)
        return found

    def take_elsewhere() -> None:
        with db.session() as session:
            now, stale_after = worker.now(), worker.stale_after
            taken_elsewhere.append(
                outbox.take(session, message_id=theirs, now=now, stale_after=stale_after)
            )
            session.commit()

    monkeypatch.setattr(outbox, "claimable_among", read_then_lose_one)
    assert worker.run_once() == 1
    assert taken_elsewhere == [True]
    assert [subject for _, _, subject in sender.sent] == ["mine"]
    with db.session() as session:
        status = {m.id: m.status for m in session.exec(select(OutboxMessage)).all()}
    assert status == {mine: "sent", theirs: "claimed"}


def test_a_pass_with_nothing_to_take_writes_nothing(db: Database) -> None:
    worker: Worker = paced_worker(db, SLACK_PACE)[0]
    with statements(db) as seen:
        assert worker.run_once() == 0
    assert not takes(seen) and not any(s.startswith(("UPDATE", "INSERT")) for s in seen)
