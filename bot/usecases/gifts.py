"""Declaring a gift or hospitality (combined-authority code §15): the offer recorded with its
assessment, put on the office's chain (or the monitoring officer's, for a gift to dispose
of), the line manager told of one refused or only recorded, and the receipt owed — in one
transaction."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot import engine
from bot.rules import gifts as rules
from bot.rules.approvals import Purpose
from bot.rules.chains import Chain, Seat
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver
from bot.settings import Settings
from bot.usecases.declare import (
    Declared,
    audit_submitted,
    in_org_chart,
    office_day,
    owe_and_report,
    reachable,
    unrouted_sentence,
)
from bot.usecases.manager import ManagerChoice, line_routing
from storage import declarations, staff
from storage.db import Database
from storage.models import Staff

# The declarant's receipt, as queued (payload: declaration_id, explanation, next_step).
RECEIPT = "gift_receipt"

DISPOSAL_CHAIN: Chain = ((Seat(ApproverRole.MONITORING_OFFICER, Purpose.DISPOSE),),)


def limits_of(settings: Settings) -> rules.Limits:
    return rules.Limits(
        token_threshold_pence=settings.policy.token_gift_threshold_pence,
        value_ceiling_pence=settings.policy.gift_value_ceiling_pence,
    )


def declare_gift(
    db: Database,
    *,
    declarant: Staff | None,
    offer: rules.GiftOffer,
    settings: Settings,
    now: datetime,
    manager_asked: bool = False,
    chosen_manager_id: int | None = None,
    source: str | None = None,
) -> Declared:
    """Record the validated `offer` (rules.validate), assessed as of `now`. `manager_asked`:
    the form asked for the line manager (bot.usecases.manager.needs_choice), who is
    `chosen_manager_id`; `source`: a link to the message it was declared from. Refused, with
    nothing recorded, when the declarant or the chosen manager can't stand."""
    with db.session() as session:
        me = in_org_chart(declarant)
        choice = line_routing(session, me, asked=manager_asked, chosen_id=chosen_manager_id)
        assessment = rules.assess(offer, limits_of(settings), office_day(settings, now))
        done = _record(session, me, offer, assessment, choice, settings, now, source)
        session.commit()
        return done


def _record(
    session: Session,
    me: Staff,
    offer: rules.GiftOffer,
    assessment: rules.Assessment,
    choice: ManagerChoice,
    settings: Settings,
    now: datetime,
    source: str | None,
) -> Declared:
    routing, chosen = choice.routing, choice.chosen
    chain: Chain = ()
    if assessment.route is rules.Route.AUTHORISE:
        chain = settings.policy.chain("gift")
    elif assessment.route is rules.Route.DISPOSE:
        chain = DISPOSAL_CHAIN
    declaration, _row = declarations.create_gift(
        session,
        declarant=me,
        offer=offer,
        assessment=assessment,
        chosen_approver_id=chosen.id if chosen else None,
        chain=chain,
        created_at=now,  # the injected clock: "declared on" follows it
    )
    assert declaration.id is not None
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
    next_step = ""
    opened = None
    if chain:
        day = office_day(settings, now)
        org = staff.org_view(session, on=day, holders=choice.holders, known=(me,))
        opened = engine.start(
            session, declaration=declaration, declarant=me, chain=chain, org=org, now=now
        )
        found = (staff.display_name(session, staff_id=s.approver_id) for s in opened.steps)
        names = [name for name in found if name]
        if names:
            next_step = (
                f"It has gone to {' and '.join(names)} to decide; you'll get a "
                "message when they do."
            )
        next_step += unrouted_sentence(opened.unrouted)
    informed: list[int] = []
    if assessment.route in (rules.Route.REFUSED, rules.Route.RECORDED) and isinstance(
        routing, Approver
    ):
        manager = staff.by_id(session, staff_id=routing.person_id)
        if reachable(manager) and manager is not None and manager.id is not None:
            informed.append(manager.id)
    return owe_and_report(
        session,
        declaration,
        opened,
        receipt=RECEIPT,
        explanation=assessment.explanation,
        next_step=next_step.strip(),
        informed=informed,
    )
