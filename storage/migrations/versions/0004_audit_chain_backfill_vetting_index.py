"""audit chain: the head row, hashes for the entries written before chaining; staff vetting index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 07:30:00.000000

Entries written before the chain (hash NULL) are chained in id order, as if they had been
written chained. The hash is the one definition in storage.audit_chain: it must never change,
or every chain already written would stop verifying.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types
from storage.audit_chain import GENESIS, HEAD_ID, hash_of

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000

# A frozen picture of the table as this migration knows it (not the model, which may move on).
_entries = sa.table(
    "audit_entry",
    sa.column("id", sa.Integer()),
    sa.column("at", storage.types.UTCDateTime(timezone=True)),
    sa.column("actor_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("declaration_id", sa.Integer()),
    sa.column("detail", sa.Text()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
_head = sa.table(
    "audit_head",
    sa.column("id", sa.Integer()),
    sa.column("last_id", sa.Integer()),
    sa.column("last_hash", sa.String()),
)
_APPEND_ONLY = "the audit trail is append-only"  # as in 0001


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=True),
        sa.Column("last_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_vetting_expires", "staff", ["vetting_expires"], unique=False)
    last_id, last_hash = _backfill_chain()
    op.bulk_insert(_head, [{"id": HEAD_ID, "last_id": last_id, "last_hash": last_hash}])


def _backfill_chain() -> tuple[int | None, str | None]:
    """Chain the unhashed entries in id order, lifting the append-only rule for the one
    UPDATE that sets each hash, and putting it back in the same transaction."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER audit_entry_no_update")
    else:
        op.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
    prev, last_id, after = GENESIS, None, 0
    while True:
        # In batches, read fully before writing: never millions of rows in memory at once.
        batch = bind.execute(
            sa.select(_entries).where(_entries.c.id > after).order_by(_entries.c.id).limit(_BATCH)
        ).all()
        if not batch:
            break
        for row in batch:
            if row.hash is None:
                digest = hash_of(row, prev)
                bind.execute(
                    sa.update(_entries)
                    .where(_entries.c.id == row.id)
                    .values(prev_hash=prev, hash=digest)
                )
                prev = digest
            else:
                prev = row.hash
            last_id = after = row.id
    if sqlite:
        op.execute(
            "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
            f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        )
    else:
        op.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")
    return last_id, (prev if last_id is not None else None)


def downgrade() -> None:
    # The hashes stay (their columns are 0003's, and the rows are append-only); an upgrade
    # again chains only what was written meanwhile.
    op.drop_index("ix_staff_vetting_expires", table_name="staff")
    op.drop_table("audit_head")
