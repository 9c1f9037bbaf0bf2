"""The anniversary review of outside-work permissions in the daily sweep (its JOBS, run on
Slack and Teams alike).

A permission in force is put up for review on each anniversary of its grant (the local date
of the granting step's decision; a 29 February grant on 28 February in other years). The
member of staff gets one DM per anniversary, owed through the outbox by its ledger key (bot.
ledger.owe_once): kind "outside_work_review", subject "declaration:<id>", to_staff(id), due
on the anniversary (sent the next working day when it falls on a weekend or bank holiday;
not sent at all if more than REVIEW_GRACE_DAYS late), drawn when sent (Slack: handlers.
reviews.owed, Teams: bot.teams.reviews; each records "outside_work_review_sent" with it).
Loading is four queries, however many permissions.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.ledger import owe_unless_sent
from bot.outbox import to_staff
from bot.rules import annual as rules
from bot.sweep import Job, Owed, Sweep
from bot.usecases.declare import reachable
from bot.usecases.reviews_owed import KIND
from storage import confirmations as store
from storage import staff
from storage.reminders import Key, owed_keys


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
        owed = owed_keys(session, kinds=(KIND,), since=since)
        people = staff.by_ids(session, ids={g.declarant_id for g, _, _ in due})
    references: dict[int, str] = {}  # by outbox id, for the report
    for grant, granted_on, anniversary in due:
        person = people.get(grant.declarant_id)
        if person is None or not person.active or not reachable(person):
            continue
        subject = store.declaration_subject(grant.declaration_id)
        if (subject, anniversary.isoformat()) in answered:
            continue
        key = Key(KIND, subject, to_staff(grant.declarant_id), anniversary)
        queued = owe_unless_sent(
            sweep.db,
            owed,
            key,
            KIND,
            due_at=sweep.now,
            declaration_id=grant.declaration_id,
            granted_on=granted_on.isoformat(),
            anniversary=anniversary.isoformat(),
        )
        if queued is not None:
            references[queued] = grant.reference
            sweep.owe(
                Owed(
                    queued,
                    "reviews_sent",
                    None,
                    failed=f"could not send {person.display_name} the review of {grant.reference}",
                )
            )
    went = sweep.deliver()
    if went:
        asked = [references[o.id] for o in went]
        n = len(asked)
        sweep.report.did(
            "reviews_sent",
            f"Asked for the yearly review of {n} outside-work permission{'' if n == 1 else 's'}"
            f": {', '.join(asked[:20])}{'…' if n > 20 else ''}.",
            n=n,
        )


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
