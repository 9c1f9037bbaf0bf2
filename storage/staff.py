"""Repository functions for the org chart."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from bot.rules.roles import Role
from bot.rules.routing import Holders, OfficeHolders, Org, Person
from storage import delegations
from storage.db import run
from storage.models import Staff, role_set

# Built once: every request loads the person acting by their Slack id.
_BY_SLACK_ID = select(Staff).where(
    col(Staff.slack_user_id) == bindparam("slack_user_id"), col(Staff.active).is_(True)
)


def by_slack_id(session: Session, *, slack_user_id: str) -> Staff | None:
    return session.exec(_BY_SLACK_ID, params={"slack_user_id": slack_user_id}).first()


def by_id(session: Session, *, staff_id: int) -> Staff | None:
    return session.get(Staff, staff_id)


_ACTIVE_WITH_REPORTS = select(
    Staff, exists().where(col(aliased(Staff).line_manager_id) == col(Staff.id))
).where(col(Staff.id) == bindparam("staff_id"), col(Staff.active).is_(True))


def active_with_reports(session: Session, *, staff_id: int) -> tuple[Staff, bool] | None:
    """An active person by id and whether anyone reports to them: a Home's, in one statement."""
    found = session.exec(_ACTIVE_WITH_REPORTS, params={"staff_id": staff_id}).first()
    return None if found is None else (found[0], bool(found[1]))


_ADDRESS = sa_select(Staff.slack_user_id, Staff.tz).where(col(Staff.id) == bindparam("staff_id"))


def slack_address(session: Session, *, staff_id: int) -> tuple[str | None, str | None]:
    """A person's Slack user id and time zone (None, None for no one), for the outbox's every
    message: from the row the session holds already (the card just drawn loaded its record's
    people, the recipient among them), else two columns rather than the whole row."""
    held = session.identity_map.get(identity_key(Staff, staff_id))
    if held is not None:
        return held.slack_user_id, held.tz
    found = run(session, _ADDRESS, {"staff_id": staff_id}).first()
    return (found[0], found[1]) if found is not None else (None, None)


_NAME = sa_select(Staff.name, Staff.email).where(col(Staff.id) == bindparam("staff_id"))


def display_name(session: Session, *, staff_id: int) -> str | None:
    """A person's name as Staff.display_name gives it (None for no one): two columns, for a
    receipt's "it has gone to", rather than the whole row through the ORM (issue 10)."""
    found = run(session, _NAME, {"staff_id": staff_id}).first()
    return (found[0] or found[1]) if found is not None else None


def by_ids(session: Session, *, ids: set[int]) -> dict[int, Staff]:
    if not ids:
        return {}
    return {s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_(ids))) if s.id}


def _role_holders(session: Session) -> list[Staff]:
    """Active staff with any role, oldest record first: the office's few holders, read through
    their partial index (ix_staff_office_holders, whose condition this repeats word for word so
    that SQLite matches it) rather than by a scan of everyone."""
    return list(
        session.exec(
            select(Staff)
            .where(col(Staff.active).is_(True), text("staff.roles <> ''"))
            .order_by(col(Staff.id))
        )
    )


def holders_of(session: Session, *, role: Role) -> list[Staff]:
    """Active staff holding `role`, oldest record first (a stable choice if there are two)."""
    return [s for s in _role_holders(session) if role.value in s.role_set]


# Routing's reads, built once and run as Core selects of the columns it uses: every
# declaration and decision routes (issue 10: the ORM's rows cost more than the statements).
_HOLDER_ROLES = (
    sa_select(Staff.id, Staff.roles)
    .where(col(Staff.active).is_(True), text("staff.roles <> ''"))
    .order_by(col(Staff.id))
)
_PERSON = sa_select(Staff.id, Staff.roles, Staff.line_manager_id).where(
    col(Staff.id) == bindparam("staff_id"), col(Staff.active).is_(True)
)


def office_holders(session: Session) -> Holders:
    """Who holds each office-wide role, read when routing first asks, in the caller's
    transaction: a declaration routed to its declarant's line manager, or a decision that
    ends its chain, never asks (issue 10)."""
    return HoldersAsked(session)


class HoldersAsked:
    """The office's role holders (routing's Holders), read at the first question and kept."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._read: OfficeHolders | None = None

    def _holders(self) -> OfficeHolders:
        if self._read is None:
            self._read = office_holders_now(self._session)
        return self._read

    @property
    def head_of_office_id(self) -> int | None:
        return self._holders().head_of_office_id

    @property
    def monitoring_officer_id(self) -> int | None:
        return self._holders().monitoring_officer_id

    @property
    def vetting_officer_id(self) -> int | None:
        return self._holders().vetting_officer_id


def office_holders_now(session: Session) -> OfficeHolders:
    """Who holds each office-wide role (the first, if several do), in one read (the same
    partial index as `_role_holders`)."""
    holders = [(i, role_set(roles)) for i, roles in run(session, _HOLDER_ROLES)]

    def first(role: Role) -> int | None:
        return next((i for i, roles in holders if role.value in roles), None)

    return OfficeHolders(
        head_of_office_id=first(Role.HEAD_OF_OFFICE),
        monitoring_officer_id=first(Role.MONITORING_OFFICER),
        vetting_officer_id=first(Role.VETTING_OFFICER),
    )


class PeopleById(Mapping[int, Person]):
    """The org chart's active people, read one at a time as routing asks for them: routing
    one declaration walks a few links up the line, so an action costs the same queries in an
    office of a hundred as in a police force of fifty thousand. Each person read is kept for
    the session's length; iterating reads everyone (nothing in routing does)."""

    def __init__(self, session: Session, known: Iterable[Staff] = ()) -> None:
        self._session = session
        self._read: dict[int, Person | None] = {
            s.id: as_person(s) for s in known if s.id is not None and s.active
        }

    def __getitem__(self, staff_id: int) -> Person:
        if staff_id not in self._read:
            row = run(self._session, _PERSON, {"staff_id": staff_id}).first()
            self._read[staff_id] = (
                Person(id=row.id, roles=role_set(row.roles), line_manager_id=row.line_manager_id)
                if row is not None
                else None
            )
        person = self._read[staff_id]
        if person is None:
            raise KeyError(staff_id)
        return person

    def everyone(self) -> dict[int, Person]:
        rows = self._session.exec(select(Staff).where(col(Staff.active).is_(True)))
        return {s.id: as_person(s) for s in rows if s.id is not None}

    def __iter__(self) -> Iterator[int]:
        return iter(self.everyone())

    def __len__(self) -> int:
        return len(self.everyone())


def org_view(
    session: Session,
    *,
    on: date,
    whole: bool = False,
    holders: Holders | None = None,
    known: Iterable[Staff] = (),
) -> Org:
    """The org chart as routing sees it on a given day, each part read when routing first
    asks (routing a declaration to a line manager asks no one's role, a decision that ends its
    chain asks nothing: issue 10): who manages whom, who holds the office-wide roles
    (`holders`, when this transaction has them already), and whose approvals a deputy holds.
    `known`: people whose rows the caller read for this request (the declarant, whom routing
    starts from: as line_routing already took them), not read again.

    `whole` reads it all at once: for the sweep, which routes many items and keeps the view
    after its session closes (read as asked, a closed session would quietly open another
    transaction and hold it)."""
    if whole:
        return Org(
            people=PeopleById(session).everyone(),
            holders=office_holders_now(session),
            deputies=delegations.deputies(session, on=on),
        )
    return Org(
        people=PeopleById(session, known),
        holders=holders if holders is not None else office_holders(session),
        deputies=delegations.DeputiesAsked(session, on=on),
    )


def as_person(staff: Staff) -> Person:
    assert staff.id is not None
    return Person(id=staff.id, roles=staff.role_set, line_manager_id=staff.line_manager_id)


def by_teams_id(session: Session, *, teams_id: str) -> Staff | None:
    """The active person with this Entra object id (Teams' `from.aadObjectId`)."""
    if not teams_id:
        return None
    return session.exec(
        select(Staff).where(Staff.teams_id == teams_id, col(Staff.active).is_(True))
    ).first()


def note_teams_chat(
    session: Session, *, staff_id: int, conversation_id: str, service_url: str
) -> bool:
    """Where the person's 1:1 chat with Nolan is on Teams; True if that changed."""
    person = session.get(Staff, staff_id)
    if person is None or (person.teams_conversation_id, person.teams_service_url) == (
        conversation_id,
        service_url,
    ):
        return False
    person.teams_conversation_id, person.teams_service_url = conversation_id, service_url
    session.add(person)
    return True


def _note_opened(by: Any) -> Any:
    return (
        update(Staff)
        .where(
            by == bindparam("who"),
            or_(
                col(Staff.home_opened_at).is_(None),
                col(Staff.home_opened_at) < bindparam("stale"),
            ),
        )
        .values(home_opened_at=bindparam("at"))
    )


NOTED_EVERY = timedelta(minutes=1)  # how often a person's looking at their Home is written
_NOTE_OPENED = {
    "slack": _note_opened(col(Staff.slack_user_id)),
    "staff": _note_opened(col(Staff.id)),
}


def note_home_opened(
    session: Session, *, at: datetime, slack_user_id: str | None = None, staff_id: int | None = None
) -> None:
    """The person opened their Home at `at` (Slack's Home tab opened; Teams' Home card shown,
    its refresh asked for), named by their Slack id or staff id. Written at most once a minute
    a person: the refresher's window is hours, and a write per open would queue behind every
    other."""
    by, who = ("slack", slack_user_id) if slack_user_id is not None else ("staff", staff_id)
    if who is None:
        raise ValueError("say whose Home was opened")
    run(session, _NOTE_OPENED[by], {"who": who, "stale": at - NOTED_EVERY, "at": at})
