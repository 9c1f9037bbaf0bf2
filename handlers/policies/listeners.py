"""/conduct policies (admins): the list of the office's policies, adding and editing one;
and "Mark reviewed…" on a review reminder (the owner or an admin)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from sqlmodel import Session

from bot.notifier import Notifier, Posted
from bot.rules import policies as rules
from bot.rules.policies import Field, ReviewField
from bot.rules.refusal import STALE_BUTTON, Refused
from bot.rules.roles import Role
from bot.settings import Settings
from handlers import slack_ui
from handlers.conduct import ConductRequest
from handlers.metadata import BadMetadata, decode
from handlers.policies import messages
from handlers.policies.form import read_policy_form, read_review_form
from handlers.policies.ids import FormMeta, PolicyRef, ReviewMeta, ReviewRef
from handlers.policies.views import list_modal, policy_form, review_modal
from handlers.replies import notice_view
from storage import audit, staff
from storage import policies as store
from storage.db import Database
from storage.models import Policy, Staff

log = logging.getLogger(__name__)

OUT_OF_DATE = "This form is out of date: close it and open /conduct policies again."


def _admin(session: Session, slack_id: str) -> Staff | None:
    me = staff.by_slack_id(session, slack_user_id=slack_id)
    return me if me is not None and Role.ADMIN in me.role_set else None


def _today(settings: Settings, clock: Callable[[], datetime]) -> date:
    return clock().astimezone(settings.policy.tz).date()


def _list_view(session: Session, settings: Settings, today: date) -> Any:
    policies = store.listed(session)
    owners = staff.by_ids(session, ids=store.owners(policies))
    names = {i: s.display_name for i, s in owners.items()}
    return list_modal(policies, names, today=today, leads=settings.policy.policy_lead_days)


# -- the list --------------------------------------------------------------------------------


def policies_command(request: ConductRequest) -> None:
    """`/conduct policies`: admins get the list; anyone else an ephemeral refusal."""
    with request.db.session() as session:
        if _admin(session, request.user_id) is None:
            request.reply(messages.NOT_ADMIN)
            return
        view = _list_view(session, request.settings, _today(request.settings, request.clock))
    request.ack()
    request.client.views_open(trigger_id=request.command["trigger_id"], view=view)


def _push(client: WebClient, body: dict[str, Any], view: Any) -> None:
    client.views_push(trigger_id=body["trigger_id"], view=view)


def open_add(ack: Ack, body: dict[str, Any], client: WebClient, db: Database) -> None:
    ack()
    with db.session() as session:
        admin = _admin(session, body["user"]["id"])
    if admin is None:
        _push(client, body, notice_view(messages.NOT_ADMIN, "Policies"))
        return
    list_id = (body.get("view") or {}).get("id")
    _push(
        client,
        body,
        policy_form(policy=None, owner_slack_id=None, meta=FormMeta(list_view_id=list_id)),
    )


def open_edit(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, db: Database
) -> None:
    ack()
    try:
        ref = decode(PolicyRef, action.get("value"))
    except BadMetadata:
        _push(client, body, notice_view(STALE_BUTTON, "Policies"))
        return
    with db.session() as session:
        admin = _admin(session, body["user"]["id"])
        policy = store.get(session, policy_id=ref.policy_id)
        owner = (
            staff.by_id(session, staff_id=policy.owner_id) if policy and policy.owner_id else None
        )
    if admin is None or policy is None:
        _push(
            client,
            body,
            notice_view(messages.NOT_ADMIN if admin is None else OUT_OF_DATE, "Policies"),
        )
        return
    meta = FormMeta(policy_id=policy.id, list_view_id=(body.get("view") or {}).get("id"))
    _push(
        client,
        body,
        policy_form(
            policy=policy, owner_slack_id=owner.slack_user_id if owner else None, meta=meta
        ),
    )


# -- the form --------------------------------------------------------------------------------


def submit_policy(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    """Validate, store and audit in one transaction; then refresh the list underneath."""
    try:
        meta = decode(FormMeta, view.get("private_metadata"))
    except BadMetadata:
        ack(**slack_ui.field_errors({Field.TITLE: OUT_OF_DATE}))
        return
    typed = read_policy_form(view["state"]["values"])
    today = _today(settings, clock)
    with db.session() as session:
        admin = _admin(session, body["user"]["id"])
        if admin is None:
            ack(**slack_ui.field_errors({Field.TITLE: messages.NOT_ADMIN}))
            return
        owner = (
            staff.by_slack_id(session, slack_user_id=typed.owner_slack_id)
            if typed.owner_slack_id
            else None
        )
        form = rules.PolicyForm(
            title=typed.title,
            owner_chosen=bool(typed.owner_slack_id),
            owner_in_org=owner is not None,
            url=typed.url,
            last_reviewed=typed.last_reviewed,
            review_months=typed.review_months,
            next_review=typed.next_review,
            channel=typed.channel,
            is_code_of_conduct=typed.is_code_of_conduct,
            retired=typed.retired,
        )
        try:
            valid = rules.validate(form, today)
        except rules.InvalidPolicy as invalid:
            ack(**slack_ui.field_errors(invalid.errors))
            return
        assert owner is not None and owner.id is not None
        if meta.policy_id is None:
            policy = store.add(session, valid=valid, owner_id=owner.id)
            assert policy.id is not None
            audit.record(
                session,
                action="policy_added",
                actor_id=admin.id,
                policy_id=policy.id,
                **{name: getattr(policy, name) for name in store.FIELDS},
            )
        else:
            found = store.get(session, policy_id=meta.policy_id)
            if found is None:
                ack(**slack_ui.field_errors({Field.TITLE: OUT_OF_DATE}))
                return
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
        refreshed = _list_view(session, settings, today) if meta.list_view_id else None
    ack()  # closes the form, back to the list
    if meta.list_view_id and refreshed is not None:
        try:
            client.views_update(view_id=meta.list_view_id, view=refreshed)
        except Exception:  # the list may have been closed meanwhile: the save stands
            log.info("Could not refresh the policy list %s", meta.list_view_id, exc_info=True)


# -- "Mark reviewed…" -----------------------------------------------------------------------


def _may_review(person: Staff | None, policy: Policy) -> bool:
    """The policy's owner, or an admin."""
    if person is None:
        return False
    return person.id == policy.owner_id or Role.ADMIN in person.role_set


def open_review(
    ack: Ack,
    body: dict[str, Any],
    meta: ReviewRef,
    actor: Staff | None,
    client: WebClient,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    ack()
    ref, me = meta, actor
    with db.session() as session:
        policy = store.get(session, policy_id=ref.policy_id)
        owner = (
            staff.by_id(session, staff_id=policy.owner_id) if policy and policy.owner_id else None
        )
    if policy is None or not policy.active:
        raise Refused(messages.GONE)
    if not _may_review(me, policy):
        owner_name = owner.display_name if owner else "its owner"
        raise Refused(f"{messages.NOT_OWNER} This one is {owner_name}'s.")
    if policy.next_review != ref.due:
        nxt = rules.long_date(policy.next_review) if policy.next_review else "not set"
        raise Refused(
            f"This reminder is out of date: the review it was about has been marked done or "
            f"its date changed. The next review is due {nxt}."
        )
    container = body.get("container") or {}
    where = ReviewMeta(
        policy_id=ref.policy_id,
        due=ref.due,
        channel=container.get("channel_id") or (body.get("channel") or {}).get("id"),
        ts=container.get("message_ts") or (body.get("message") or {}).get("ts"),
    )
    client.views_open(
        trigger_id=body["trigger_id"],
        view=review_modal(
            policy,
            meta=where,
            owner_name=owner.display_name if owner else None,
            today=_today(settings, clock),
        ),
    )


def submit_review(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    db: Database,
    settings: Settings,
    notifier: Notifier,
    clock: Callable[[], datetime],
) -> None:
    """Record the review (a conditional update), audit it, then turn each reminder of this
    review into "Reviewed"."""
    try:
        meta = decode(ReviewMeta, view.get("private_metadata"))
    except BadMetadata:
        ack(**slack_ui.field_errors({ReviewField.REVIEWED_ON: OUT_OF_DATE}))
        return
    today = _today(settings, clock)
    form = read_review_form(view["state"]["values"])
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=body["user"]["id"])
        policy = store.get(session, policy_id=meta.policy_id)
        if policy is None or not policy.active:
            ack(**slack_ui.field_errors({ReviewField.REVIEWED_ON: messages.GONE}))
            return
        if me is None or not _may_review(me, policy):
            ack(**slack_ui.field_errors({ReviewField.REVIEWED_ON: messages.NOT_OWNER}))
            return
        try:
            review = rules.validate_review(form, review_months=policy.review_months, today=today)
        except rules.InvalidPolicy as invalid:
            ack(**slack_ui.field_errors(invalid.errors))
            return
        assert policy.id is not None and me.id is not None
        if not store.mark_reviewed(
            session,
            policy_id=policy.id,
            expected_next=meta.due,
            reviewed_on=review.reviewed_on,
            next_review=review.next_review,
        ):
            session.rollback()
            taken = "Someone else has just marked this review done."
            ack(**slack_ui.field_errors({ReviewField.REVIEWED_ON: taken}))
            return
        audit.record(
            session,
            action="policy_reviewed",
            actor_id=me.id,
            policy_id=policy.id,
            reviewed_on=review.reviewed_on,
            was_due=meta.due,
            next_review=review.next_review,
            note=review.note,
        )
        session.commit()
        # The reminders of this review: due from its earliest lead time on.
        since = (meta.due or today) - timedelta(days=max(settings.policy.policy_lead_days))
        posted = store.posted_reminders(session, policy_id=policy.id, since=since)
    ack()
    where = {(r.channel, r.ts) for r in posted if r.channel and r.ts}
    if meta.channel and meta.ts:
        where.add((meta.channel, meta.ts))
    message = messages.reviewed_message(
        policy, reviewed_on=review.reviewed_on, next_review=review.next_review, marked_by=me
    )
    for channel, ts in sorted(where):
        assert channel is not None and ts is not None
        try:
            notifier.update(Posted(channel, ts), message)
        except Exception:  # one stale message must not keep the others as they were
            log.warning("Could not update the review reminder %s/%s", channel, ts, exc_info=True)
