"""view submissions taken: a replayed form submission records nothing a second time

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "view_submission",
        sa.Column("view_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("view_hash", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("received_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("view_id", "view_hash"),
    )
    op.create_index(
        op.f("ix_view_submission_received_at"), "view_submission", ["received_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_view_submission_received_at"), table_name="view_submission")
    op.drop_table("view_submission")
