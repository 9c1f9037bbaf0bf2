"""teams accounts: a member of staff's Entra object id and where their 1:1 chat with Nolan is

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 04:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD/DROP COLUMN, not a batch: SQLite would rebuild `staff`, which every other table
# references, and its foreign keys refuse that on a database with rows.
COLUMNS = (
    ("teams_id", 64),
    ("teams_conversation_id", 256),
    ("teams_service_url", 512),
)


def upgrade() -> None:
    for name, length in COLUMNS:
        op.add_column(
            "staff",
            sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=True),
        )
    op.create_index(op.f("ix_staff_teams_id"), "staff", ["teams_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_teams_id"), table_name="staff")
    for name, _length in reversed(COLUMNS):
        op.execute(f"ALTER TABLE staff DROP COLUMN {name}")
