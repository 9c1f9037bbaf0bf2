"""indexes so that an action reads only the rows it concerns, whatever the size of the office

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 11:00:00.000000

What the query plans of a declaration, its routing and its approval showed as full scans at
50,000 staff: the office holders (the few people with a role, looked for on every routing by a
LIKE on `roles`: partial on the rows with a role, over `id`, the order they are read in),
whether someone manages anyone (the Home's approvals, on every refresh: staff.line_manager_id),
the delegations in force (partial on those not ended: the few the sweep has not closed yet),
a card's later updates in the outbox (outbox.updates_id, which SQLite also scans on every
message queued, for the self-referencing foreign key), and, for an officer's Home, the
declarations of the risk window and of the year, of every kind (declaration.created_at: the
index by kind and day serves only one kind's).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (name, table, columns, partial on)
INDEXES = (
    ("ix_staff_office_holders", "staff", ["id"], "roles <> ''"),
    ("ix_staff_line_manager_id", "staff", ["line_manager_id"], None),
    ("ix_delegation_open", "delegation", ["id"], "ended_at IS NULL"),
    ("ix_outbox_updates_id", "outbox", ["updates_id"], None),
    ("ix_declaration_created_at", "declaration", ["created_at"], None),
)


def upgrade() -> None:
    for name, table, columns, partial in INDEXES:
        where = {}
        if partial:
            where = {"sqlite_where": sa.text(partial), "postgresql_where": sa.text(partial)}
        op.create_index(name, table, columns, unique=False, **where)


def downgrade() -> None:
    for name, table, _, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
