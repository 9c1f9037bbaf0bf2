"""Declaring an interest (the Register of Interests, combined-authority code §5-§8) and ending
one: each the record, its audit entry and the messages it owes, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot import engine
from bot.outbox import queue, to_staff
from bot.rules import interests as rules
from bot.rules.approvals import Purpose
from bot.rules.chains import Chain, Seat
from bot.rules.refusal import Refused
from bot.rules.roles import ApproverRole
from bot.rules.routing import Approver, Org
from bot.rules.status import INTEREST_NOTED, DeclarationStatus
from bot.settings import Policy, Settings
from bot.ui.interests import END_DATE, InterestField
from bot.usecases.declare import (
    Declared,
    audit_submitted,
    in_org_chart,
    office_day,
    owe_and_report,
    reachable,
    unrouted_sentence,
)
from bot.usecases.kinds import kind_of
from bot.usecases.owed import declaration_subject
from storage import audit, declarations, endings, staff
from storage.db import Database
from storage.declarations import Record
from storage.models import Declaration, Interest, Staff

# The messages an interest owes beyond the shared ones, as queued (payload: declaration_id;
# RESTRICTED_POST also the reference); drawn by each platform's sender.
RECEIPT, RESTRICTED_POST = "interest_receipt", "restricted_post"
ENDED, ENDED_RECEIPT = "interest_ended", "interest_ended_receipt"

COLLEAGUE_UNKNOWN = "That person isn't in the office's org chart: choose a member of staff."
NAMED_YOURSELF = "You can't name yourself: choose the colleague."
NOT_FOUND = "Nolan can't find that interest."
ALREADY_ENDED = "This interest has already ended."
# Who is told an interest has ended, besides the member of staff.
LINE_MANAGER_SEAT = Seat(ApproverRole.LINE_MANAGER, Purpose.NOTE)


def declare_interest(
    db: Database,
    *,
    declarant: Staff | None,
    declared_interest: rules.InterestDeclaration,
    colleague_id: int | None,
    settings: Settings,
    now: datetime,
) -> Declared:
    """Record the validated interest (rules.validate) and open its first stage; someone in a
    politically restricted post is warned at once. `colleague_id`: the staff id of the
    colleague it names (its `colleague` is the platform's id), who won't decide it."""
    with db.session() as session:
        me = in_org_chart(declarant)
        colleague = staff.by_id(session, staff_id=colleague_id) if colleague_id else None
        if colleague_id and colleague is None:
            raise Refused(COLLEAGUE_UNKNOWN, InterestField.COLLEAGUE)
        if colleague is not None and colleague.id == me.id:
            raise Refused(NAMED_YOURSELF, InterestField.COLLEAGUE)
        assessment = rules.assess(
            declared_interest.category, politically_restricted=me.politically_restricted
        )
        done = _record(session, me, declared_interest, colleague, assessment, settings, now)
        session.commit()
        return done


def _record(
    session: Session,
    me: Staff,
    declared_interest: rules.InterestDeclaration,
    colleague: Staff | None,
    assessment: rules.Assessment,
    settings: Settings,
    now: datetime,
) -> Declared:
    draft = declarations.draft_declaration(
        kind="interest",
        declarant=me,
        status=DeclarationStatus.PENDING,
        named_staff_id=colleague.id if colleague else None,
        created_at=now,  # the injected clock: "declared on" follows it
    )
    # Its chain depends on whom routing finds: chosen first, so the row goes in with it and
    # its reference is its one UPDATE (issue 10).
    org = staff.org_view(session, on=office_day(settings, now), known=(me,))
    chain = _chain(draft, me, assessment, settings, org)
    declaration = declarations.insert_declaration(session, draft, chain)
    assert declaration.id is not None
    d = declared_interest
    session.add(
        Interest(
            declaration_id=declaration.id,
            category=d.category.value,
            organisation=d.organisation,
            description=d.description,
            started_on=d.started_on,
            ended_on=d.ended_on,
            conflict=d.conflict,
            proposal=d.proposal,
            restricted_post=assessment.restricted_post,
        )
    )
    audit_submitted(
        session,
        me,
        declaration,
        settings,
        now,
        category=d.category.value,
        restricted_post=assessment.restricted_post,
        named_staff_id=colleague.id if colleague else None,
    )
    opened = engine.start(
        session, declaration=declaration, declarant=me, chain=chain, org=org, now=now
    )
    next_step = _next_step(session, opened, colleague, settings.policy)
    if assessment.restricted_post:  # told at once, before anything else
        queue(
            session,
            RESTRICTED_POST,
            subject=declaration_subject(declaration.id),
            recipient=to_staff(me.id or 0),
            declaration_id=declaration.id,
            reference=declaration.reference or "",
        )
    # The immediate warning already said it; the receipt says what happens next.
    explanation = (
        "Your post is politically restricted: see the message above."
        if assessment.restricted_post
        else assessment.explanation
    )
    return owe_and_report(
        session,
        declaration,
        opened,
        receipt=RECEIPT,
        explanation=explanation,
        next_step=next_step,
    )


def _role_title(policy: Policy, role: str) -> str:
    return {
        ApproverRole.MONITORING_OFFICER.value: policy.monitoring_officer_title,
        ApproverRole.HEAD_OF_OFFICE.value: policy.head_of_office_title,
        ApproverRole.VETTING_OFFICER.value: policy.vetting_officer_title,
    }.get(role, "")


def _next_step(
    session: Session, opened: engine.Opened, colleague: Staff | None, policy: Policy
) -> str:
    names = []
    for step in opened.steps:
        name = staff.display_name(session, staff_id=step.approver_id)
        if name is None:
            continue
        title = _role_title(policy, step.role)
        names.append(f"{name} ({title})" if title else name)
    next_step = ""
    if names:
        next_step = (
            f"It has gone to {' and '.join(names)} to note; you'll get a message when they have."
        )
    if colleague is not None:
        next_step += f" As you named {colleague.display_name}, they won't be asked to decide it."
    next_step += unrouted_sentence(opened.unrouted, "note it")
    return next_step.strip()


def _chain(
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


# -- ending an interest ---------------------------------------------------------------------


@dataclass(frozen=True)
class Endable:
    """An interest its declarant may end now: enough to ask them for the end date."""

    declaration_id: int
    reference: str
    what: str  # the interest in the declarant's words (its kind's describe)


@dataclass(frozen=True)
class Ended:
    declaration_id: int
    reference: str
    ended_on: date
    told: list[int]  # who was told besides the declarant (staff ids)


def why_not_end(record: Record | None, me: Staff | None) -> str | None:
    """Why this person can't end this interest now, or None if they can."""
    if me is None or record is None or record.declaration.kind != "interest":
        return NOT_FOUND
    if record.declarant.id != me.id:
        return "Only the person who declared an interest can end it."
    assert isinstance(record.detail, Interest)
    if record.detail.ended_on is not None:
        return (
            f"{record.declaration.reference} has already ended ({record.detail.ended_on:%d %b %Y})."
        )
    if record.declaration.status == DeclarationStatus.PENDING:
        return (
            f"{record.declaration.reference} is still waiting to be noted. If it no longer "
            "applies, withdraw it instead."
        )
    if record.declaration.status not in INTEREST_NOTED:
        status = record.declaration.status.replace("_", " ")
        return f"{record.declaration.reference} is {status}: there is nothing to end."
    return None


def endable(db: Database, *, actor_id: int, declaration_id: int) -> Endable:
    """May this person end this interest now? (Before asking for the end date.)"""
    with db.session() as session:
        record = declarations.load_record(session, declaration_id=declaration_id)
        problem = why_not_end(record, staff.by_id(session, staff_id=actor_id))
        if problem is not None or record is None:
            raise Refused(problem or NOT_FOUND)
        what = kind_of(record.declaration.kind).describe(record)
        return Endable(declaration_id, record.declaration.reference or "", what)


def end_interest(
    db: Database,
    *,
    actor_id: int,
    declaration_id: int,
    ended_on: date | None,
    settings: Settings,
    now: datetime,
) -> Ended:
    """Set the end date once (a conditional update: two submissions, one end date), keep the
    record, and owe the line manager (and a monitoring officer who noted it) word of it, for
    information, then the declarant's receipt. Refused on the end date's field."""
    with db.session() as session:
        record = declarations.load_record(session, declaration_id=declaration_id)
        me = staff.by_id(session, staff_id=actor_id)
        problem = why_not_end(record, me)
        if problem is None and record is not None:
            assert isinstance(record.detail, Interest)
            problem = rules.end_date_problem(
                ended_on, started_on=record.detail.started_on, today=office_day(settings, now)
            )
        if problem is not None or record is None or me is None or ended_on is None:
            raise Refused(problem or NOT_FOUND, END_DATE)
        assert me.id is not None
        if not endings.end_interest(
            session, declaration_id=declaration_id, on=ended_on, actor_id=me.id
        ):
            session.rollback()
            raise Refused(ALREADY_ENDED, END_DATE)
        told = _who_to_tell(session, record, me, settings, now)
        _owe_ended(session, declaration_id, told=told, declarant_id=me.id or 0)
        if told:
            audit.record(
                session, action="notified", declaration_id=declaration_id, told=["line_manager"]
            )
        session.commit()
        return Ended(declaration_id, record.declaration.reference or "", ended_on, told)


def _who_to_tell(
    session: Session, record: Record, me: Staff, settings: Settings, now: datetime
) -> list[int]:
    """The line manager (whoever would note it today, skipping anyone named in it), and the
    monitoring officer where they noted it too (a restricted post)."""
    org = staff.org_view(session, on=office_day(settings, now), known=(me,))
    ids: list[int] = []
    target = engine.route_seat(LINE_MANAGER_SEAT, record.declaration, me, org)
    if isinstance(target, Approver):
        ids.append(target.person_id)
    for step in record.steps:
        if step.role == ApproverRole.MONITORING_OFFICER.value and step.approver_id not in ids:
            ids.append(step.approver_id)
    people = staff.by_ids(session, ids=set(ids))
    return [i for i in ids if i != me.id and reachable(people.get(i))]


def _owe_ended(
    session: Session, declaration_id: int, *, told: list[int], declarant_id: int
) -> None:
    """An interest ended: those who noted it are told, then the declarant."""
    subject = declaration_subject(declaration_id)
    for person_id in told:
        queue(
            session,
            ENDED,
            subject=subject,
            recipient=to_staff(person_id),
            declaration_id=declaration_id,
        )
    queue(
        session,
        ENDED_RECEIPT,
        subject=subject,
        recipient=to_staff(declarant_id),
        declaration_id=declaration_id,
    )
