"""teams channel service urls: where each Teams channel's Bot Connector is

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 14:10:00.000000

The Bot Framework gives each conversation's serviceUrl in its activities, and it differs by
region and tenant: a channel's posts go to its team's, kept when Nolan is installed in the
team or the channel is configured for posts; TEAMS_SERVICE_URL only for a channel unheard of.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "teams_channel",
        sa.Column(
            "conversation_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False
        ),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
        sa.Column("service_url", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
        sa.Column("installed", sa.Boolean(), nullable=False),
        sa.Column("noted_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id"),
    )


def downgrade() -> None:
    op.drop_table("teams_channel")
