"""A Teams approval card that reaches its approver while the step moves to someone else loses
its buttons: bot.teams.approval_drawers._card_sent judges the step under its row's lock
(storage.step_cards), so the move is waited for and seen rather than read past."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text, update
from sqlmodel import Session, col, select

from bot.outbox import Queued
from bot.teams.approval_drawers import _card_sent
from bot.teams.drawers import Where
from bot.usecases.moves import owe_card
from bot.usecases.owed import APPROVAL, MOVED, step_subject
from storage.db import Database
from storage.models import ApprovalStep, OutboxMessage
from tests.handlers.test_home_refresh import gift, person


def _waiting_on_a_lock(db: Database) -> bool:
    with db.engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
            ).scalar()
        )


def test_a_card_sent_as_its_step_moves_loses_its_buttons(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the wait for a row lock is seen in PostgreSQL's pg_stat_activity")
    declarant = person(db, "UDEC", "Dee Clarant")
    old, new = person(db, "UOLD", "Old Approver"), person(db, "UNEW", "New Approver")
    gift(db, declarant, "Acme", approver_id=old)
    with db.session() as session:
        step_id = session.exec(select(ApprovalStep.id)).one()
        assert step_id is not None
        card = owe_card(session, step_id=step_id, approver_id=old)
        session.commit()
    message = Queued(
        id=card,
        kind=APPROVAL,
        subject=step_subject(step_id),
        recipient=f"staff:{old}",
        payload={"card": APPROVAL, "step_id": step_id},
    )

    move = Session(db.engine)  # a delegation moving the step, not yet committed
    moving = update(ApprovalStep).where(col(ApprovalStep.id) == step_id)
    move.execute(moving.values(approver_id=new))
    recorded = threading.Event()

    def record() -> None:  # the outbox worker recording the card it has just sent
        with db.session() as session:
            _card_sent(session, message, Where(f"staff:{old}", "activity-1"))
            session.commit()
        recorded.set()

    worker = threading.Thread(target=record)
    worker.start()
    try:
        # Until the record waits for the move's row lock (read unlocked, it finishes first).
        deadline = time.monotonic() + 10
        while not recorded.is_set() and not _waiting_on_a_lock(db):
            assert time.monotonic() < deadline, "the record neither waited nor finished"
            recorded.wait(0.01)
        move.commit()
    finally:
        move.close()
        worker.join(10)
    assert recorded.is_set()
    with db.session() as session:
        moved = session.exec(
            select(OutboxMessage).where(col(OutboxMessage.kind) == MOVED)
        ).all()
    assert [(m.recipient, m.updates_id) for m in moved] == [(f"staff:{old}", card)]
