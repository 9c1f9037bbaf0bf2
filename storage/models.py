"""The tables. Every declaration has one row in `declaration` (what all kinds share: who,
status, reference) and one in its kind's detail table; approval steps and the audit trail
hang off the shared row so the approval engine serves every kind."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Index, Text, UniqueConstraint, event, text
from sqlmodel import Field, SQLModel

from bot.rules.risk import offeror_key
from storage.types import UTCDateTime, utcnow


def partial(name: str, *columns: str, where: str) -> Index:
    """An index over the rows `where` holds, on both databases."""
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(where))


def role_set(roles: str) -> frozenset[str]:
    """A person's roles, stored as "role;role"."""
    return frozenset(r for r in roles.split(";") if r)


class Staff(SQLModel, table=True):
    """A person in the org chart. Never deleted: people who leave are marked inactive."""

    __tablename__ = "staff"
    # The office holders (storage.staff.holders_of): the few people with a role, read on every
    # declaration's routing without scanning everyone. Partial: the rest hold no role.
    __table_args__ = (
        partial("ix_staff_office_holders", "id", where="roles <> ''"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)  # stored lower-case
    name: str = Field(default="", max_length=200)
    slack_user_id: str | None = Field(default=None, max_length=32, index=True)
    # On Teams: their Entra object id (Graph, by email) and 1:1 chat with Nolan, once known.
    teams_id: str | None = Field(default=None, max_length=64, index=True)
    teams_conversation_id: str | None = Field(default=None, max_length=256)
    teams_service_url: str | None = Field(default=None, max_length=512)
    # Indexed: whether someone manages anyone (the Home's approvals) is asked on every refresh.
    line_manager_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    roles: str = Field(default="", max_length=200)  # ';'-separated role names
    vetting_level: str | None = Field(default=None, max_length=50)
    vetting_expires: date | None = Field(default=None, index=True)  # the daily sweep's range
    politically_restricted: bool = False
    active: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The person's own time zone (from Slack), for messages addressed to them alone.
    tz: str | None = Field(default=None, max_length=64)
    # Set when a later org chart import first brings them in: a new starter (the undertaking).
    starter_since: date | None = None
    # When they last opened their Slack Home: changes keep it current for HOME_WATCH_HOURS.
    home_opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def role_set(self) -> frozenset[str]:
        return role_set(self.roles)

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Declaration(SQLModel, table=True):
    __tablename__ = "declaration"
    # The registers dated by the day declared (interests, outside work) read a range of one kind
    # in this order; so does the search's date range.
    # An officer's Home reads the declarations of the risk window and counts the year's, of
    # every kind: by the day declared alone.
    __table_args__ = (
        Index("ix_declaration_kind_created_at", "kind", "created_at"),
        Index("ix_declaration_created_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str | None = Field(default=None, max_length=32, unique=True, index=True)
    kind: str = Field(max_length=20, index=True)  # "gift" (the register of gifts and hospitality)
    declarant_id: int = Field(foreign_key="staff.id", index=True)
    status: str = Field(max_length=20, index=True)
    # The line manager the declarant chose when the org chart gave none.
    chosen_approver_id: int | None = Field(default=None, foreign_key="staff.id")
    # The stages of its approval chain, as bot.rules.chains writes them ("" if none).
    chain: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    # A colleague named in it (a relative in a recruitment, say): they may not decide it.
    named_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # An officer withholds an item from publication, with a reason (never deleted).
    withheld_reason: str | None = Field(default=None, sa_column=Column(Text))
    withheld_by_id: int | None = Field(default=None, foreign_key="staff.id")
    withheld_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def _offeror_key_of(context: Any) -> str:
    """A Core insert's key (the seeds and benchmarks insert rows in bulk)."""
    return offeror_key(context.get_current_parameters()["offered_by"])


class GiftOffer(SQLModel, table=True):
    """One offer of a gift or hospitality: a row of the Register of Hospitality and Gifts."""

    __tablename__ = "gift_offer"
    # A declaration's risk flags count the offers from its giver in the window (storage.risk):
    # found by the giver's key and day, whatever the size of the register.
    __table_args__ = (Index("ix_gift_offer_offeror_key", "offeror_key", "date_offered"),)

    declaration_id: int = Field(foreign_key="declaration.id", primary_key=True)
    kind: str = Field(max_length=20)  # gift | hospitality
    gift_type: str | None = Field(default=None, max_length=20)  # item | monetary | legacy
    offered_by: str = Field(max_length=200)
    # bot.rules.risk.offeror_key(offered_by), set on insert (below): never given by a caller.
    offeror_key: str = Field(
        default="", max_length=200, sa_column_kwargs={"default": _offeror_key_of}
    )
    relationship: str = Field(max_length=20)
    description: str = Field(sa_column=Column(Text, nullable=False))
    value_pence: int
    date_offered: date = Field(index=True)  # the register's order and date range
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


@event.listens_for(GiftOffer, "before_insert")
def _keyed(_mapper: Any, _connection: Any, offer: GiftOffer) -> None:
    offer.offeror_key = offeror_key(offer.offered_by)


class ApprovalStep(SQLModel, table=True):
    """One person's decision in a declaration's chain. Decided by a conditional update."""

    __tablename__ = "approval_step"
    __table_args__ = (
        UniqueConstraint("declaration_id", "position"),
        # Who may see a declaration (storage.access) asks who decided a step or delegated it.
        # Partial: most steps have no deputy, and a planner's statistics would count the
        # NULLs as one value held by every row and scan the table instead.
        *(
            partial(f"ix_approval_step_{c}", c, where=f"{c} IS NOT NULL")
            for c in ("delegated_from_id", "decided_by_id")
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    declaration_id: int = Field(foreign_key="declaration.id", index=True)
    position: int = 1
    # Steps of one stage wait at the same time; the next stage starts when they are done.
    stage: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    role: str = Field(max_length=30)  # line_manager | monitoring_officer | head_of_office …
    purpose: str = Field(max_length=20)  # see bot.rules.approvals.Purpose
    approver_id: int = Field(foreign_key="staff.id", index=True)
    # Set while a deputy holds this step for the approver who delegated it.
    delegated_from_id: int | None = Field(default=None, foreign_key="staff.id")
    # Escalation counts working days from here; a reply to a question restarts it.
    clock_started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
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
    # Tamper evidence: each entry carries the hash of the one before it.
    prev_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64)


class AuditHead(SQLModel, table=True):
    """One row: the newest audit entry, kept beside the chain so that deleting the last
    entries (which leaves no broken link) is still caught."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_id: int | None = None  # not a foreign key: it must outlive a deleted entry
    last_hash: str | None = Field(default=None, max_length=64)


class Interest(SQLModel, table=True):
    """A row of the Register of Interests. Ended, never deleted: the register keeps history."""

    __tablename__ = "interest"

    declaration_id: int = Field(foreign_key="declaration.id", primary_key=True)
    category: str = Field(max_length=30)
    organisation: str = Field(default="", max_length=200)
    description: str = Field(sa_column=Column(Text, nullable=False))
    started_on: date
    ended_on: date | None = None
    conflict: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    proposal: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    action: str | None = Field(default=None, sa_column=Column(Text))  # from "needs action"
    restricted_post: bool = False  # political activity by someone in a restricted post


class OutsideWork(SQLModel, table=True):
    """A request for permission for outside work, and, once granted, the record of approval."""

    __tablename__ = "outside_work"

    declaration_id: int = Field(foreign_key="declaration.id", primary_key=True)
    organisation: str = Field(max_length=200)
    role: str = Field(max_length=200)
    paid: bool
    hours_per_week: float
    when: str = Field(max_length=20)  # outside_hours | in_hours | both
    start_date: date
    involves_partner: bool = False  # a contractor, supplier or partner of the office
    uses_office: str = Field(default="", max_length=100)  # ';'-joined: skills;information;…
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    recommendation: str | None = Field(default=None, max_length=20)
    conditions: str | None = Field(default=None, sa_column=Column(Text))
    reason: str | None = Field(default=None, sa_column=Column(Text))  # a refusal's reason
    ended_on: date | None = None


class Notice(SQLModel, table=True):
    """A notification that cannot wait: confidential to the officers it is sent to."""

    __tablename__ = "notice"

    declaration_id: int = Field(foreign_key="declaration.id", primary_key=True)
    category: str = Field(max_length=30)  # criminal_charge | civil_proceedings | vetting
    description: str = Field(sa_column=Column(Text, nullable=False))
    occurred_on: date | None = None


class Delegation(SQLModel, table=True):
    """An approver hands their approvals to a deputy for a period (leave, sickness)."""

    __tablename__ = "delegation"
    # The delegations in force, asked on every routing: read among those not ended (the sweep
    # ends them on their last day), in order, not by a scan of every delegation ever made.
    __table_args__ = (
        partial("ix_delegation_open", "id", where="ended_at IS NULL"),
    )

    id: int | None = Field(default=None, primary_key=True)
    delegator_id: int = Field(foreign_key="staff.id", index=True)
    deputy_id: int = Field(foreign_key="staff.id", index=True)
    starts_on: date
    ends_on: date  # inclusive
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # ended early or swept


class Question(SQLModel, table=True):
    """An approver asks the member of staff for more information instead of deciding."""

    __tablename__ = "question"

    id: int | None = Field(default=None, primary_key=True)
    step_id: int = Field(foreign_key="approval_step.id", index=True)
    asked_by_id: int = Field(foreign_key="staff.id")
    question: str = Field(sa_column=Column(Text, nullable=False))
    asked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    answer: str | None = Field(default=None, sa_column=Column(Text))
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OutboxMessage(SQLModel, table=True):
    """The outbox: every message Nolan owes, written in the transaction of the change it
    announces (a sweep's reminder: bot.ledger) and sent after by the worker (bot.outbox). A
    reminder's natural key (what, about whom, to whom, for which due date) is unique: so it
    goes once, across reruns, restarts and processes sharing one database. A message queued
    by a change has no due date (NULLs never collide), and is made once by its row."""

    __tablename__ = "outbox"
    __table_args__ = (  # sought by key, not by kind or status alone among all sent (0013)
        UniqueConstraint("kind", "subject", "recipient", "due_on"),
        Index("ix_outbox_kind_status_due_on", "kind", "status", "due_on"),
        Index("ix_outbox_kind_subject_status", "kind", "subject", "status"),
        # The Home refreshes in order, to prune (0015). Partial: no other lookup by a kind given
        # as a parameter can take it, so SQLite's planner never prefers it to a narrower key.
        partial("ix_outbox_home_id", "id", where="kind = 'home'"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    subject: str = Field(max_length=80)  # e.g. "staff:12", "policy:3", "step:40"
    # "staff:12" (resolved when it is sent), "channel:<a Slack or Teams channel id>", or a
    # Slack user or channel id (reminders owed before the outbox).
    recipient: str = Field(max_length=256)
    due_on: date | None = None  # set for scheduled reminders only
    # queued|claimed|sent|failed|skipped|dead; "failed" is tried again after `not_before`.
    status: str = Field(default="claimed", max_length=20, index=True)
    attempts: int = 0
    claimed_at: datetime | None = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Where it went, for updates (Teams: "channel:19:…@thread.tacv2", the activity's id).
    channel: str | None = Field(default=None, max_length=256)
    ts: str | None = Field(default=None, max_length=256)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    # What to send, as a platform-neutral descriptor (JSON); None for a sweep's reminder,
    # which is rendered and sent by the job that claimed it.
    payload: str | None = Field(default=None, sa_column=Column(Text))
    # The earlier message this one updates (a card redrawn): sent only after that one is.
    # Indexed: a message's updates are looked up by it, and SQLite checks the foreign key on
    # every message queued.
    updates_id: int | None = Field(default=None, foreign_key="outbox.id", index=True)
    not_before: datetime | None = Field(default=None, sa_type=UTCDateTime)  # back-off
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# The scheduled reminders are rows of the outbox: one table, one claim, one record of sent.
Reminder = OutboxMessage


class Policy(SQLModel, table=True):
    """One of the office's policies, reviewed on a cycle."""

    __tablename__ = "policy"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    owner_id: int | None = Field(default=None, foreign_key="staff.id")
    url: str = Field(default="", max_length=500)
    last_reviewed: date | None = None
    review_months: int | None = None
    next_review: date | None = None
    channel_id: str | None = Field(default=None, max_length=256)  # Slack C…, Teams 19:…
    is_code_of_conduct: bool = False
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Confirmation(SQLModel, table=True):
    """A person's answer to something Nolan asked of them for a period: the annual
    declaration ("nothing has changed"), an outside-work anniversary review, the code of
    conduct undertaking."""

    __tablename__ = "confirmation"
    __table_args__ = (UniqueConstraint("kind", "subject", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    subject: str = Field(max_length=80)
    period: str = Field(max_length=20)  # e.g. "2027" or "2027-03-01" or "v1"
    staff_id: int = Field(foreign_key="staff.id", index=True)
    response: str = Field(max_length=20)  # confirmed | updated | accepted
    responded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ViewSubmission(SQLModel, table=True):
    """A form submission taken: Slack may deliver (or an attacker replay) the same signed
    request again within five minutes, and the view's id and hash say it is the same one."""

    __tablename__ = "view_submission"

    view_id: str = Field(max_length=64, primary_key=True)
    view_hash: str = Field(max_length=128, primary_key=True)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class TeamsChannel(SQLModel, table=True):
    """Where a Teams channel's Bot Connector is: the serviceUrl its team's activities carry
    (it differs by region and tenant), so a post to the channel goes there."""

    __tablename__ = "teams_channel"

    conversation_id: str = Field(max_length=256, primary_key=True)  # 19:…@thread.tacv2
    team_id: str | None = Field(default=None, max_length=256)
    service_url: str = Field(max_length=512)
    installed: bool = False  # from the team's own install, not a guess from elsewhere
    noted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
