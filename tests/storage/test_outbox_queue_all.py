"""storage.outbox.queue_all: several messages owed in one statement, taking their ids (the
order the worker sends one conversation's messages in) in the order given."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import col, select

from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage


def test_messages_owed_together_are_one_statement_in_the_order_given(db: Database) -> None:
    subjects = [f"m{n}" for n in (3, 1, 4, 1, 5, 9, 2, 6)]
    sent: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

    owed = [
        {"kind": "note", "subject": s, "recipient": "staff:1", "payload": {"n": i}}
        for i, s in enumerate(subjects)
    ]
    with db.session() as session:
        session.connection()  # the transaction begun: its own statements are not counted
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            outbox.queue_all(session, owed)
            outbox.queue_all(session, [])  # nothing owed: nothing sent
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        session.commit()
    assert len(sent) == 1, sent
    with db.session() as session:
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
    assert [row.subject for row in rows] == subjects
    assert all(row.status == "queued" and row.attempts == 0 for row in rows)
