"""The registers as their keepers and the people in them see them: searching every kind of
declaration (the monitoring officer and the head of office), and viewing one declaration's
record with its audit trail (anyone the access rule, bot.rules.access, lets see it; an
officer's look at someone else's is audited). Each returns plain rows; the platform words
and draws them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from bot.rules.access import Access, is_officer, may_withhold, officer_sees
from bot.rules.refusal import Refused
from bot.rules.risk import RiskFlag
from bot.settings import Settings
from bot.ui.registers import OFFEROR_MAX, TEXT_MAX, SearchField
from storage import audit, declarations, risk, staff
from storage.access import access_to, viewer_of
from storage.db import Database
from storage.declarations import Record
from storage.models import AuditEntry, Staff
from storage.search import Criteria, Page, search

OFFICERS_ONLY = (
    "Only the monitoring officer and the head of office can search the registers. "
    "Your own declarations are in `/conduct mine`."
)
NOT_YOURS = "You can't see this declaration: it isn't yours, and it wasn't sent to you."
UNKNOWN = "Nolan can't find that declaration, or can't find you in the org chart."
NOT_IN_ORG = "This person isn't in the org chart, so has no declarations."
DATES_REVERSED = "This is before the “From” date."


def too_long(most: int) -> str:
    return f"Please keep this to {most} characters or fewer."


@dataclass(frozen=True)
class Results:
    page: Page
    person_name: str | None  # the person searched for, if any


@dataclass(frozen=True)
class Trail:
    """One page of a record's audit trail: its entries (oldest first) and the names of the
    people they mention."""

    entries: list[AuditEntry]
    names: dict[int, str]
    page: int
    pages: int
    total: int
    note: str | None = None  # the latest withholding note (officers only)


@dataclass(frozen=True)
class Viewed:
    """A declaration as `viewer` may see it."""

    viewer: Staff
    record: Record
    access: Access
    officer: bool  # the viewer keeps the registers: sees the officers' notes
    may_withhold: bool
    withheld_by: str | None
    trail: Trail
    flags: list[RiskFlag] = field(default_factory=list)


def officer(actor: Staff | None, field_id: str | None = None) -> Staff:
    """The actor, if they keep the registers; else Refused."""
    if actor is None or not is_officer(actor.role_set):
        raise Refused(OFFICERS_ONLY, field_id)
    return actor


def search_registers(
    db: Database,
    *,
    actor: Staff | None,
    criteria: Criteria,
    person_unknown: bool = False,
    settings: Settings,
    offset: int = 0,
    limit: int,
) -> Results:
    """One page of the declarations matching `criteria` that the actor may see, the access
    filter applied in the query (storage.access). `person_unknown`: a person was asked for
    whom the org chart does not know. Refused with every field found wrong."""
    me = officer(actor, SearchField.TEXT)
    errors: dict[str, str] = {}
    if criteria.date_from and criteria.date_to and criteria.date_to < criteria.date_from:
        errors[SearchField.DATE_TO] = DATES_REVERSED
    if person_unknown:
        errors[SearchField.PERSON] = NOT_IN_ORG
    # The form limits them; a forged or replayed answer may not have been.
    for field_id, said, most in (
        (SearchField.OFFEROR, criteria.offeror, OFFEROR_MAX),
        (SearchField.TEXT, criteria.text, TEXT_MAX),
    ):
        if len(said or "") > most:
            errors[field_id] = too_long(most)
    if errors:
        raise Refused.on_fields(errors)
    with db.session() as session:
        page = search(
            session,
            viewer=viewer_of(me),
            criteria=criteria,
            tz=settings.policy.tz,
            offset=offset,
            limit=limit,
        )
        person = staff.by_id(session, staff_id=criteria.person_id) if criteria.person_id else None
        return Results(page, person.display_name if person else None)


def view_record(
    db: Database,
    *,
    actor: Staff | None,
    declaration_id: int | None,
    settings: Settings,
    now: datetime,
    trail_page: int = 0,
    trail_size: int,
    audited: bool = True,
) -> Viewed:
    """The declaration, if `actor` may see it (else Refused), with a page of its trail
    (`trail_size` entries a page; trail_page < 0: the last) and the risk flags they may
    see. An officer's look at someone else's is audited (`audited`: this is a look, not a
    page turned)."""
    today = now.astimezone(settings.policy.tz).date()
    with db.session() as session:
        record = (
            declarations.load_record(session, declaration_id=declaration_id)
            if declaration_id is not None and actor is not None
            else None
        )
        if actor is None or record is None:
            raise Refused(UNKNOWN)
        me = actor
        access = access_to(viewer_of(me), record)
        if not access.allowed:
            raise Refused(NOT_YOURS)
        declaration = record.declaration
        assert declaration.id is not None
        if audited and access.audited:
            audit.record(
                session,
                action="viewed",
                actor_id=me.id,
                declaration_id=declaration.id,
                why=access.why,
            )
            session.commit()
        keeper = is_officer(me.role_set)
        by = declaration.withheld_by_id
        by_person = staff.by_id(session, staff_id=by) if by else None
        # Officers see the flags as they stand now; an approver, those their card showed; the
        # declarant none (a repeated-offers flag counts colleagues' declarations).
        if officer_sees(me.role_set, declaration.kind):  # even where also routed to them
            flags = risk.flags_for(session, declaration.id, settings.policy, today)
        elif access.why == "routed":
            flags = risk.recorded(session, declaration.id)
        else:
            flags = []
        return Viewed(
            viewer=me,
            record=record,
            access=access,
            officer=keeper,
            may_withhold=may_withhold(
                me.role_set, declaration.kind, own=declaration.declarant_id == me.id
            ),
            withheld_by=by_person.display_name if by_person else None,
            trail=_trail(session, declaration.id, trail_page, trail_size, officer=keeper),
            flags=flags,
        )


def _trail(session: Session, declaration_id: int, page: int, size: int, *, officer: bool) -> Trail:
    entries = audit.trail(session, declaration_id=declaration_id)
    names = {
        i: p.display_name for i, p in staff.by_ids(session, ids=audit.people_in(entries)).items()
    }
    pages = max(math.ceil(len(entries) / size), 1)
    page = pages - 1 if page < 0 else min(page, pages - 1)
    shown = entries[page * size : (page + 1) * size]
    note = next(
        (
            audit.detail_of(e).get("note")
            for e in reversed(entries)
            if e.action == "withheld" and officer
        ),
        None,
    )
    return Trail(shown, names, page, pages, len(entries), note if isinstance(note, str) else None)
