"""The org chart import's writes: the file's rows applied to the staff table in one
transaction, who changed line manager, and the accounts already known on each platform."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlmodel import Session, col, select

from bot.rules import org_chart
from bot.rules.org_chart import OrgRow
from storage import audit
from storage.models import AuditEntry, Staff

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


def refresh_statistics(session: Session) -> None:
    """After an org chart import, on PostgreSQL: its planner reads the office holders through
    a partial index only once the table's statistics say few rows have roles, and autovacuum
    refreshes them only a while after a bulk change. (SQLite plans without statistics.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE staff"))
        session.commit()
