"""What the delivery worker sends the database for the messages a declaration and a decision
owe (the approver's card and the receipt; the card redrawn and the outcome): a ceiling, as
the requests have theirs (test_action_cost), and no second read of what the card's drawing
loaded already."""

from __future__ import annotations

from sqlmodel import select

from storage import audit
from storage.db import Database
from storage.models import ApprovalStep, AuditEntry
from tests.e2e.harness import Clock
from tests.e2e.test_action_cost import by_the_worker, submitted_and_approved
from tests.fakeslack import FakeSlack

# The worker's statements for a submission's two messages and for an approval's two, at most:
# each message's claim, drawing (the record, read once for both messages: they go in one
# pass; the card's history and risks), recording (where it went, the audit trail's "notified")
# and its status. Lower them when a change saves some. By database: PostgreSQL adds the audit
# trail's links in the statement that moves its head on.
DELIVERED = {"sqlite": (12, 10), "postgresql": (11, 9)}  # a submission's, an approval's


def test_a_submissions_and_an_approvals_messages_cost_no_more_statements_than_they_did(
    fake: FakeSlack, db: Database, clock: Clock
) -> None:
    submitted, approved = submitted_and_approved(fake, db, clock, by_the_worker)
    submission_delivered, approval_delivered = DELIVERED[db.engine.dialect.name]
    assert len(submitted) <= submission_delivered, "\n".join(submitted)
    assert len(approved) <= approval_delivered, "\n".join(approved)
    # The recipient's Slack id comes from the record the card was drawn from, and the
    # declaration a step's message is about from the message.
    for statement in submitted + approved:
        assert not statement.startswith("SELECT staff.slack_user_id, staff.tz FROM staff")
        assert not statement.startswith("SELECT approval_step.declaration_id FROM approval_step")
    with db.session() as session:
        told = session.exec(select(AuditEntry).where(AuditEntry.action == "notified")).all()
        steps = {step.id: step.declaration_id for step in session.exec(select(ApprovalStep))}
    # The manager's two cards and Alice's outcome (a receipt records nothing), each entry on
    # its step's declaration.
    details = [audit.detail_of(entry) for entry in told]
    told_as = sorted(detail["told"] for detail in details)  # whatever order they went in
    assert told_as == [["approver"], ["approver"], ["declarant"]]
    assert [entry.declaration_id for entry in told] == [steps[d["step_id"]] for d in details]
