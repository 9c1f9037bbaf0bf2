"""/interest: open the form, take the declaration, route it. Ending an interest from
/conduct mine is in handlers.interests.ending."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.models.views import View
from sqlmodel import Session

from bot import engine
from bot.outbox import queue, to_staff
from bot.rules import interests as rules
from bot.rules.chains import Chain
from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver, Org
from bot.rules.status import DeclarationStatus
from bot.settings import Policy, Settings
from bot.usecases.declare import audit_submitted
from bot.usecases.owed import owe_declared
from handlers import slack_ui
from handlers.interests.form import read_interest_form
from handlers.interests.ids import Field
from handlers.interests.owed import RECEIPT, RESTRICTED_POST
from handlers.interests.views import interest_modal
from storage import declarations, staff
from storage.db import Database
from storage.models import Declaration, Interest, Staff

log = logging.getLogger(__name__)

COLLEAGUE_UNKNOWN = "That person isn't in the office's org chart: choose a member of staff."


def office_today(settings: Settings, clock: Callable[[], datetime]) -> date:
    return clock().astimezone(settings.policy.tz).date()


def open_interest_modal(ack: Ack, command: dict[str, Any], client: WebClient, db: Database) -> None:
    view = interest_form_for(db, slack_user_id=command["user_id"], text=command.get("text"))
    if view is None:
        raise Refused(NOT_IN_ORG_CHART)
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=view)


def interest_form_for(db: Database, *, slack_user_id: str, text: str | None = None) -> View | None:
    """The /interest form (None: not in the org chart); also the App Home's button."""
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=slack_user_id)
    if me is None:
        return None
    return interest_modal(description=(text or "").strip())


def submit_interest(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    actor: Staff,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    user = body["user"]["id"]
    form = read_interest_form(view["state"]["values"])
    try:
        declared = rules.validate(form, office_today(settings, clock), declarant=user)
    except rules.InvalidInterest as invalid:
        ack(**slack_ui.field_errors(invalid.errors))
        return
    me = actor
    with db.session() as session:
        colleague: Staff | None = None
        if declared.colleague:
            colleague = staff.by_slack_id(session, slack_user_id=declared.colleague)
            if colleague is None:
                raise Refused(COLLEAGUE_UNKNOWN, Field.COLLEAGUE)
            if colleague.id == me.id:
                raise Refused("You can't name yourself: choose the colleague.", Field.COLLEAGUE)
        assessment = rules.assess(
            declared.category, politically_restricted=me.politically_restricted
        )
        _store(session, me, declared, colleague, assessment, settings, clock())
    ack()


def _role_title(policy: Policy, role: str) -> str:
    return {
        ApproverRole.MONITORING_OFFICER.value: policy.monitoring_officer_title,
        ApproverRole.HEAD_OF_OFFICE.value: policy.head_of_office_title,
        ApproverRole.VETTING_OFFICER.value: policy.vetting_officer_title,
    }.get(role, "")


def _chain(
    session: Session,
    declaration: Declaration,
    me: Staff,
    assessment: rules.Assessment,
    settings: Settings,
    org: Org,
) -> Chain:
    """The office's chain; for a restricted post, with the monitoring officer as well —
    unless the first stage already reaches the same person (the monitoring officer is the
    line manager, or declares it themselves), who would otherwise get it twice."""
    base = settings.policy.chain("interest")
    chain = rules.chain_for(base, assessment)
    if chain == base:
        return chain
    mo = engine.route_seat(rules.MONITORING_OFFICER_SEAT, declaration, me, org)
    others = [engine.route_seat(seat, declaration, me, org) for seat in base[0]]
    if isinstance(mo, Approver) and any(
        isinstance(o, Approver) and o.person_id == mo.person_id for o in others
    ):
        return base
    return chain


def _store(
    session: Session,
    me: Staff,
    declared: rules.InterestDeclaration,
    colleague: Staff | None,
    assessment: rules.Assessment,
    settings: Settings,
    now: datetime,
) -> None:
    """Record the interest, its first steps and the messages they owe in one transaction:
    nothing half-written, nothing acknowledged and then lost."""
    declaration = declarations.create_declaration(
        session,
        kind="interest",
        declarant=me,
        status=DeclarationStatus.PENDING,
        named_staff_id=colleague.id if colleague else None,
    )
    declaration.created_at = now  # the injected clock: "declared on" follows it
    assert declaration.id is not None
    session.add(
        Interest(
            declaration_id=declaration.id,
            category=declared.category.value,
            organisation=declared.organisation,
            description=declared.description,
            started_on=declared.started_on,
            ended_on=declared.ended_on,
            conflict=declared.conflict,
            proposal=declared.proposal,
            restricted_post=assessment.restricted_post,
        )
    )
    audit_submitted(
        session,
        me,
        declaration,
        settings,
        now,
        category=declared.category.value,
        restricted_post=assessment.restricted_post,
        named_staff_id=colleague.id if colleague else None,
    )
    org = staff.org_view(session, on=now.astimezone(settings.policy.tz).date())
    chain = _chain(session, declaration, me, assessment, settings, org)
    opened = engine.start(
        session, declaration=declaration, declarant=me, chain=chain, org=org, now=now
    )
    names = []
    for step in opened.steps:
        person = staff.by_id(session, staff_id=step.approver_id)
        if person is None:
            continue
        title = _role_title(settings.policy, step.role)
        names.append(f"{person.display_name} ({title})" if title else person.display_name)
    next_step = ""
    if names:
        next_step = (
            f"It has gone to {' and '.join(names)} to note; you'll get a message when they have."
        )
    if colleague is not None:
        next_step += f" As you named {colleague.display_name}, they won't be asked to decide it."
    if opened.unrouted:
        next_step += (
            f" Nolan could not find who should note it ({opened.unrouted[0]}) "
            "Please tell the monitoring officer."
        )
    if assessment.restricted_post:  # told at once, before anything else
        queue(
            session,
            RESTRICTED_POST,
            subject=f"declaration:{declaration.id}",
            recipient=to_staff(me.id or 0),
            declaration_id=declaration.id,
            reference=declaration.reference or "",
        )
    owe_declared(
        session,
        declaration,
        list(opened.steps),
        receipt=RECEIPT,
        # The immediate warning already said it; the receipt says what happens next.
        explanation="Your post is politically restricted: see the message above."
        if assessment.restricted_post
        else assessment.explanation,
        next_step=next_step.strip(),
    )
    session.commit()
