"""Risk flags from the database: the rules' inputs gathered in a few queries, never one per
row. `flags_for` answers for one declaration, `flagged` for the officers' list; the flags an
approver was shown are kept with the declaration's `submitted` audit entry (`snapshot`,
`recorded`), so every later copy of the card shows the same ones."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.rules import risk as rules
from bot.rules.outside_work import split_notes
from bot.rules.risk import RiskFlag
from bot.rules.status import DeclarationStatus
from bot.settings import Policy
from storage.db import run
from storage.models import AuditEntry, Declaration, GiftOffer, Interest, OutsideWork, Staff

KINDS = ("gift", "interest", "outside_work")


@dataclass(frozen=True)
class Flagged:
    """A declaration with its flags, for the officers' view."""

    declaration_id: int
    reference: str
    kind: str
    declarant_id: int
    declarant_name: str
    declared_on: date
    flags: tuple[RiskFlag, ...]


def thresholds(policy: Policy) -> rules.Thresholds:
    return rules.Thresholds(
        repeat_offers=policy.risk_repeat_offers,
        repeat_value_pence=policy.risk_repeat_value_pence,
        window_days=policy.risk_window_days,
        late_days=policy.late_declaration_days,
        bidders=policy.procurement_bidders,
    )


def _declared_on(declaration: Declaration | Row[Any], policy: Policy) -> date:
    return declaration.created_at.astimezone(policy.tz).date()


def _offer(
    declaration: Declaration | Row[Any], row: GiftOffer | Row[Any], policy: Policy
) -> rules.Offer:
    """An offer as the rules see it, from its rows (or one row of their columns)."""
    assert declaration.id is not None
    return rules.Offer(
        id=declaration.id,
        declarant_id=declaration.declarant_id,
        offered_by=row.offered_by,
        kind=row.kind,
        relationship=row.relationship,
        response=row.response,
        value_pence=row.value_pence,
        date_offered=row.date_offered,
        declared_on=_declared_on(declaration, policy),
        event_date=row.event_date,
        retrospective="retrospective" in row.flags.split(";"),
    )


def went_live(session: Session, policy: Policy) -> date | None:
    """The office's day of the first org chart import: when Nolan began keeping the registers.
    People in that import have no starter date, and the interests they held already are
    declared from then on (the first annual declaration), not late."""
    first = session.exec(
        select(func.min(AuditEntry.at)).where(AuditEntry.action == "staff_imported")
    ).one()
    return first.astimezone(policy.tz).date() if first is not None else None


def _interest(
    declaration: Declaration,
    row: Interest,
    declarant: Staff,
    policy: Policy,
    live_since: date | None,
) -> rules.InterestItem:
    assert declaration.id is not None
    return rules.InterestItem(
        id=declaration.id,
        declarant_id=declaration.declarant_id,
        organisation=row.organisation,
        started_on=row.started_on,
        declared_on=_declared_on(declaration, policy),
        ended_on=row.ended_on,
        joined_on=declarant.starter_since or live_since,
    )


def _work(
    declaration: Declaration,
    row: OutsideWork,
    declarant: Staff,
    policy: Policy,
    live_since: date | None,
) -> rules.OutsideWorkItem:
    assert declaration.id is not None
    partner, _notes = split_notes(row.notes, involves_partner=row.involves_partner)
    return rules.OutsideWorkItem(
        id=declaration.id,
        declarant_id=declaration.declarant_id,
        organisation=row.organisation,
        start_date=row.start_date,
        declared_on=_declared_on(declaration, policy),
        involves_partner=row.involves_partner,
        partner=partner,
        joined_on=declarant.starter_since or live_since,
    )


# The columns an offer's rules read, not ORM objects: the officers' list of flagged declarations
# reads the whole window's offers, built once and bound at each call.
_OFFER_COLUMNS = (
    Declaration.id, Declaration.declarant_id, Declaration.created_at, GiftOffer.offered_by,
    GiftOffer.kind, GiftOffer.relationship, GiftOffer.response, GiftOffer.value_pence,
    GiftOffer.date_offered, GiftOffer.event_date, GiftOffer.flags,
)
_IN_WINDOW = (
    col(GiftOffer.date_offered) >= bindparam("first"),
    col(GiftOffer.date_offered) <= bindparam("last"),
    col(Declaration.status) != DeclarationStatus.WITHDRAWN,
)


def _offers(*columns: Any) -> Any:
    return sa_select(*columns).join(GiftOffer, col(GiftOffer.declaration_id) == col(Declaration.id))


_OFFERS_BETWEEN = _offers(*_OFFER_COLUMNS).where(*_IN_WINDOW)


def _offers_between(session: Session, first: date, last: date, policy: Policy) -> list[rules.Offer]:
    """Every offer dated in [first, last], by anyone, except withdrawn declarations."""
    rows = session.execute(_OFFERS_BETWEEN, {"first": first, "last": last})
    return [_offer(row, row, policy) for row in rows]


# One giver's offers in a window, counted in SQL through the key's index (whatever the size of
# the register): `before` leaves out the offer being flagged and those declared after it.
_OF_GIVER = (
    col(GiftOffer.offeror_key) == bindparam("key"),
    col(GiftOffer.date_offered) >= bindparam("first"),
    col(GiftOffer.date_offered) <= bindparam("last"),
    col(Declaration.status) != DeclarationStatus.WITHDRAWN,
)
_OTHER = case((col(Declaration.declarant_id) != bindparam("me"), Declaration.declarant_id))
_OTHERS = func.count(func.distinct(_OTHER))  # people other than the declarant
_TALLY = _offers(
    func.count(), func.coalesce(func.sum(GiftOffer.value_pence), 0), _OTHERS,
    func.max(GiftOffer.date_offered),
).where(*_OF_GIVER)
_BEFORE = _TALLY.where(
    or_(
        col(GiftOffer.date_offered) < bindparam("last"),
        col(Declaration.id) < bindparam("id"),
    )
)


def _repeats(session: Session, offer: rules.Offer, first: date) -> rules.Tally:
    """rules.repeats_of(offer, …) of the offers in the database from `first` on."""
    count, total, others, _latest = run(session, _BEFORE, {
        "key": rules.offeror_key(offer.offered_by), "first": first, "last": offer.date_offered,
        "id": offer.id, "me": offer.declarant_id,
    }).one()
    return rules.Tally(count + 1, total + offer.value_pence, others + 1, offer.date_offered)


def _to_interest(session: Session, key: str, first: date, last: date) -> rules.Tally:
    """rules.offers_to_interest(…) of the offers in the database: from `first` to `last`."""
    count, total, _, latest = run(session, _TALLY, {
        "key": key, "first": first, "last": last, "me": 0,
    }).one()
    return rules.Tally(count, total, 0, latest)


def _window_start(day: date, th: rules.Thresholds) -> date:
    return day - timedelta(days=th.window_days - 1)


def flags_for(
    session: Session,
    declaration_id: int,
    policy: Policy,
    today: date,
    *,
    known: tuple[Declaration, Staff] | None = None,
) -> list[RiskFlag]:
    """The flags on one declaration as of `today` (the office's date): a few queries.
    `known`: the declaration and its declarant, when the caller has them (made them in this
    session, say), so they are not read again."""
    found = known if known and _belong(known, declaration_id) else _read(session, declaration_id)
    if found is None or found[0].kind not in KINDS:
        return []
    declaration, declarant = found
    session.flush()  # a detail row just added is then the identity map's, not read back
    th = thresholds(policy)
    if declaration.kind == "gift":
        row = session.get(GiftOffer, declaration_id)
        assert row is not None
        offer = _offer(declaration, row, policy)
        first = _window_start(offer.date_offered, th)
        return rules.offer_flags(offer, _repeats(session, offer, first), th)
    if declaration.kind == "interest":
        interest = session.get(Interest, declaration_id)
        assert interest is not None
        key = rules.offeror_key(interest.organisation)
        last = min(today, interest.ended_on) if interest.ended_on else today
        first = _window_start(today, th)
        offers = _to_interest(session, key, first, last) if key else rules.Tally()
        return rules.interest_flags(
            _interest(declaration, interest, declarant, policy, went_live(session, policy)),
            offers,
            th,
            today,
        )
    work = session.get(OutsideWork, declaration_id)
    assert work is not None
    return rules.outside_work_flags(
        _work(declaration, work, declarant, policy, went_live(session, policy)), th
    )


def _belong(known: tuple[Declaration, Staff], declaration_id: int) -> bool:
    declaration, declarant = known
    return declaration.id == declaration_id and declarant.id == declaration.declarant_id


def _read(session: Session, declaration_id: int) -> tuple[Declaration, Staff] | None:
    """A declaration with its declarant, in one statement."""
    found = session.exec(
        select(Declaration, Staff)
        .join(Staff, col(Staff.id) == col(Declaration.declarant_id))
        .where(Declaration.id == declaration_id)
    ).first()
    return (found[0], found[1]) if found else None


def flagged(session: Session, policy: Policy, today: date, limit: int = 20) -> list[Flagged]:
    """Declarations made in the last `risk_window_days` up to `today` (withdrawn ones left
    out) that carry at least one flag, newest first, at most `limit`. Five queries whatever
    the number of declarations."""
    th = thresholds(policy)
    since = _window_start(today, th)
    start = datetime.combine(since, time(), policy.tz).astimezone(UTC)
    end = datetime.combine(today + timedelta(days=1), time(), policy.tz).astimezone(UTC)

    def made_in_window(model: Any) -> Any:
        return (
            select(Declaration, model, Staff)
            .join(model, col(model.declaration_id) == col(Declaration.id))
            .join(Staff, col(Staff.id) == col(Declaration.declarant_id))
            .where(
                col(Declaration.created_at) >= start,
                col(Declaration.created_at) < end,
                Declaration.status != DeclarationStatus.WITHDRAWN,
            )
        )

    gifts = session.exec(made_in_window(GiftOffer)).all()
    interests = session.exec(made_in_window(Interest)).all()
    live_since = went_live(session, policy)
    works = session.exec(made_in_window(OutsideWork)).all()
    # A late declaration's offer can be dated long before the window, and its own window
    # reaches further back still.
    earliest = min([today, *(g.date_offered for _d, g, _s in gifts)])
    offers = _offers_between(session, _window_start(earliest, th), today, policy)

    candidates: list[tuple[Declaration, Staff, list[RiskFlag]]] = []
    for d, g, s in gifts:
        candidates.append((d, s, rules.offer_flags(_offer(d, g, policy), offers, th)))
    for d, i, s in interests:
        flags = rules.interest_flags(_interest(d, i, s, policy, live_since), offers, th, today)
        candidates.append((d, s, flags))
    for d, w, s in works:
        work_flags = rules.outside_work_flags(_work(d, w, s, policy, live_since), th)
        candidates.append((d, s, work_flags))
    candidates.sort(key=lambda c: (c[0].created_at, c[0].id or 0), reverse=True)
    result = []
    for d, s, flags in candidates:
        if not flags:
            continue
        assert d.id is not None and s.id is not None
        result.append(
            Flagged(
                declaration_id=d.id,
                reference=d.reference or "",
                kind=d.kind,
                declarant_id=s.id,
                declarant_name=s.display_name,
                declared_on=_declared_on(d, policy),
                flags=tuple(flags),
            )
        )
        if len(result) >= limit:
            break
    return result


def snapshot(
    session: Session, declaration: Declaration, declarant: Staff, policy: Policy, today: date
) -> list[dict[str, str]]:
    """The flags as of submission, for the `submitted` audit entry's `risks` (what the
    approvers were shown, kept in the tamper-evident trail): of the `declaration` that
    `declarant` has just made in this session, which are not read again (issue 10)."""
    assert declaration.id is not None
    known = (declaration, declarant)
    return [
        {"code": f.code.value, "label": f.label, "explanation": f.explanation}
        for f in flags_for(session, declaration.id, policy, today, known=known)
    ]


# Through the session (not storage.db.run): a read of the trail writes its pending entries.
_SUBMITTED_DETAIL = (
    select(AuditEntry.detail)
    .where(
        col(AuditEntry.declaration_id) == bindparam("declaration_id"),
        AuditEntry.action == "submitted",
    )
    .order_by(col(AuditEntry.id))
    .limit(1)
)


def recorded(session: Session, declaration_id: int) -> list[RiskFlag]:
    """The flags kept at submission (none for declarations made before risk flags)."""
    detail = session.exec(_SUBMITTED_DETAIL, params={"declaration_id": declaration_id}).first()
    if not detail:
        return []
    flags = []
    for item in json.loads(detail).get("risks") or []:
        try:
            code = rules.Code(item["code"])
        except (KeyError, TypeError, ValueError):
            continue
        label = str(item.get("label") or rules.LABELS[code])
        flags.append(RiskFlag(code, label, str(item.get("explanation") or "")))
    return flags
