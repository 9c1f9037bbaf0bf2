"""On Teams too, an approval reads only the rows it concerns: in a police force of fifty
thousand, no statement of an Approve press, or of the work it sets off (the declarant told,
the card redrawn, the Homes), reads a whole table (by its plan: tests/e2e/plans.py)."""

from __future__ import annotations

import threading

from sqlalchemy import event

from storage.db import Database
from storage.models import Staff
from tests.e2e.plans import captured, full_scans
from tests.e2e.teams.approving import MANNY, add_manny, card_to, declare, press, step_of
from tests.e2e.teams.harness import TeamsNolan
from tests.e2e.test_action_cost import LARGE, add_staff
from tests.faketeams import FakeTeams


def test_an_approve_press_reads_no_whole_table_at_fifty_thousand_staff(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    add_manny(fake, db, org)
    add_staff(db, LARGE, manager_id=org["mo"].id)
    step_id = declare(nolan, org)
    sent = card_to(fake, MANNY)
    nolan.settle()
    with captured(db) as statements:
        status, _ = press(nolan, MANNY, sent, "decide_approved")
        nolan.settle()
    assert status == 200 and step_of(db, step_id).status == "approved"
    scans = full_scans(db, statements)
    assert statements and scans == [], "\n".join(scans)


# What an Approve press's request may send, at most: the person acting found, the decision
# with its steps, the outbox and audit entries it owes. Each statement is a round trip on
# PostgreSQL: lower it when a change saves some, never raise it to let a regression through.
# By database: PostgreSQL adds the audit trail's links in the statement that moves its head on.
APPROVAL_STATEMENTS = {"sqlite": 16, "postgresql": 15}


def test_an_approve_press_sends_no_more_statements_than_it_did(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    add_manny(fake, db, org)
    declare(nolan, org)
    sent = card_to(fake, MANNY)
    nolan.settle()
    seen: list[str] = []

    def counted(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if threading.current_thread().name.startswith("waitress"):
            seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        status, _ = press(nolan, MANNY, sent, "decide_approved")
        nolan.settle()
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    assert status == 200
    assert len(seen) <= APPROVAL_STATEMENTS[db.engine.dialect.name], "\n".join(seen)
