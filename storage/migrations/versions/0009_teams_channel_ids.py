"""teams channel ids: a policy's channel and the outbox's places widened for Teams' ids

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 07:45:00.000000

A Teams channel is named by its conversation id (19:…@thread.tacv2, 50 characters and more),
and the outbox records where a message went ("channel:19:…@thread.tacv2") and the Bot
Connector's activity id: Slack's 32 characters no longer hold them. A downgrade narrows them
back only when every value still fits; otherwise it stops and says which, changing nothing.

The policy review reminders already sent keep their place in the ledger under the keys the
platform-neutral job now owes them by (bot.jobs.policies): the channel as "channel:<id>", the
owner as "staff:<id>" rather than their Slack id. So a reminder sent before the upgrade is not
sent again after it. (The governance digest's keys were already so.)
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WIDE = 256
# (table, column, length before, nullable)
COLUMNS = (
    ("policy", "channel_id", 32, True),
    ("outbox", "recipient", 80, False),
    ("outbox", "channel", 32, True),
    ("outbox", "ts", 32, True),
)


def _alter(table: str, widths: dict[str, tuple[int, int, bool]]) -> None:
    """Each column from its old length to its new one (a batch: SQLite rebuilds the table)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column, (old, new, nullable) in widths.items():
            batch_op.alter_column(
                column,
                existing_type=sqlmodel.sql.sqltypes.AutoString(length=old),
                type_=sqlmodel.sql.sqltypes.AutoString(length=new),
                existing_nullable=nullable,
            )


def _alter_keeping_links(table: str, widths: dict[str, tuple[int, int, bool]]) -> None:
    """SQLite rebuilds the table, and would refuse to drop the old outbox while the new one's
    rows point at it (a message's `updates_id`): the links are set aside, then put back."""
    if table != "outbox" or op.get_bind().dialect.name != "sqlite":
        _alter(table, widths)
        return
    op.execute(
        "CREATE TEMPORARY TABLE outbox_links_0009 AS "
        "SELECT id, updates_id FROM outbox WHERE updates_id IS NOT NULL"
    )
    op.execute("UPDATE outbox SET updates_id = NULL WHERE updates_id IS NOT NULL")
    _alter(table, widths)
    op.execute(
        "UPDATE outbox SET updates_id = (SELECT l.updates_id FROM outbox_links_0009 l "
        "WHERE l.id = outbox.id) WHERE id IN (SELECT id FROM outbox_links_0009)"
    )
    op.execute("DROP TABLE outbox_links_0009")


def _by_table(downgrade: bool) -> dict[str, dict[str, tuple[int, int, bool]]]:
    tables: dict[str, dict[str, tuple[int, int, bool]]] = {}
    for table, column, old, nullable in COLUMNS:
        widths = (WIDE, old) if downgrade else (old, WIDE)
        tables.setdefault(table, {})[column] = (*widths, nullable)
    return tables


POLICY_KINDS = "('policy_review', 'policy_overdue')"
_LEGACY = (
    f"kind IN {POLICY_KINDS} AND recipient NOT LIKE 'staff:%' AND recipient NOT LIKE 'channel:%'"
)
_BY_SLACK_ID = "SELECT {0} FROM staff WHERE staff.slack_user_id = outbox.recipient"
_BY_STAFF_ID = "SELECT {0} FROM staff WHERE 'staff:' || staff.id = outbox.recipient"


def _policy_keys_neutral() -> None:
    op.execute(
        f"UPDATE outbox SET recipient = 'staff:' || ({_BY_SLACK_ID.format('MIN(id)')}) "
        f"WHERE {_LEGACY} AND EXISTS ({_BY_SLACK_ID.format('1')})"
    )
    op.execute(f"UPDATE outbox SET recipient = 'channel:' || recipient WHERE {_LEGACY}")


def _policy_keys_slack() -> None:
    op.execute(
        f"UPDATE outbox SET recipient = SUBSTR(recipient, 9) "
        f"WHERE kind IN {POLICY_KINDS} AND recipient LIKE 'channel:%'"
    )
    has_slack_id = _BY_STAFF_ID.format("1") + " AND staff.slack_user_id IS NOT NULL"
    op.execute(
        f"UPDATE outbox SET recipient = ({_BY_STAFF_ID.format('slack_user_id')}) "
        f"WHERE kind IN {POLICY_KINDS} AND recipient LIKE 'staff:%' AND EXISTS ({has_slack_id})"
    )


def upgrade() -> None:
    for table, widths in _by_table(downgrade=False).items():
        _alter_keeping_links(table, widths)
    _policy_keys_neutral()


def downgrade() -> None:
    bind = op.get_bind()
    too_long = []
    for table, column, old, _nullable in COLUMNS:
        n = bind.execute(
            sa.text(f"SELECT COUNT(*) FROM {table} WHERE LENGTH({column}) > {old}")
        ).scalar()
        if n:
            too_long.append(f"{table}.{column} ({n} longer than {old} characters)")
    if too_long:
        raise RuntimeError(
            "cannot downgrade below 0009: Teams ids would not fit in "
            + ", ".join(too_long)
            + "; nothing was changed"
        )
    _policy_keys_slack()
    for table, widths in _by_table(downgrade=True).items():
        _alter_keeping_links(table, widths)
