"""outbox: the Home refreshes in id order, a batch at a time, for the sweep to prune

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 06:30:00.000000

The daily sweep removes the Home refreshes done with (storage.outbox_prune), reading them in
id order from where the last batch ended. Neither index on `kind` gives them in that order,
so each batch would read every refresh ever made to sort them. Partial, over `kind = 'home'`:
a (kind, id) index was taken by SQLite's planner, which has no statistics, for lookups by
kind and subject, reading a kind's rows newest first until the subject's.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HOME = sa.text("kind = 'home'")


def upgrade() -> None:
    op.create_index(
        "ix_outbox_home_id", "outbox", ["id"], sqlite_where=_HOME, postgresql_where=_HOME
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_home_id", table_name="outbox")
