"""The tables. Every declaration has one row in `declaration` (what all kinds share: who,
status, reference) and one in its kind's detail table; approval steps and the audit trail
hang off the shared row so the approval engine serves every kind."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class Staff(SQLModel, table=True):
    """A person in the org chart. Never deleted: people who leave are marked inactive."""

    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)  # stored lower-case
    name: str = Field(default="", max_length=200)
    slack_user_id: str | None = Field(default=None, max_length=32, index=True)
    line_manager_id: int | None = Field(default=None, foreign_key="staff.id")
    roles: str = Field(default="", max_length=200)  # ';'-separated role names
    vetting_level: str | None = Field(default=None, max_length=50)
    vetting_expires: date | None = None
    politically_restricted: bool = False
    active: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(";") if r)

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Declaration(SQLModel, table=True):
    __tablename__ = "declaration"

    id: int | None = Field(default=None, primary_key=True)
    reference: str | None = Field(default=None, max_length=32, unique=True, index=True)
    kind: str = Field(max_length=20, index=True)  # "gift" (the register of gifts and hospitality)
    declarant_id: int = Field(foreign_key="staff.id", index=True)
    status: str = Field(max_length=20, index=True)
    # The line manager the declarant chose when the org chart gave none.
    chosen_approver_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GiftOffer(SQLModel, table=True):
    """One offer of a gift or hospitality: a row of the Register of Hospitality and Gifts."""

    __tablename__ = "gift_offer"

    declaration_id: int = Field(foreign_key="declaration.id", primary_key=True)
    kind: str = Field(max_length=20)  # gift | hospitality
    gift_type: str | None = Field(default=None, max_length=20)  # item | monetary | legacy
    offered_by: str = Field(max_length=200)
    relationship: str = Field(max_length=20)
    description: str = Field(sa_column=Column(Text, nullable=False))
    value_pence: int
    date_offered: date
    event_date: date | None = None
    response: str = Field(max_length=20)  # declined | accepted | wants_to_accept
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    use_at_work: bool = False
    unsolicited: bool = False
    flags: str = Field(default="", max_length=200)  # ';'-separated flag names
    disposal: str | None = Field(default=None, max_length=20)  # for unsolicited gifts

    @property
    def flag_set(self) -> frozenset[str]:
        return frozenset(f for f in self.flags.split(";") if f)


class ApprovalStep(SQLModel, table=True):
    """One person's decision in a declaration's chain. Decided by a conditional update."""

    __tablename__ = "approval_step"
    __table_args__ = (UniqueConstraint("declaration_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", index=True)
    position: int = 1
    role: str = Field(max_length=30)  # line_manager | monitoring_officer | head_of_office
    purpose: str = Field(max_length=20)  # authorise | dispose
    approver_id: int = Field(foreign_key="staff.id", index=True)
    status: str = Field(default="pending", max_length=20, index=True)
    decided_by_id: int | None = Field(default=None, foreign_key="staff.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    dm_channel: str | None = Field(default=None, max_length=32)
    dm_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    """Append-only (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, foreign_key="staff.id")
    action: str = Field(max_length=40, index=True)
    declaration_id: int | None = Field(default=None, foreign_key="declaration.id", index=True)
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
