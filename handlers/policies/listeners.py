"""/conduct policies (admins): the list of the office's policies, adding and editing one;
and "Mark reviewed…" on a review reminder (the owner or an admin). The flows are
bot.usecases.policies; a refusal in the list's own buttons is shown over the list."""

from __future__ import annotations

import logging
from typing import Any

from bot.outbox import Posted
from bot.rules.refusal import STALE_BUTTON, Refused
from bot.usecases import policies as usecase
from handlers.annual.common import pressed_message
from handlers.conduct import ConductRequest
from handlers.context import Turn
from handlers.metadata import BadMetadata, decode
from handlers.policies import owed as owed
from handlers.policies.form import read_policy_form, read_review_form
from handlers.policies.ids import FormMeta, PolicyRef, ReviewMeta, ReviewRef
from handlers.policies.views import list_modal, policy_form, review_modal
from handlers.replies import notice_view
from storage import staff

log = logging.getLogger(__name__)


def _list_view(listed: usecase.PolicyList) -> Any:
    return list_modal(listed.policies, listed.owner_names, today=listed.today, leads=listed.leads)


# -- the list --------------------------------------------------------------------------------


def policies_command(request: ConductRequest) -> None:
    """`/conduct policies`: admins get the list; anyone else an ephemeral refusal."""
    listed = usecase.list_policies(
        request.db, actor=request.actor, settings=request.settings, now=request.clock()
    )
    request.ack()
    request.client.views_open(trigger_id=request.command["trigger_id"], view=_list_view(listed))


def open_add(turn: Turn) -> None:
    turn.ack()
    try:
        usecase.policy_to_edit(turn.db, actor=turn.actor, policy_id=None)
    except Refused as refused:
        turn.push(notice_view(refused.text, "Policies"))
        return
    list_id = turn.view.get("id")
    turn.push(policy_form(policy=None, owner_slack_id=None, meta=FormMeta(list_view_id=list_id)))


def open_edit(turn: Turn) -> None:
    """Edit from the list; a refusal is shown over the list, where the button was."""
    turn.ack()
    try:
        ref = decode(PolicyRef, turn.action_value)
    except BadMetadata:
        turn.push(notice_view(STALE_BUTTON, "Policies"))
        return
    try:
        policy, owner = usecase.policy_to_edit(turn.db, actor=turn.actor, policy_id=ref.policy_id)
    except Refused as refused:
        turn.push(notice_view(refused.text, "Policies"))
        return
    assert policy is not None
    meta = FormMeta(policy_id=policy.id, list_view_id=turn.view.get("id"))
    owner_slack_id = owner.slack_user_id if owner else None
    turn.push(policy_form(policy=policy, owner_slack_id=owner_slack_id, meta=meta))


# -- the form --------------------------------------------------------------------------------


def submit_policy(turn: Turn, meta: FormMeta) -> None:
    """Save it (bot.usecases.policies.save_policy); then refresh the list underneath."""
    typed = read_policy_form(turn.view["state"]["values"])
    owner_id = None
    if typed.owner:
        with turn.db.session() as session:
            owner = staff.by_slack_id(session, slack_user_id=typed.owner)
            owner_id = owner.id if owner else None
    form = typed.form(owner_in_org=owner_id is not None)
    listed = turn.call(usecase.save_policy, policy_id=meta.policy_id, form=form, owner_id=owner_id)
    turn.ack()  # closes the form, back to the list
    if meta.list_view_id:
        try:
            turn.client.views_update(view_id=meta.list_view_id, view=_list_view(listed))
        except Exception:  # the list may have been closed meanwhile: the save stands
            log.info("Could not refresh the policy list %s", meta.list_view_id, exc_info=True)


# -- "Mark reviewed…" -----------------------------------------------------------------------


def open_review(turn: Turn, meta: ReviewRef) -> None:
    turn.ack()
    reviewing = turn.call(usecase.start_review, policy_id=meta.policy_id, due=meta.due)
    where = pressed_message(turn.body)
    turn.open(
        review_modal(
            reviewing.policy,
            meta=ReviewMeta(
                policy_id=meta.policy_id,
                due=meta.due,
                channel=where.channel if where else None,
                ts=where.ts if where else None,
            ),
            owner_name=reviewing.owner_name,
            today=reviewing.today,
        )
    )


def submit_review(turn: Turn, meta: ReviewMeta) -> None:
    """Mark it reviewed (bot.usecases.policies.mark_reviewed): its reminders become
    "Reviewed" through the outbox (handlers.policies.owed)."""
    turn.call(
        usecase.mark_reviewed,
        policy_id=meta.policy_id,
        due=meta.due,
        form=read_review_form(turn.view["state"]["values"]),
        pressed=Posted(meta.channel, meta.ts) if meta.channel and meta.ts else None,
    )
    turn.ack()
