"""/gift: open the form, take the declaration, route it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.notifier import Message, Notifier
from bot.rules import gifts as rules
from bot.rules.routing import Approver, NeedsChoice, NoApprover, disposal_approver, line_approver
from bot.settings import Settings
from handlers.approvals.messages import approval_message
from handlers.gifts.cards import declarant_receipt, gift_card
from handlers.gifts.form import read_gift_form
from handlers.gifts.ids import Field
from handlers.gifts.views import gift_modal
from storage import audit, declarations, staff
from storage.db import Database
from storage.models import Staff

log = logging.getLogger(__name__)

NOT_IN_ORG_CHART = (
    "Nolan can't find you in the office's org chart, so it can't route your declaration. "
    "Please ask an admin to add you (python -m bot staff import), then try again."
)


def limits_of(settings: Settings) -> rules.Limits:
    return rules.Limits(
        token_threshold_pence=settings.policy.token_gift_threshold_pence,
        value_ceiling_pence=settings.policy.gift_value_ceiling_pence,
    )


def open_gift_modal(
    ack: Ack, command: dict[str, Any], client: WebClient, db: Database, settings: Settings
) -> None:
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=command["user_id"])
        routing = None
        if me is not None:
            routing = line_approver(staff.as_person(me), staff.office_holders(session))
    if me is None:
        ack(text=NOT_IN_ORG_CHART, response_type="ephemeral")
        return
    ack()
    client.views_open(
        trigger_id=command["trigger_id"],
        view=gift_modal(
            description=(command.get("text") or "").strip(),
            ask_for_manager=isinstance(routing, NeedsChoice),
            token_threshold_pence=settings.policy.token_gift_threshold_pence,
        ),
    )


@dataclass(frozen=True)
class Delivery:
    """Who is to be told what, once the declaration is safely stored."""

    declaration_id: int
    step_id: int | None
    approver_slack_id: str | None
    inform_slack_id: str | None
    explanation: str
    next_step: str


def submit_gift(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    db: Database,
    settings: Settings,
    notifier: Notifier,
    clock: Callable[[], datetime],
) -> None:
    form, chosen_slack_id = read_gift_form(view["state"]["values"])
    picker_shown = any(b.get("block_id") == Field.LINE_MANAGER for b in view.get("blocks", []))
    today = clock().astimezone(settings.policy.tz).date()
    try:
        offer = rules.validate(form, limits_of(settings), today)
    except rules.InvalidGift as invalid:
        ack(response_action="errors", errors=invalid.errors)
        return
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=body["user"]["id"])
        if me is None:
            ack(response_action="errors", errors={Field.KIND: NOT_IN_ORG_CHART})
            return
        chosen: Staff | None = None
        if picker_shown and chosen_slack_id:
            chosen = staff.by_slack_id(session, slack_user_id=chosen_slack_id)
            if chosen is None:
                ack(
                    response_action="errors",
                    errors={
                        Field.LINE_MANAGER: "That person isn't in the org chart: "
                        "choose your manager."
                    },
                )
                return
        holders = staff.office_holders(session)
        person = staff.as_person(me)
        routing = line_approver(person, holders, chosen.id if chosen else None)
        if isinstance(routing, NoApprover) and picker_shown:
            ack(response_action="errors", errors={Field.LINE_MANAGER: routing.reason})
            return
        if isinstance(routing, NeedsChoice) and picker_shown:
            ack(
                response_action="errors",
                errors={Field.LINE_MANAGER: "Please choose your line manager."},
            )
            return
        assessment = rules.assess(offer, limits_of(settings), today)
        delivery = _store(session, me, offer, assessment, routing, holders, chosen)
    ack()
    _deliver(db, notifier, delivery, me)


def _store(
    session: Any,
    me: Staff,
    offer: rules.GiftOffer,
    assessment: rules.Assessment,
    routing: Any,
    holders: Any,
    chosen: Staff | None,
) -> Delivery:
    """Record the offer and its first step in one transaction: nothing half-written."""
    declaration, _row = declarations.create_gift(
        session,
        declarant=me,
        offer=offer,
        assessment=assessment,
        chosen_approver_id=chosen.id if chosen else None,
    )
    assert declaration.id is not None
    audit.record(
        session,
        action="submitted",
        actor_id=me.id,
        declaration_id=declaration.id,
        route=assessment.route.value,
        flags=sorted(assessment.flags),
    )
    manager = routing if isinstance(routing, Approver) else None
    target: Approver | NoApprover | None = None
    purpose = "authorise"
    if assessment.route is rules.Route.AUTHORISE:
        target = routing if not isinstance(routing, NeedsChoice) else _fallback(me, holders)
    elif assessment.route is rules.Route.DISPOSE:
        target, purpose = disposal_approver(staff.as_person(me), holders), "dispose"
    step = None
    approver: Staff | None = None
    next_step = ""
    if isinstance(target, Approver):
        step = declarations.add_step(
            session,
            declaration=declaration,
            role=target.role.value,
            purpose=purpose,
            approver_id=target.person_id,
        )
        approver = staff.by_id(session, staff_id=target.person_id)
        audit.record(
            session,
            action="routed",
            declaration_id=declaration.id,
            step_id=step.id,
            approver_id=target.person_id,
            role=target.role.value,
        )
        name = approver.display_name if approver else "your approver"
        next_step = f"It has gone to {name} to decide; you'll get a message when they do."
    elif isinstance(target, NoApprover):
        audit.record(
            session, action="unrouted", declaration_id=declaration.id, reason=target.reason
        )
        next_step = (
            f"Nolan could not find who should decide ({target.reason}) Please tell "
            "the monitoring officer."
        )
    inform: Staff | None = None
    if assessment.route in (rules.Route.REFUSED, rules.Route.RECORDED) and manager:
        inform = staff.by_id(session, staff_id=manager.person_id)
    session.commit()
    return Delivery(
        declaration_id=declaration.id,
        step_id=step.id if step else None,
        approver_slack_id=approver.slack_user_id if approver else None,
        inform_slack_id=inform.slack_user_id if inform else None,
        explanation=assessment.explanation,
        next_step=next_step,
    )


def _fallback(me: Staff, holders: Any) -> Approver | NoApprover:
    """No manager known and none chosen: the next role up decides."""
    return disposal_approver(staff.as_person(me), holders)


def _deliver(db: Database, notifier: Notifier, delivery: Delivery, me: Staff) -> None:
    """Post the DMs after the ack; record where the approver's DM went, for chat.update."""
    with db.session() as session:
        record = declarations.load_gift(session, declaration_id=delivery.declaration_id)
        assert record is not None
        step = next((s for s in record.steps if s.id == delivery.step_id), None)
        told: list[str] = []
        if step is not None and delivery.approver_slack_id:
            posted = notifier.dm(
                delivery.approver_slack_id, approval_message(gift_card(record, step))
            )
            step.dm_channel, step.dm_ts = posted.channel, posted.ts
            session.add(step)
            told.append("approver")
        if delivery.inform_slack_id:
            notifier.dm(delivery.inform_slack_id, approval_message(gift_card(record, None)))
            told.append("line_manager")
        audit.record(
            session,
            action="notified",
            declaration_id=delivery.declaration_id,
            step_id=delivery.step_id,
            told=told,
        )
        session.commit()
    if me.slack_user_id:
        receipt: Message = declarant_receipt(record, delivery.explanation, delivery.next_step)
        notifier.dm(me.slack_user_id, receipt)
