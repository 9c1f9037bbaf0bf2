"""outbox lookup indexes: a subject's or a round's messages found by key, not among all sent

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:20:00.000000

The outbox keeps every message Nolan has sent, so it grows all year. Without statistics
SQLite chose between the single-column indexes on `kind` and on `status` where a lookup
named both, or named `status` and wanted the newest first:
- "was this year's annual declaration sent to anyone", asked at every Home drawn, read every
  message ever sent (by `status`) to find none;
- "the newest card sent about this subject" (a Teams card updated in place, a policy's
  reminder) read every message sent, newest first, until the subject's;
- "the newest card about this step", at every decision, read every card of its kind.
The kind's index becomes two: (kind, status, due_on) for a round of reminders by its state
and day, and (kind, subject, status) for one subject's messages, by state or not. A search
by kind alone has either.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_outbox_kind", table_name="outbox")
    op.create_index("ix_outbox_kind_status_due_on", "outbox", ["kind", "status", "due_on"])
    op.create_index("ix_outbox_kind_subject_status", "outbox", ["kind", "subject", "status"])


def downgrade() -> None:
    op.drop_index("ix_outbox_kind_subject_status", table_name="outbox")
    op.drop_index("ix_outbox_kind_status_due_on", table_name="outbox")
    op.create_index("ix_outbox_kind", "outbox", ["kind"])
