"""Loading one person's Home from the database, by staff id, for every platform: a few
queries per list, whatever its length (each list is read one page at a time, `page_size`
to a page: Slack's Home tab fits ten, a Teams card five)."""

from __future__ import annotations

import sys
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from bot.rules import annual as annual_rules
from bot.rules.calendar import working_days_between
from bot.rules.financial_year import FinancialYear
from bot.rules.roles import Role
from bot.rules.status import DeclarationStatus, StepStatus
from bot.rules.words import KIND_WORDS, STATUS_WORDS
from bot.settings import Policy
from bot.ui import home_model as model
from bot.ui.home_model import Pages
from bot.usecases.annual import current_round, day_start, went_out
from bot.usecases.kinds import kind_of
from storage import confirmations, declarations, delegations, policies, risk, staff
from storage.db import run
from storage.declarations import Record
from storage.models import ApprovalStep, Declaration, Staff

# Notifications that cannot wait are confidential to the officers they go to (as in the
# governance digest): left out of the office-wide counts and lists.
CONFIDENTIAL = "notice"
OFFICERS = frozenset({Role.MONITORING_OFFICER.value, Role.HEAD_OF_OFFICE.value})


def load_home(
    session: Session,
    *,
    staff_id: int,
    policy: Policy,
    now: datetime,
    pages: Pages,
    page_size: int,
) -> model.Home | None:
    """None for someone not in the org chart (or no longer active in it)."""
    found = staff.active_with_reports(session, staff_id=staff_id)
    me, manages = found if found is not None else (None, None)
    return home_of(
        session, me, policy=policy, now=now, pages=pages, page_size=page_size, manages=manages
    )


def home_of(
    session: Session,
    me: Staff | None,
    *,
    policy: Policy,
    now: datetime,
    pages: Pages,
    page_size: int,
    manages: bool | None = None,
) -> model.Home | None:
    """The Home of `me` as found by the adapter (None: someone not in the org chart).
    `manages`: whether anyone reports to them, if the caller has read it."""
    if me is None or me.id is None:
        return None
    size = page_size
    today = now.astimezone(policy.tz).date()
    code = policies.code_of_conduct(session)
    steps, waiting_total, waiting_page = _page_of(
        session, _WAITING_PAGE, _WAITING_COUNT, me.id, pages.waiting, size, orm=True
    )
    mine, mine_total, mine_page = _page_of(
        session, _MINE_PAGE, _MINE_COUNT, me.id, pages.mine, size
    )
    # Both lists' declarations in one load: a manager's own and those waiting on them.
    records = _records(session, [s.declaration_id for s in steps] + mine)
    waiting = _waiting(steps, records, policy, today, waiting_page, size, waiting_total)
    delegation = current_delegation(session, me.id)
    return model.Home(
        name=me.display_name,
        today=today,
        mine=_own_page(mine, records, policy, mine_page, size, mine_total),
        code_url=(code.url if code and code.url else policy.code_of_conduct_url),
        code_title=code.title if code and code.url else "the code of conduct",
        vetting=_vetting(me, today, policy),
        annual=_annual(session, me, policy, today),
        approver=bool(waiting.total or delegation or _approves(session, me, manages)),
        waiting=waiting,
        delegation=delegation,
        officer=_officer(session, policy, today, pages, size) if me.role_set & OFFICERS else None,
        pages=pages,
    )


def _local_day(at: datetime, policy: Policy) -> date:
    return at.astimezone(policy.tz).date()


# The lists' statements, built once and bound at each draw: building a statement and its cache
# key cost more than running it, and a Home is drawn after most actions (issue 10). Each page
# carries its list's total in a window count, worked out before the page is cut: one statement
# a list, not a count and then a page.
_MINE = select(Declaration.id).where(col(Declaration.declarant_id) == bindparam("me"))
_MINE_COUNT = select(func.count()).select_from(_MINE.subquery())
_PAGE = {"offset": bindparam("offset"), "limit": bindparam("limit")}
_MINE_PAGE = (
    _MINE.add_columns(func.count().over())
    .order_by(col(Declaration.id).desc())
    .offset(_PAGE["offset"])
    .limit(_PAGE["limit"])
)
_WAITING = (
    col(ApprovalStep.approver_id) == bindparam("me"),
    col(ApprovalStep.status) == StepStatus.PENDING,
)
_WAITING_COUNT = select(func.count()).select_from(ApprovalStep).where(*_WAITING)
_WAITING_PAGE = (
    select(ApprovalStep, func.count().over())
    .where(*_WAITING)
    .order_by(
        func.coalesce(col(ApprovalStep.clock_started_at), col(ApprovalStep.created_at)),
        col(ApprovalStep.id),
    )
    .offset(_PAGE["offset"])
    .limit(_PAGE["limit"])
)


def _paged(me_id: int, page: int, size: int) -> dict[str, int]:
    return {"me": me_id, "offset": page * size, "limit": size}


def _page_of(
    session: Session, query: Any, count: Any, me_id: int, page: int, size: int, orm: bool = False
) -> tuple[list[Any], int, int]:
    """A page of one of the person's lists (its rows' first column), the list's total and the
    page it is. Past the last page (the list shrank since it was shown) no row carries the
    total: it is counted, and the last page read instead."""

    def read(at: int) -> list[Any]:
        params = _paged(me_id, at, size)
        return list(session.exec(query, params=params) if orm else run(session, query, params))

    page = max(page, 0)
    rows = read(page)
    if not rows and page:
        page = _clamp(page, run(session, count, {"me": me_id}).scalar_one(), size)
        rows = read(page)
    return [row[0] for row in rows], (rows[0][-1] if rows else 0), page


def _records(session: Session, ids: list[int]) -> dict[int, Record]:
    found = declarations.load_records(session, list(dict.fromkeys(i for i in ids if i)))
    return {r.declaration.id or 0: r for r in found}


def own_declarations(
    session: Session, me_id: int, page: int, policy: Policy, size: int
) -> model.Page[model.OwnItem]:
    """A page of the person's own declarations, newest first, and where each stands."""
    ids, total, page = _page_of(session, _MINE_PAGE, _MINE_COUNT, me_id, page, size)
    return _own_page(ids, _records(session, ids), policy, page, size, total)


def _own_page(
    ids: list[int], records: dict[int, Record], policy: Policy, page: int, size: int, total: int
) -> model.Page[model.OwnItem]:
    items = [_own(records[i], policy) for i in ids if i in records]
    return model.Page(items, page, size, total)


def _own(record: Record, policy: Policy) -> model.OwnItem:
    d = record.declaration
    waiting = tuple(record.name_of(s.approver_id) or "an approver" for s in record.pending_steps)
    decided = record.decisive_step if not waiting else None
    return model.OwnItem(
        declaration_id=d.id or 0,
        reference=d.reference or "",
        kind=KIND_WORDS.get(d.kind, d.kind),
        what=kind_of(d.kind).describe(record),
        declared_on=_local_day(d.created_at, policy),
        status=STATUS_WORDS.get(d.status, d.status.replace("_", " ").capitalize()),
        waiting_on=waiting,
        decided_by=record.name_of(decided.decided_by_id) if decided else None,
        decided_at=decided.decided_at if decided else None,
        withdrawable=d.status == DeclarationStatus.PENDING and d.kind != "notice",
    )


def _started(step: ApprovalStep) -> datetime:
    return step.clock_started_at or step.created_at


def _waiting(
    steps: list[ApprovalStep],
    records: dict[int, Record],
    policy: Policy,
    today: date,
    page: int,
    size: int,
    total: int,
) -> model.Page[model.WaitingItem]:
    items = []
    for step in steps:
        record = records.get(step.declaration_id)
        if record is None or step.id is None:
            continue
        since = _local_day(_started(step), policy)
        items.append(
            model.WaitingItem(
                step_id=step.id,
                reference=record.declaration.reference or "",
                purpose=step.purpose,
                what=kind_of(record.declaration.kind).describe(record),
                declarant=record.declarant.display_name,
                since=since,
                working_days=working_days_between(since, today),
                deputy_for=record.name_of(step.delegated_from_id),
            )
        )
    return model.Page(items, page, size, total)


def current_delegation(session: Session, me_id: int) -> model.Delegation | None:
    """The delegation the person has in place (in force, or due to start), if any."""
    found = delegations.open_for(session, delegator_id=me_id)
    if not found:
        return None
    deputy = staff.by_id(session, staff_id=found[-1].deputy_id)
    return model.Delegation(
        deputy.display_name if deputy else "a colleague", found[-1].starts_on, found[-1].ends_on
    )


_MANAGES = select(Staff.id).where(col(Staff.line_manager_id) == bindparam("me")).limit(1)


def _approves(session: Session, me: Staff, manages: bool | None) -> bool:
    """Whoever decides others' declarations: a line manager, or an office holder."""
    if me.role_set & OFFICERS:
        return True
    if manages is not None:
        return manages
    return run(session, _MANAGES, {"me": me.id}).first() is not None


def _vetting(me: Staff, today: date, policy: Policy) -> model.Vetting | None:
    if me.vetting_expires is None:
        return None
    return model.Vetting(
        level=me.vetting_level,
        expires=me.vetting_expires,
        days_left=(me.vetting_expires - today).days,
        soon_days=max(policy.vetting_lead_days, default=90),
    )


def _annual(session: Session, me: Staff, policy: Policy, today: date) -> model.Annual | None:
    """Due when this year's round went out, the person was on staff by its day, and they
    have neither answered nor declared anything since (which counts as the answer)."""
    assert me.id is not None
    round_ = current_round(policy, today)
    next_round = annual_rules.round_of(
        (round_.year + 1) if round_ else today.year,
        policy.annual_declaration_day,
        policy.annual_declaration_reminder_weeks,
    )
    if round_ is None or not went_out(session, round_):
        return model.Annual(due=False, next_on=next_round.opens_on)
    if me.starter_since is not None and me.starter_since > round_.opens_on:
        return model.Annual(due=False, next_on=next_round.opens_on)
    subject = confirmations.staff_subject(me.id)
    mine = confirmations.get(
        session, confirmations.Asked(confirmations.ANNUAL, subject, round_.period)
    )
    answered = mine.response if mine is not None else None
    if answered is None:
        since = session.exec(
            select(Declaration.id).where(
                Declaration.declarant_id == me.id,
                col(Declaration.kind).in_(confirmations.UPDATING_KINDS),
                col(Declaration.created_at) >= day_start(round_.opens_on, policy),
            )
        ).first()
        answered = "updated" if since is not None else None
    if answered is not None:
        return model.Annual(due=False, answered=answered, next_on=next_round.opens_on)
    return model.Annual(due=True, answer_by=round_.closes_on - timedelta(days=1))


def _officer(
    session: Session, policy: Policy, today: date, pages: Pages, size: int
) -> model.Officer:
    return model.Officer(
        counts=_counts(session, policy, today),
        longest=_longest(session, policy, today, pages.longest, size),
        flagged=_flagged(session, policy, today, pages.flags, size),
        window_days=policy.risk_window_days,
    )


def _flagged(
    session: Session, policy: Policy, today: date, page: int, size: int
) -> model.Page[model.FlaggedItem]:
    """Declarations of the last risk window with risk flags, newest first (issue 5: the risk
    flags shown to officers on Home). The window is bounded, so all are worked out and paged
    here."""
    found = risk.flagged(session, policy, today, limit=sys.maxsize)
    page = _clamp(page, len(found), size)
    return model.Page(
        [
            model.FlaggedItem(
                declaration_id=f.declaration_id,
                reference=f.reference,
                kind=KIND_WORDS.get(f.kind, f.kind),
                declarant=f.declarant_name,
                declared_on=f.declared_on,
                flags=[(flag.label, flag.explanation) for flag in f.flags],
            )
            for f in found[page * size : (page + 1) * size]
        ],
        page,
        size,
        len(found),
    )


def _counts(session: Session, policy: Policy, today: date) -> model.Counts:
    """Declarations made this financial year (by the office's date), by kind and status
    (issue 5, "register counts this financial year by kind and outcome")."""
    year = FinancialYear.containing(today)
    start = datetime.combine(year.first_day, time(0), tzinfo=policy.tz).astimezone(UTC)
    end = datetime.combine(year.last_day + timedelta(days=1), time(0), tzinfo=policy.tz).astimezone(
        UTC
    )
    rows = session.exec(
        select(Declaration.kind, Declaration.status, func.count())
        .where(
            col(Declaration.created_at) >= start,
            col(Declaration.created_at) < end,
            Declaration.kind != CONFIDENTIAL,
        )
        .group_by(col(Declaration.kind), col(Declaration.status))
    ).all()
    by_kind: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, status, n in sorted(rows):
        by_kind[KIND_WORDS.get(kind, kind)][STATUS_WORDS.get(status, status)] = n
    return model.Counts(year.label, dict(by_kind))


def _longest(
    session: Session, policy: Policy, today: date, page: int, size: int
) -> model.Page[model.LongWait]:
    pending = (col(ApprovalStep.status) == StepStatus.PENDING, Declaration.kind != CONFIDENTIAL)
    total = session.exec(
        select(func.count())
        .select_from(ApprovalStep)
        .join(Declaration, col(Declaration.id) == col(ApprovalStep.declaration_id))
        .where(*pending)
    ).one()
    page = _clamp(page, total, size)
    started = func.coalesce(col(ApprovalStep.clock_started_at), col(ApprovalStep.created_at))
    rows = session.exec(
        select(ApprovalStep, Declaration)
        .join(Declaration, col(Declaration.id) == col(ApprovalStep.declaration_id))
        .where(*pending)
        .order_by(started, col(ApprovalStep.id))
        .offset(page * size)
        .limit(size)
    ).all()
    people = staff.by_ids(
        session, ids={s.approver_id for s, _ in rows} | {d.declarant_id for _, d in rows}
    )
    items = []
    for step, declaration in rows:
        since = _local_day(_started(step), policy)
        approver, declarant = people.get(step.approver_id), people.get(declaration.declarant_id)
        items.append(
            model.LongWait(
                reference=declaration.reference or "",
                kind=KIND_WORDS.get(declaration.kind, declaration.kind),
                declarant=declarant.display_name if declarant else "someone",
                approver=approver.display_name if approver else "an approver",
                since=since,
                working_days=working_days_between(since, today),
            )
        )
    return model.Page(items, page, size, total)


def _clamp(page: int, total: int, size: int) -> int:
    """A page that no longer exists (the list shrank) shows the last one."""
    last = max(0, (total - 1) // size)
    return min(max(page, 0), last)
