"""gift offer offeror key: each offer's giver reduced to the key its risk flags compare

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 19:00:00.000000

A gift's risk flags count the offers from the same giver in the window (bot.rules.risk): read
until now by every giver's name in the window and reduced in Python, for each declaration, so
the cost grew with the register. The key is stored with the offer (and set on every insert,
storage.models) and indexed with the day, so SQL counts the few that match. Existing rows are
keyed here, in batches; should `offeror_key` ever change, a migration keys them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from bot.rules.risk import offeror_key

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000


def upgrade() -> None:
    op.add_column(
        "gift_offer",
        sa.Column(
            "offeror_key",
            sqlmodel.sql.sqltypes.AutoString(length=200),
            nullable=False,
            server_default="",
        ),
    )
    offers = sa.table(
        "gift_offer",
        sa.column("declaration_id", sa.Integer),
        sa.column("offered_by", sa.String),
        sa.column("offeror_key", sa.String),
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(offers.c.declaration_id, offers.c.offered_by)
            .where(offers.c.declaration_id > last)
            .order_by(offers.c.declaration_id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            offers.update()
            .where(offers.c.declaration_id == sa.bindparam("id"))
            .values(offeror_key=sa.bindparam("key")),
            [{"id": row_id, "key": offeror_key(name)} for row_id, name in rows],
        )
        last = rows[-1][0]
    op.create_index(
        "ix_gift_offer_offeror_key", "gift_offer", ["offeror_key", "date_offered"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_gift_offer_offeror_key", table_name="gift_offer")
    with op.batch_alter_table("gift_offer") as batch:
        batch.drop_column("offeror_key")
