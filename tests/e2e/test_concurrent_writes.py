"""Many people declaring at the same moment: every submission is answered and stored. On
SQLite writers queue for the one write lock (storage.db) rather than fail "database is locked"."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import func, select

from storage.db import Database
from storage.models import AuditEntry, Declaration
from tests.e2e.harness import ORG, Clock, Nolan
from tests.e2e.test_gifts_flow import hospitality
from tests.fakeslack import FakeSlack

ROUNDS = 3  # each person submits this many at once with everyone else


def test_simultaneous_declarations_are_all_answered_and_stored(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    users = [p.slack_id for p in ORG if p.manager]  # each has a line manager to route to
    forms = {user: nolan.open_modal(user, "/gift", "Dinner") for user in users}
    jobs = [user for user in users for _ in range(ROUNDS)]

    def submit(user: str) -> dict[str, object]:
        return nolan.submit(user, forms[user], hospitality(clock))

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        replies = list(pool.map(submit, jobs))

    assert replies == [{}] * len(jobs)  # every one acknowledged, none an error
    with db.session() as session:
        stored = session.exec(select(func.count()).select_from(Declaration)).one()
        submitted = session.exec(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "submitted")
        ).one()
    assert stored == submitted == len(jobs)
    # Each declarant's receipt arrives: the work after the ack went through too.
    fake.wait_for(
        "chat.postMessage",
        lambda c: "gone to" in str(c.args.get("text", "")),
        count=len(jobs),
    )
