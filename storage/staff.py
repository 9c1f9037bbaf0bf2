"""Repository functions for the org chart."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, exists, text
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.rules import org_chart
from bot.rules.org_chart import OrgRow
from bot.rules.roles import Role
from bot.rules.routing import OfficeHolders, Org, Person
from storage import audit, delegations
from storage.db import run
from storage.models import AuditEntry, Staff, role_set

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
    """A person's Slack user id and time zone (None, None for no one): two columns, for the
    outbox's every message, rather than the whole row through the ORM."""
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


def office_holders(session: Session) -> OfficeHolders:
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

    def __init__(self, session: Session) -> None:
        self._session = session
        self._read: dict[int, Person | None] = {}

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
    session: Session, *, on: date, whole: bool = False, holders: OfficeHolders | None = None
) -> Org:
    """The org chart as routing sees it on a given day: who manages whom (read as asked),
    who holds the office-wide roles (`holders`, when this transaction has read them already),
    and whose approvals a deputy holds.

    `whole` reads everyone at once: for the sweep, which routes many items and keeps the view
    after its session closes (read as asked, a closed session would quietly open another
    transaction and hold it)."""
    people = PeopleById(session)
    return Org(
        people=people.everyone() if whole else people,
        holders=holders if holders is not None else office_holders(session),
        deputies=delegations.deputies(session, on=on),
    )


def as_person(staff: Staff) -> Person:
    assert staff.id is not None
    return Person(id=staff.id, roles=staff.role_set, line_manager_id=staff.line_manager_id)


# The columns holding a person's account on each chat platform, by the name the import uses.
PLATFORM_ID_FIELDS = ("slack_user_id", "teams_id")


def platform_ids_by_email(session: Session, id_field: str) -> dict[str, str]:
    """Accounts already known on one platform (`id_field`: slack_user_id or teams_id), so a
    re-import need not look everyone up again."""
    if id_field not in PLATFORM_ID_FIELDS:
        raise ValueError(f"not a platform's id column: {id_field!r}")
    column = getattr(Staff, id_field)
    rows = session.exec(select(Staff.email, column).where(col(column).is_not(None)))
    return {email.lower(): platform_id for email, platform_id in rows if platform_id}


class ManagerChange(NamedTuple):
    staff_id: int
    old_manager_id: int | None
    new_manager_id: int | None


@dataclass(frozen=True)
class ImportSummary:
    total: int
    added: int
    updated: int  # includes people reactivated
    unchanged: int
    deactivated: int
    reactivated: int
    # People already in the chart whose line manager is now someone else (or no one): their
    # waiting approvals may need to move to the new manager.
    managers_changed: tuple[ManagerChange, ...] = ()
    # Emails whose file gave a vetting expiry earlier than a renewal recorded in Slack: kept.
    renewals_kept: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        """How many of each, as the trail records them."""
        return {
            f.name: len(v) if isinstance(v := getattr(self, f.name), tuple) else v
            for f in fields(self)
        }


def manager_changes(
    before: Mapping[int, int | None], after: Mapping[int, int | None]
) -> list[ManagerChange]:
    """Who changed line manager between two {staff id: manager id} snapshots; people in only
    one snapshot (new, or not imported) are not a change."""
    return [
        ManagerChange(staff_id, before[staff_id], new)
        for staff_id, new in sorted(after.items())
        if staff_id in before and before[staff_id] != new
    ]


# What each file column sets on a Staff row (the manager is linked separately, by id).
def _fields(row: OrgRow, id_field: str, platform_id: str | None) -> dict[str, Any]:
    return {
        id_field: platform_id,
        "name": row.name,
        "roles": ";".join(sorted(row.roles)),
        "vetting_level": row.vetting_level,
        "vetting_expires": row.vetting_expires,
        "politically_restricted": row.politically_restricted,
    }


_COLUMN_OF_FIELD = {
    "name": org_chart.NAME,
    "roles": org_chart.ROLES,
    "vetting_level": org_chart.VETTING_LEVEL,
    "vetting_expires": org_chart.VETTING_EXPIRES,
    "politically_restricted": org_chart.POLITICALLY_RESTRICTED,
}


def apply_org_chart(
    session: Session,
    *,
    rows: Sequence[OrgRow],
    ids: Mapping[str, str],
    now: datetime,
    id_field: str = "slack_user_id",
    columns: Collection[str] = org_chart.COLUMNS,
    source: str = "",
    time_zones: Mapping[str, str] | None = None,
) -> ImportSummary:
    """Make the staff table match a checked org chart; the caller commits (one transaction).

    The file is the truth for who is on staff and who manages whom: people are matched by
    lower-case email, people absent from it are marked inactive (never deleted, as
    declarations and the audit trail point at them) and people who come back are made
    active again. A column missing from `columns` (the file's header) leaves that field as
    it is, so a file without `roles` cannot strip the monitoring officer of the role.
    `ids` maps every row's email to the person's account on the chat platform, stored in
    `id_field` (slack_user_id, or teams_id: the Entra object id); `time_zones` the time zone
    the platform gave for those looked up this time (others keep the one stored).
    """
    if id_field not in PLATFORM_ID_FIELDS:
        raise ValueError(f"not a platform's id column: {id_field!r}")
    existing = {s.email.lower(): s for s in session.exec(select(Staff))}
    renewed = recorded_renewals(session)
    renewals_kept: list[str] = []
    # The first import is the office as it stands; people a later import adds are new
    # starters, asked for the code of conduct undertaking (issue 4).
    starter_since = now.date() if existing else None
    managers_before = {s.id: s.line_manager_id for s in existing.values() if s.id is not None}
    touched: set[str] = set()
    added: list[Staff] = []
    changed: set[str] = set()
    reactivated = 0

    # Pass 1: everything but the manager, which needs every new person's id first.
    for row in rows:
        values = _fields(row, id_field, ids.get(row.email))
        person = existing.get(row.email)
        if person is None:
            person = Staff(email=row.email, updated_at=now, starter_since=starter_since, **values)
            existing[row.email] = person
            added.append(person)
        else:
            for name, value in values.items():
                column = _COLUMN_OF_FIELD.get(name)
                if column is not None and column not in columns:
                    continue
                if name == id_field and value is None:
                    continue  # never forget a known id
                if name == "vetting_expires" and _renewal_outdates(person, value, renewed):
                    renewals_kept.append(row.email)
                    continue
                if getattr(person, name) != value:
                    setattr(person, name, value)
                    changed.add(row.email)
            if not person.active:
                person.active = True
                reactivated += 1
                changed.add(row.email)
        if time_zones and time_zones.get(row.email):
            person.tz = time_zones[row.email]  # for DMs in the person's own working hours
        touched.add(row.email)
    session.add_all(added)
    session.flush()

    # Pass 2: link managers by id.
    if org_chart.LINE_MANAGER_EMAIL in columns:
        for row in rows:
            person = existing[row.email]
            manager = existing[row.line_manager_email] if row.line_manager_email else None
            manager_id = manager.id if manager is not None else None
            if person.line_manager_id != manager_id:
                person.line_manager_id = manager_id
                changed.add(row.email)

    deactivated = 0
    for email, person in existing.items():
        if email not in touched and person.active:
            person.active = False
            changed.add(email)
            deactivated += 1
    added_emails = {p.email for p in added}
    for email in changed - added_emails:
        existing[email].updated_at = now

    after = {p.id: p.line_manager_id for p in existing.values() if p.id is not None}
    summary = ImportSummary(
        total=len(rows),
        added=len(added),
        updated=len((changed & touched) - added_emails),
        unchanged=len(touched - changed - added_emails),
        deactivated=deactivated,
        reactivated=reactivated,
        managers_changed=tuple(manager_changes(managers_before, after)),
        renewals_kept=tuple(renewals_kept),
    )
    audit.record(session, action="staff_imported", source=source, **summary.counts())
    session.flush()
    return summary


def recorded_renewals(session: Session) -> dict[int, date]:
    """Each person's latest expiry set by a renewal recorded in Slack (`vetting_renewed`)."""
    latest: dict[int, date] = {}
    for entry in session.exec(select(AuditEntry).where(AuditEntry.action == "vetting_renewed")):
        detail = json.loads(entry.detail)
        staff_id, expiry = detail.get("staff_id"), detail.get("new_expiry")
        if isinstance(staff_id, int) and isinstance(expiry, str):
            day = date.fromisoformat(expiry)
            latest[staff_id] = max(day, latest.get(staff_id, day))
    return latest


def _renewal_outdates(person: Staff, file_expiry: date | None, renewed: Mapping[int, date]) -> bool:
    """A file made before a renewal was recorded in Slack would put the old date back
    (warwickshire "Vetting": the clearance is renewed, not lapsed); keep the recorded one
    unless the file's date is as late or later."""
    recorded = renewed.get(person.id) if person.id is not None else None
    return (
        recorded is not None
        and person.vetting_expires == recorded
        and (file_expiry is None or file_expiry < recorded)
    )


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


def refresh_statistics(session: Session) -> None:
    """After an org chart import, on PostgreSQL: its planner reads the office holders through
    a partial index only once the table's statistics say few rows have roles, and autovacuum
    refreshes them only a while after a bulk change. (SQLite plans without statistics.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE staff"))
        session.commit()
