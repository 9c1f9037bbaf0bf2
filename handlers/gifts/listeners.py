"""/gift: open the form, take the declaration, route it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlmodel import Session

from bot import engine
from bot.rules import gifts as rules
from bot.rules.approvals import Purpose
from bot.rules.chains import Chain, Seat
from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver, Routing
from bot.settings import Settings
from bot.usecases.declare import audit_submitted
from bot.usecases.owed import owe_declared
from handlers import manager_picker, slack_ui
from handlers.approvals import owed
from handlers.gifts.cards import declarant_receipt
from handlers.gifts.form import read_gift_form
from handlers.gifts.views import gift_modal
from handlers.metadata import BadMetadata, MessageSource, decode
from storage import declarations, staff
from storage.db import Database
from storage.models import ApprovalStep, Staff

log = logging.getLogger(__name__)


def limits_of(settings: Settings) -> rules.Limits:
    return rules.Limits(
        token_threshold_pence=settings.policy.token_gift_threshold_pence,
        value_ceiling_pence=settings.policy.gift_value_ceiling_pence,
    )


def open_gift_modal(
    ack: Ack, command: dict[str, Any], client: WebClient, db: Database, settings: Settings
) -> None:
    view = gift_form_for(db, settings, slack_user_id=command["user_id"], text=command.get("text"))
    if view is None:
        raise Refused(NOT_IN_ORG_CHART)
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=view)


def gift_form_for(
    db: Database,
    settings: Settings,
    *,
    slack_user_id: str,
    text: str | None = None,
    source: MessageSource | None = None,
) -> View | None:
    """The /gift form for this person (None: not in the org chart); /gift and the App Home's
    button both open it."""
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=slack_user_id)
        ask_for_manager = me is not None and manager_picker.needs_choice(session, me)
    if me is None:
        return None
    return gift_modal(
        description=(text or "").strip(),
        ask_for_manager=ask_for_manager,
        token_threshold_pence=settings.policy.token_gift_threshold_pence,
        source=source,
    )


def submit_gift(
    ack: Ack,
    view: dict[str, Any],
    actor: Staff,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    form, chosen_slack_id = read_gift_form(view["state"]["values"])
    today = clock().astimezone(settings.policy.tz).date()
    try:
        offer = rules.validate(form, limits_of(settings), today)
    except rules.InvalidGift as invalid:
        ack(**slack_ui.field_errors(invalid.errors))
        return
    me = actor
    with db.session() as session:
        choice = manager_picker.submitted(session, me, view, chosen_slack_id)
        routing, chosen = choice.routing, choice.chosen
        assessment = rules.assess(offer, limits_of(settings), today)
        source = _source(view)
        _store(session, me, offer, assessment, routing, chosen, settings, clock(), source)
    ack()


def _source(view: dict[str, Any]) -> str | None:
    """The link to the message declared from, if any (metadata we wrote; anything else is
    ignored rather than lose the declaration over it)."""
    raw = view.get("private_metadata")
    if not raw:
        return None
    try:
        return decode(MessageSource, raw).link
    except BadMetadata:
        log.warning("Ignoring unreadable gift form metadata: %r", raw[:200])
        return None


DISPOSAL_CHAIN: Chain = ((Seat(ApproverRole.MONITORING_OFFICER, Purpose.DISPOSE),),)


def _store(
    session: Session,
    me: Staff,
    offer: rules.GiftOffer,
    assessment: rules.Assessment,
    routing: Routing,
    chosen: Staff | None,
    settings: Settings,
    now: datetime,
    source: str | None = None,
) -> None:
    """Record the offer, its first steps and the messages they owe in one transaction:
    nothing half-written, nothing acknowledged and then lost."""
    declaration, _row = declarations.create_gift(
        session,
        declarant=me,
        offer=offer,
        assessment=assessment,
        chosen_approver_id=chosen.id if chosen else None,
    )
    assert declaration.id is not None
    declaration.created_at = now  # the injected clock: "declared on" follows it
    audit_submitted(
        session,
        me,
        declaration,
        settings,
        now,
        route=assessment.route.value,
        flags=sorted(assessment.flags),
        **({"source": source} if source else {}),
    )
    chain: Chain = ()
    if assessment.route is rules.Route.AUTHORISE:
        chain = settings.policy.chain("gift")
    elif assessment.route is rules.Route.DISPOSE:
        chain = DISPOSAL_CHAIN
    next_step = ""
    steps: list[ApprovalStep] = []
    if chain:
        org = staff.org_view(session, on=now.astimezone(settings.policy.tz).date())
        opened = engine.start(
            session, declaration=declaration, declarant=me, chain=chain, org=org, now=now
        )
        steps = list(opened.steps)
        names = [n for s in opened.steps if (n := _name(session, s.approver_id))]
        if names:
            next_step = (
                f"It has gone to {' and '.join(names)} to decide; you'll get a "
                "message when they do."
            )
        if opened.unrouted:
            next_step += (
                f" Nolan could not find who should decide ({opened.unrouted[0]}) "
                "Please tell the monitoring officer."
            )
    inform: Staff | None = None
    if assessment.route in (rules.Route.REFUSED, rules.Route.RECORDED) and isinstance(
        routing, Approver
    ):
        inform = staff.by_id(session, staff_id=routing.person_id)
    owe_declared(
        session,
        declaration,
        steps,
        receipt=RECEIPT,
        inform_staff_id=inform.id if inform and inform.slack_user_id else None,
        explanation=assessment.explanation,
        next_step=next_step.strip(),
    )
    session.commit()


def _name(session: Session, staff_id: int) -> str | None:
    person = staff.by_id(session, staff_id=staff_id)
    return person.display_name if person else None


RECEIPT = "gift_receipt"
owed.receipt_card(RECEIPT, declarant_receipt)
