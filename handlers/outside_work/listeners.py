"""/outside-work: open the form, take the request, put it on its chain."""

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
from bot.rules import outside_work as rules
from bot.rules.chains import Chain
from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from bot.rules.roles import ApproverRole, Role
from bot.rules.routing import Approver, NoApprover, Org
from bot.rules.status import DeclarationStatus
from bot.settings import Policy, Settings
from bot.usecases.declare import audit_submitted
from bot.usecases.owed import owe_declared
from handlers import manager_picker, slack_ui
from handlers.approvals import owed
from handlers.outside_work.cards import declarant_receipt
from handlers.outside_work.form import read_outside_work_form
from handlers.outside_work.views import outside_work_modal
from handlers.text import escape
from storage import declarations, staff
from storage.db import Database
from storage.models import Declaration, OutsideWork, Staff

log = logging.getLogger(__name__)

KIND = "outside_work"
VERBS = {"recommend": "to recommend", "grant": "to decide", "note": "to note"}


def open_outside_work_modal(
    ack: Ack, command: dict[str, Any], client: WebClient, db: Database, settings: Settings
) -> None:
    view = outside_work_form_for(
        db, settings, slack_user_id=command["user_id"], text=command.get("text")
    )
    if view is None:
        raise Refused(NOT_IN_ORG_CHART)
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=view)


def outside_work_form_for(
    db: Database, settings: Settings, *, slack_user_id: str, text: str | None = None
) -> View | None:
    """The /outside-work form (None: not in the org chart); also the App Home's button."""
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=slack_user_id)
        ask_for_manager = me is not None and manager_picker.needs_choice(session, me)
    if me is None:
        return None
    organisation, notes = rules.prefill(text or "")
    return outside_work_modal(
        organisation=organisation,
        notes=notes,
        ask_for_manager=ask_for_manager,
        head_title=settings.policy.head_of_office_title,
    )


def submit_outside_work(
    ack: Ack,
    view: dict[str, Any],
    actor: Staff,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    form, chosen_slack_id = read_outside_work_form(view["state"]["values"])
    now = clock()
    today = now.astimezone(settings.policy.tz).date()
    try:
        request = rules.validate(form, today)
    except rules.InvalidOutsideWork as invalid:
        ack(**slack_ui.field_errors(invalid.errors))
        return
    me = actor
    with db.session() as session:
        choice = manager_picker.submitted(session, me, view, chosen_slack_id)
        chosen = choice.chosen
        flags = rules.flags_for(request, today)
        _store(session, me, request, flags, chosen, settings, now)
    ack()


def _store(
    session: Session,
    me: Staff,
    request: rules.OutsideWorkRequest,
    flags: frozenset[rules.Flag],
    chosen: Staff | None,
    settings: Settings,
    now: datetime,
) -> None:
    """Record the request, open its first stage and owe its messages in one transaction:
    nothing half-written, nothing acknowledged and then lost."""
    declaration = declarations.create_declaration(
        session,
        kind=KIND,
        declarant=me,
        status=DeclarationStatus.PENDING,
        chosen_approver_id=chosen.id if chosen else None,
    )
    assert declaration.id is not None
    declaration.created_at = now  # the injected clock: the request's day is the clock's day
    session.add(
        OutsideWork(
            declaration_id=declaration.id,
            organisation=request.organisation,
            role=request.role,
            paid=request.paid,
            hours_per_week=request.hours_per_week,
            when=request.when.value,
            start_date=request.start_date,
            involves_partner=request.involves_partner,
            uses_office=";".join(u.value for u in rules.OfficeUse if u in request.uses_office),
            notes=rules.stored_notes(request),
        )
    )
    audit_submitted(session, me, declaration, settings, now, flags=sorted(flags))
    chain = settings.policy.chain(KIND)
    org = staff.org_view(session, on=now.astimezone(settings.policy.tz).date())
    opened = engine.start(
        session, declaration=declaration, declarant=me, chain=chain, org=org, now=now
    )
    next_step = _next_step(session, declaration, me, chain, org, opened, settings.policy)
    owe_declared(
        session,
        declaration,
        list(opened.steps),
        receipt=RECEIPT,
        explanation=_explanation(me, flags, settings.policy),
        next_step=next_step,
    )
    session.commit()


def _explanation(me: Staff, flags: frozenset[rules.Flag], policy: Policy) -> str:
    head = policy.head_of_office_title
    text = f"You need the {head}'s permission before you take up the work."
    if Role.HEAD_OF_OFFICE in me.role_set:
        text = (
            f"As {head} you can't grant your own permission: the "
            f"{policy.monitoring_officer_title} decides instead."
        )
    if rules.Flag.RETROSPECTIVE in flags:
        text += (
            " Your start date has already passed, so this is recorded as retrospective: "
            "permission is needed before you start."
        )
    return text


def _title(person: Staff, seat_role: str, policy: Policy) -> str:
    """How the member of staff knows the person who will decide."""
    if Role.HEAD_OF_OFFICE in person.role_set:
        return policy.head_of_office_title
    if Role.MONITORING_OFFICER in person.role_set:
        return policy.monitoring_officer_title
    if seat_role == ApproverRole.LINE_MANAGER:
        return "your line manager"
    return seat_role.replace("_", " ")


def _next_step(
    session: Session,
    declaration: Declaration,
    me: Staff,
    chain: Chain,
    org: Org,
    opened: engine.Opened,
    policy: Policy,
) -> str:
    """Who the request has gone to, and who comes after (as routing stands today)."""

    def named(person_id: int, seat_role: str) -> str | None:
        person = staff.by_id(session, staff_id=person_id)
        if person is None:
            return None
        return f"{escape(person.display_name)} ({escape(_title(person, seat_role, policy))})"

    stages: list[str] = []
    missing: list[str] = []
    first = [n for s in opened.steps if (n := named(s.approver_id, s.role))]
    if first:
        verb = VERBS.get(opened.steps[0].purpose, "to decide")
        stages.append(f"{' and '.join(first)} {verb}")
    for stage in chain[1:] if first else ():
        names = []
        for seat in stage:
            target = engine.route_seat(seat, declaration, me, org)
            if isinstance(target, Approver) and (n := named(target.person_id, seat.role)):
                names.append(n)
            elif isinstance(target, NoApprover):
                missing.append(target.reason)
        if names:
            stages.append(f"{' and '.join(names)} {VERBS.get(stage[0].purpose, 'to decide')}")
    text = ""
    if stages:
        text = f"It has gone to {stages[0]}"
        if len(stages) > 1:
            text += "; then to " + "; then to ".join(stages[1:])
        text += ". You'll get a message at each step."
    if opened.unrouted or missing:
        text += (
            f" Nolan could not find who should decide ({[*opened.unrouted, *missing][0]}) "
            "Please tell the monitoring officer."
        )
    return text.strip()


RECEIPT = "outside_work_receipt"
owed.receipt_card(RECEIPT, declarant_receipt)
