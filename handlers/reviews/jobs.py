"""The anniversary review of outside-work permissions in the daily sweep (its JOBS).

A permission in force is put up for review on each anniversary of its grant (the local date
of the granting step's decision; a 29 February grant on 28 February in other years). The
member of staff gets one DM per anniversary through the ledger: kind "outside_work_review",
subject "declaration:<id>", their Slack id, due on the anniversary (sent the next working
day when it falls on a weekend or bank holiday; not sent at all if more than
REVIEW_GRACE_DAYS late). Loading is four queries, however many permissions.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta

from bot.ledger import send_once
from bot.notifier import Message, Notifier, Posted
from bot.rules import annual as rules
from bot.sweep import Job, Sweep
from bot.usecases.reviews import Permission
from handlers.mailing import report_failures
from handlers.reviews.messages import review_message
from storage import audit, staff
from storage import confirmations as store
from storage.reminders import Key, sent_keys

KIND = store.OUTSIDE_WORK_REVIEW


def _dm(
    notifier: Notifier, slack_id: str, message: Message, tz: str | None, now: datetime
) -> Posted | None:
    return notifier.dm_in_hours(slack_id, message, tz=tz, now=now)


def outside_work_reviews(sweep: Sweep) -> None:
    today = sweep.today
    with sweep.db.session() as session:
        grants = store.granted_outside_work(session, today=today)
    due: list[tuple[store.Grant, date, date]] = []
    for grant in grants:
        granted_on = sweep.local_day(grant.granted_at)
        anniversary = rules.review_due(granted_on, today)
        if anniversary is not None:
            due.append((grant, granted_on, anniversary))
    if not due:
        return
    since = today - timedelta(days=rules.REVIEW_GRACE_DAYS + 1)
    with sweep.db.session() as session:
        answered = store.answered_since(session, kind=KIND, period_from=since.isoformat())
        sent = sent_keys(session, kinds=(KIND,), since=since)
        people = staff.by_ids(session, ids={g.declarant_id for g, _, _ in due})
    asked: list[str] = []
    failures: list[str] = []
    for grant, granted_on, anniversary in due:
        person = people.get(grant.declarant_id)
        if person is None or not person.active or not person.slack_user_id:
            continue
        subject = store.declaration_subject(grant.declaration_id)
        if (subject, anniversary.isoformat()) in answered:
            continue
        key = Key(KIND, subject, person.slack_user_id, anniversary)
        if key in sent:
            continue
        permission = Permission(
            declaration_id=grant.declaration_id,
            reference=grant.reference,
            role=grant.role,
            organisation=grant.organisation,
            granted_on=granted_on,
        )
        message = review_message(permission, anniversary, sweep.settings.policy)
        send = functools.partial(
            _dm, sweep.notifier, person.slack_user_id, message, person.tz, sweep.now
        )
        result = send_once(sweep.db, key, send, now=sweep.now)
        if result.sent:
            asked.append(grant.reference)
            with sweep.db.session() as session:
                audit.record(
                    session,
                    action="outside_work_review_sent",
                    declaration_id=grant.declaration_id,
                    anniversary=anniversary,
                )
                session.commit()
        elif result.error:
            failures.append(
                f"could not send {person.display_name} the review of {grant.reference}: "
                f"{result.error}"
            )
    if asked:
        n = len(asked)
        sweep.report.did(
            "reviews_sent",
            f"Asked for the yearly review of {n} outside-work permission{'' if n == 1 else 's'}"
            f": {', '.join(asked[:20])}{'…' if n > 20 else ''}.",
            n=n,
        )
    report_failures(sweep, failures, more="{n} more reviews could not be sent")


JOBS = [
    Job(
        "outside-work reviews",
        outside_work_reviews,
        working_days_only=True,
        phrases={
            "reviews_sent": (
                "asked for {n} outside-work review",
                "asked for {n} outside-work reviews",
            ),
        },
    ),
]
