"""Asking permission for outside work (combined-authority code §12): the request recorded, put
on the office's chain (the line manager to recommend, the head of office to grant, by
default), and the receipt owed saying who decides at each stage — in one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import engine
from bot.rules import outside_work as rules
from bot.rules.chains import Chain
from bot.rules.roles import ApproverRole, Role
from bot.rules.routing import Approver, NoApprover, Org
from bot.rules.status import DeclarationStatus
from bot.settings import Policy, Settings
from bot.ui.text import escape
from bot.usecases.declare import (
    Declared,
    audit_submitted,
    in_org_chart,
    office_day,
    owe_and_report,
    unrouted_sentence,
)
from bot.usecases.manager import line_routing
from storage import declarations, staff
from storage.db import Database
from storage.models import Declaration, OutsideWork, Staff

KIND = "outside_work"
# The declarant's receipt, as queued (payload: declaration_id, explanation, next_step).
RECEIPT = "outside_work_receipt"
VERBS = {"recommend": "to recommend", "grant": "to decide", "note": "to note"}


def request_outside_work(
    db: Database,
    *,
    declarant: Staff | None,
    request: rules.OutsideWorkRequest,
    settings: Settings,
    now: datetime,
    manager_asked: bool = False,
    chosen_manager_id: int | None = None,
) -> Declared:
    """Record the validated `request` (rules.validate) and open its first stage.
    `manager_asked`: the form asked for the line manager (bot.usecases.manager), who is
    `chosen_manager_id`. Refused, with nothing recorded, when the declarant or the chosen
    manager can't stand."""
    with db.session() as session:
        me = in_org_chart(declarant)
        choice = line_routing(session, me, asked=manager_asked, chosen_id=chosen_manager_id)
        chosen = choice.chosen
        flags = rules.flags_for(request, office_day(settings, now))
        chain = settings.policy.chain(KIND)
        declaration = declarations.create_declaration(
            session,
            kind=KIND,
            declarant=me,
            status=DeclarationStatus.PENDING,
            chain=chain,
            chosen_approver_id=chosen.id if chosen else None,
            created_at=now,  # the injected clock: the request's day is the clock's
        )
        assert declaration.id is not None
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
        day = office_day(settings, now)
        org = staff.org_view(session, on=day, holders=choice.holders, known=(me,))
        opened = engine.start(
            session, declaration=declaration, declarant=me, chain=chain, org=org, now=now
        )
        next_step = _next_step(session, declaration, me, chain, org, opened, settings.policy)
        explanation = _explanation(me, flags, settings.policy)
        done = owe_and_report(
            session,
            declaration,
            opened,
            receipt=RECEIPT,
            explanation=explanation,
            next_step=next_step,
        )
        session.commit()
        return done


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
    text += unrouted_sentence([*opened.unrouted, *missing])
    return text.strip()
