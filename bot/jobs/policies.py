"""The sweep's policy review job (its JOBS): reminders in each policy's channel, and to its
owner, at each lead time before the review date (POLICY_LEAD_DAYS) and each week once it is
overdue (from the day after the review date).

Every message is owed through the outbox (bot.ledger) under its natural key: kind
"policy_review" (a lead time) or "policy_overdue" (a week overdue), subject "policy:<id>",
the recipient ("channel:<id>" or to_staff(owner)) and the day it fell due. So a rerun, a
second bot process or a failure never sends one twice, and a channel post that failed is
tried again on the next run while the owner, already told, is not told again.

The owner's message says when the channel post failed, and why (Nolan not in the channel):
the channel posts go first, then the owners' messages are owed, each naming its channel's
message, which its drawer reads as it stands when drawn (`channel_message`). Each platform
draws them by card name (Slack: handlers.policies.owed; Teams: bot.teams.policy_reminders).

Queries: the policies, their owners and the keys already owed, once each per sweep.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.ledger import owe_unless_sent
from bot.outbox import describe_failure, to_staff
from bot.rules.policies import long_date
from bot.rules.schedule import due_lead, weekly_due
from bot.sweep import Job, Owed, Sweep
from bot.usecases.declare import reachable
from bot.usecases.governance import CHANNEL_REMINDER, OWNER_REMINDER
from storage import policies as store
from storage import reminders, staff
from storage.models import Policy, Staff
from storage.reminders import Key

log = logging.getLogger(__name__)

REMINDED = "policy_reminded"
# Where an admin changes a policy, in each platform's words.
FIX_IT = {"slack": "/conduct policies", "teams": "conduct policies"}
INVITE = {
    "slack": "Invite Nolan to the channel (/invite @Nolan) if it isn't a member, or choose "
    "another in /conduct policies; the next run tries again.",
    "teams": "Add Nolan to the channel's team if it isn't there, or choose another channel "
    "with conduct policies; the next run tries again.",
}


@dataclass(frozen=True)
class Due:
    kind: str  # store.REVIEW_KIND or store.OVERDUE_KIND
    due_on: date


def due(next_review: date, today: date, leads: tuple[int, ...]) -> Due | None:
    """What is due today for a policy reviewed by `next_review`: the latest lead time
    reached, or, from the day after, the latest weekly overdue reminder."""
    if today > next_review:
        week = weekly_due(next_review + timedelta(days=1), today)
        return Due(store.OVERDUE_KIND, week) if week is not None else None
    lead = due_lead(next_review, today, leads)
    return Due(store.REVIEW_KIND, lead.due_on) if lead is not None else None


def channel_of(policy_channel: str) -> str:
    """The outbox recipient of a post in a policy's channel."""
    return f"channel:{policy_channel}"


@dataclass(frozen=True)
class Reminding:
    """A policy whose reminder is due today, and what its words need."""

    policy: Policy
    owner: Staff | None
    what: Due

    @property
    def when(self) -> str:
        assert self.policy.next_review is not None
        late = " (overdue)" if self.what.kind == store.OVERDUE_KIND else ""
        return f"{long_date(self.policy.next_review)}{late}"

    def key(self, recipient: str) -> Key:
        assert self.policy.id is not None
        return Key(self.what.kind, store.subject(self.policy.id), recipient, self.what.due_on)

    def payload(self) -> dict[str, object]:
        assert self.policy.next_review is not None
        return {"policy_id": self.policy.id, "due": self.policy.next_review.isoformat()}


@dataclass
class Run:
    """What one run of the job keeps: the keys already owed (loaded once), each policy's
    channel message (owed now, or still owed)."""

    owed: dict[Key, int | None]
    posts: dict[int, int] = field(default_factory=dict)


def remind_policy_reviews(sweep: Sweep) -> None:
    leads = sweep.settings.policy.policy_lead_days
    with sweep.db.session() as session:
        found = []
        for policy in store.reviewable(session):
            assert policy.next_review is not None
            what = due(policy.next_review, sweep.today, leads)
            if what is not None:
                found.append((policy, what))
        if not found:
            return
        owners = staff.by_ids(session, ids=store.owners(p for p, _ in found))
        owed = reminders.owed_keys(
            session, kinds=store.KINDS, since=min(w.due_on for _, w in found)
        )
    due_now = [Reminding(p, owners.get(p.owner_id or 0), w) for p, w in found]
    run = Run(owed)
    # The channel posts go first: each owner's message reads its channel post's outcome.
    for step in (_post_in_channel, _remind_owner):
        for item in due_now:
            try:
                step(sweep, item, run)
            except Exception as exc:  # one policy must not stop the others
                log.warning("Policy %s reminder", item.policy.id, exc_info=True)
                sweep.report.failed(
                    f"could not remind about policy “{item.policy.title}”: "
                    f"{describe_failure(exc)}"
                )
        sweep.deliver()


def _post_in_channel(sweep: Sweep, item: Reminding, run: Run) -> None:
    policy = item.policy
    if not policy.channel_id:
        return
    assert policy.id is not None
    channel = policy.channel_id
    queued = owe_unless_sent(
        sweep.db,
        run.owed,
        item.key(channel_of(channel)),
        CHANNEL_REMINDER,
        due_at=sweep.now,
        **item.payload(),
    )
    if queued is None:
        return  # sent by an earlier run, or another sweep owes it
    run.posts[policy.id] = queued
    sweep.owe(
        Owed(
            queued,
            REMINDED,
            f"Posted in channel {channel} that policy “{policy.title}” is due for review "
            f"{item.when}.",
            failed=f"could not post the review reminder for policy “{policy.title}” in channel "
            f"{channel}: {{error}}. {INVITE[sweep.settings.platform]}",
            waiting=f"The review reminder for policy “{policy.title}” waits until Nolan is "
            f"installed in the team of channel {channel}.",
        )
    )


def _remind_owner(sweep: Sweep, item: Reminding, run: Run) -> None:
    policy, owner = item.policy, item.owner
    assert policy.id is not None
    if owner is None or owner.id is None or not owner.active or not reachable(owner):
        who = "nobody" if owner is None else owner.display_name
        sweep.report.note(
            f"Policy “{policy.title}” is due for review {item.when}, but its owner ({who}) "
            f"can't be sent a message: an admin can choose another in "
            f"{FIX_IT[sweep.settings.platform]}."
        )
        return
    queued = owe_unless_sent(
        sweep.db,
        run.owed,
        item.key(to_staff(owner.id)),
        OWNER_REMINDER,
        due_at=sweep.now,
        channel_message=run.posts.get(policy.id),
        **item.payload(),
    )
    if queued is None:
        return
    sweep.owe(
        Owed(
            queued,
            REMINDED,
            f"Reminded {owner.display_name} that policy “{policy.title}” is due for review "
            f"{item.when}.",
            failed=f"could not remind {owner.display_name} about policy “{policy.title}”",
            waiting=f"The review reminder for policy “{policy.title}” waits until Nolan is "
            f"installed for {owner.display_name}.",
        )
    )


JOBS = [
    Job(
        "policy reviews",
        remind_policy_reviews,
        working_days_only=True,
        phrases={
            "policy_reminded": (
                "sent {n} policy review reminder",
                "sent {n} policy review reminders",
            ),
        },
    ),
]
