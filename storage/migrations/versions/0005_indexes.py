"""indexes for the access filter, the registers' date ranges and the search

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 02:00:00.000000

What the query plans of the register search, the access filter (storage/access.py) and the
registers' loaders showed as full scans on a seeded database: the steps a person decided or
holds as a deputy's (approval_step.decided_by_id, delegated_from_id: without them every search
by anyone not an officer scans every step), the gifts register's date range and order
(gift_offer.date_offered), and the interests and outside-work registers', which go by the day
declared (declaration.kind, created_at).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Partial where most rows hold NULL (no deputy; not yet decided): a planner's statistics count
# the NULLs as one value and would choose to scan the table.
PARTIAL = (
    ("ix_approval_step_delegated_from_id", "approval_step", "delegated_from_id"),
    ("ix_approval_step_decided_by_id", "approval_step", "decided_by_id"),
)
INDEXES = (
    ("ix_gift_offer_date_offered", "gift_offer", ["date_offered"]),
    ("ix_declaration_kind_created_at", "declaration", ["kind", "created_at"]),
)


def upgrade() -> None:
    for name, table, column in PARTIAL:
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(
            name, table, [column], unique=False, sqlite_where=where, postgresql_where=where
        )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in (*reversed(INDEXES), *reversed(PARTIAL)):
        op.drop_index(name, table_name=table)
