"""The ledger's keys from before recipients were named as the outbox names them (a Slack id
for a person or a channel): a reminder they sent counts as sent under the new name, so a
sweep does not send it twice; one still owed is owed again under the new name."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from bot.usecases.yearly import ANNUAL, key_of, owed_to_staff
from storage.db import Database
from storage.models import Reminder, Staff
from storage.reminders import Key, owed_keys

DAY = date(2027, 2, 1)
AT = datetime(2027, 2, 1, 7, 0, tzinfo=UTC)


def _row(session: Session, kind: str, recipient: str, status: str) -> None:
    session.add(
        Reminder(kind=kind, subject="week:2027-02-01", recipient=recipient, due_on=DAY,
                 status=status, attempts=1, claimed_at=AT, sent_at=AT, created_at=AT)
    )


def test_a_sent_reminder_keyed_by_slack_id_is_owed_under_its_new_name(db: Database) -> None:
    with db.session() as session:
        person = Staff(email="a@opcc.example", name="Alice Able", slack_user_id="UALICE")
        session.add(person)
        session.flush()
        _row(session, "vetting_lapsed", "UALICE", "sent")
        _row(session, "governance_digest", "CGOV", "sent")
        _row(session, "vetting_renewal", "UALICE", "failed")  # to try again: not renamed
        session.commit()
        staff_id = person.id
        owed = owed_keys(
            session, kinds=("vetting_lapsed", "governance_digest", "vetting_renewal"), since=DAY
        )
    week = "week:2027-02-01"
    assert Key("vetting_lapsed", week, f"staff:{staff_id}", DAY) in owed
    assert owed[Key("vetting_lapsed", week, f"staff:{staff_id}", DAY)] is None
    assert owed[Key("governance_digest", week, "channel:CGOV", DAY)] is None
    assert Key("vetting_renewal", week, f"staff:{staff_id}", DAY) not in owed
    assert Key("vetting_lapsed", week, "UALICE", DAY) in owed  # the old name still counts


def test_an_annual_message_sent_under_a_slack_id_counts_as_sent_and_a_failed_one_is_owed_anew(
    db: Database,
) -> None:
    """The annual declaration and the undertaking keyed the recipient by Slack id, the subject
    by staff id (bot.usecases.yearly.owed_to_staff reads those keys under their new name)."""
    with db.session() as session:
        sent = Staff(email="a@opcc.example", name="Alice Able", slack_user_id="UALICE")
        failed = Staff(email="b@opcc.example", name="Bob Bell", slack_user_id="UBOB")
        session.add_all([sent, failed])
        session.flush()
        assert sent.id is not None and failed.id is not None
        for person, status in ((sent, "sent"), (failed, "failed")):
            session.add(
                Reminder(kind=ANNUAL, subject=f"staff:{person.id}",
                         recipient=str(person.slack_user_id), due_on=DAY, status=status,
                         attempts=1, claimed_at=AT, sent_at=AT, created_at=AT)
            )
        session.commit()
        owed = owed_to_staff(session, kind=ANNUAL, since=DAY)
    assert owed[key_of(ANNUAL, sent.id, DAY)] is None
    assert key_of(ANNUAL, failed.id, DAY) not in owed
