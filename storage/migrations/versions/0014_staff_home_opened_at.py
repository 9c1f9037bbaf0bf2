"""staff home opened at: when each person last opened their Slack Home

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 05:00:00.000000

Slack sends app_home_opened each time someone opens Nolan's Home tab, and Nolan draws it
afresh then. The Home refresher keeps current, after each change, only the Homes opened within
HOME_WATCH_HOURS (bot.usecases.homes): the rest are drawn when next opened. Empty for everyone
until they next open it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("staff", sa.Column("home_opened_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Not a batch: SQLite's copy of the table would break the keys that point at it.
    op.execute("ALTER TABLE staff DROP COLUMN home_opened_at")
