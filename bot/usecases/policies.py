"""The office's policies: admins list, add and change them; a policy's owner (or an admin)
marks its review done, and each reminder of that review becomes "Reviewed"."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.outbox import Reference, queue
from bot.rules import policies as rules
from bot.rules.policies import Field, ReviewField
from bot.rules.refusal import Refused
from bot.rules.roles import Role
from bot.settings import Settings
from storage import audit, staff
from storage import policies as store
from storage.db import Database
from storage.models import Policy, Staff

NOT_ADMIN = (
    "Only an admin can manage the office's policies. Ask an admin, or the monitoring officer."
)
NOT_OWNER = "Only the policy's owner, or an admin, can mark its review done."
GONE = "That policy has been retired, so there is no review to mark."
OUT_OF_DATE = "This form is out of date: close it and open /conduct policies again."
TAKEN = "Someone else has just marked this review done."

# What marking a review owes: each reminder of it redrawn as "Reviewed" where it was posted
# (drawn by each platform: handlers.policies.owed for Slack).
REVIEWED = "policy_reviewed"


@dataclass(frozen=True)
class PolicyList:
    policies: list[Policy]
    owner_names: dict[int, str]
    today: date
    leads: tuple[int, ...]


@dataclass(frozen=True)
class Reviewing:
    """A review about to be marked done, as its form shows it."""

    policy: Policy
    owner_name: str | None
    today: date


@dataclass(frozen=True)
class Reviewed:
    policy_id: int
    review: rules.Review
    updated: int  # reminders to be redrawn as "Reviewed"


def today_of(settings: Settings, now: datetime) -> date:
    return now.astimezone(settings.policy.tz).date()


def _admin(actor: Staff | None, field: str | None = None) -> Staff:
    if actor is None or actor.id is None or Role.ADMIN not in actor.role_set:
        raise Refused(NOT_ADMIN, field)
    return actor


def _listed(session: Session, settings: Settings, today: date) -> PolicyList:
    policies = store.listed(session)
    owners = staff.by_ids(session, ids=store.owners(policies))
    names = {i: s.display_name for i, s in owners.items()}
    return PolicyList(policies, names, today, settings.policy.policy_lead_days)


def list_policies(
    db: Database, *, actor: Staff | None, settings: Settings, now: datetime
) -> PolicyList:
    """The office's policies and their owners' names (admins only)."""
    _admin(actor)
    with db.session() as session:
        return _listed(session, settings, today_of(settings, now))


def policy_to_edit(
    db: Database, *, actor: Staff | None, policy_id: int | None
) -> tuple[Policy | None, Staff | None]:
    """The policy an admin is about to edit (None: a new one) and its owner."""
    _admin(actor)
    if policy_id is None:
        return None, None
    with db.session() as session:
        policy = store.get(session, policy_id=policy_id)
        if policy is None:
            raise Refused(OUT_OF_DATE)
        owner = staff.by_id(session, staff_id=policy.owner_id) if policy.owner_id else None
        return policy, owner


def save_policy(
    db: Database,
    *,
    actor: Staff | None,
    policy_id: int | None,
    form: rules.PolicyForm,
    owner_id: int | None,
    settings: Settings,
    now: datetime,
) -> PolicyList:
    """Add a policy (policy_id None) or change one, owned by `owner_id` (None: nobody
    chosen, or someone the org chart does not know; `form.owner_chosen` says which):
    validated (rules.InvalidPolicy, keyed by field), stored and audited in one transaction;
    at most one policy is the code of conduct. Returns the list as it now stands."""
    admin = _admin(actor, Field.TITLE)
    today = today_of(settings, now)
    with db.session() as session:
        owner = staff.by_id(session, staff_id=owner_id) if owner_id else None
        # A channel as the deployment's platform names it (Slack C…, Teams 19:…@thread.tacv2).
        valid = rules.validate(
            replace(form, owner_in_org=owner is not None), today, settings.platform
        )
        assert owner is not None and owner.id is not None
        if policy_id is None:
            policy = store.add(session, valid=valid, owner_id=owner.id)
            audit.record(
                session,
                action="policy_added",
                actor_id=admin.id,
                policy_id=policy.id,
                **{name: getattr(policy, name) for name in store.FIELDS},
            )
        else:
            found = store.get(session, policy_id=policy_id)
            if found is None:
                raise Refused(OUT_OF_DATE, Field.TITLE)
            policy = found
            changes = store.change(session, policy=policy, valid=valid, owner_id=owner.id)
            if changes:
                audit.record(
                    session,
                    action="policy_changed",
                    actor_id=admin.id,
                    policy_id=policy.id,
                    changes=changes,
                )
        assert policy.id is not None
        if policy.is_code_of_conduct:
            # At most one policy is the code of conduct: marking this one unmarks the other.
            for other in store.clear_code_of_conduct(session, keep_id=policy.id):
                audit.record(
                    session,
                    action="policy_changed",
                    actor_id=admin.id,
                    policy_id=other,
                    changes={"is_code_of_conduct": [True, False]},
                    because=f"policy {policy.id} is now the code of conduct",
                )
        session.commit()
        return _listed(session, settings, today)


def _may_review(person: Staff | None, policy: Policy) -> bool:
    """The policy's owner, or an admin."""
    if person is None:
        return False
    return person.id == policy.owner_id or Role.ADMIN in person.role_set


def start_review(
    db: Database,
    *,
    actor: Staff | None,
    policy_id: int,
    due: date | None,
    settings: Settings,
    now: datetime,
) -> Reviewing:
    """May `actor` mark the review due on `due` done? What its form shows; or Refused."""
    with db.session() as session:
        policy = store.get(session, policy_id=policy_id)
        owner = (
            staff.by_id(session, staff_id=policy.owner_id) if policy and policy.owner_id else None
        )
    if policy is None or not policy.active:
        raise Refused(GONE)
    if not _may_review(actor, policy):
        owner_name = owner.display_name if owner else "its owner"
        raise Refused(f"{NOT_OWNER} This one is {owner_name}'s.")
    if policy.next_review != due:
        nxt = rules.long_date(policy.next_review) if policy.next_review else "not set"
        raise Refused(
            f"This reminder is out of date: the review it was about has been marked done or "
            f"its date changed. The next review is due {nxt}."
        )
    return Reviewing(policy, owner.display_name if owner else None, today_of(settings, now))


def mark_reviewed(
    db: Database,
    *,
    actor: Staff | None,
    policy_id: int,
    due: date | None,
    form: rules.ReviewForm,
    pressed: Reference | None,
    settings: Settings,
    now: datetime,
) -> Reviewed:
    """Record the review due on `due` (a conditional update: two people at once record it
    once) and its audit entry; every reminder of this review (and `pressed`, the message
    whose button opened the form) is owed its redrawing as "Reviewed". Validation errors
    are rules.InvalidPolicy; refusals Refused on the form's first field."""
    field = ReviewField.REVIEWED_ON
    today = today_of(settings, now)
    with db.session() as session:
        policy = store.get(session, policy_id=policy_id)
        if policy is None or not policy.active:
            raise Refused(GONE, field)
        if actor is None or actor.id is None or not _may_review(actor, policy):
            raise Refused(NOT_OWNER, field)
        review = rules.validate_review(form, review_months=policy.review_months, today=today)
        if not store.mark_reviewed(
            session,
            policy_id=policy_id,
            expected_next=due,
            reviewed_on=review.reviewed_on,
            next_review=review.next_review,
        ):
            raise Refused(TAKEN, field)
        audit.record(
            session,
            action="policy_reviewed",
            actor_id=actor.id,
            policy_id=policy_id,
            reviewed_on=review.reviewed_on,
            was_due=due,
            next_review=review.next_review,
            note=review.note,
        )
        # The reminders of this review: due from its earliest lead time on.
        since = (due or today) - timedelta(days=max(settings.policy.policy_lead_days))
        posted = store.posted_reminders(session, policy_id=policy_id, since=since)
        details = {
            "policy_id": policy_id,
            "reviewed_on": review.reviewed_on.isoformat(),
            "next_review": review.next_review.isoformat(),
            "marked_by": actor.id,
        }
        subject = store.subject(policy_id)
        where = {(r.channel, r.ts) for r in posted}
        updated = len(posted)
        for reminder in posted:
            queue(
                session,
                REVIEWED,
                subject=subject,
                recipient=reminder.recipient,
                updates_id=reminder.id,
                **details,
            )
        if pressed is not None and (pressed.channel, pressed.ts) not in where:
            queue(
                session,
                REVIEWED,
                subject=subject,
                recipient=pressed.channel,
                channel=pressed.channel,
                ts=pressed.ts,
                **details,
            )
            updated += 1
        session.commit()
        return Reviewed(policy_id, review, updated)
