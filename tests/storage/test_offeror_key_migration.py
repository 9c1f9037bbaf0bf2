"""Migration 0012 keys every offer already in the register by its giver (what the risk flags
count by), in batches, indexes the key with the day, and takes both away going back."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect

from storage.db import Database, alembic_config

GIVERS = ["ACME Ltd.", "The Acme Company", "Apex & Sons plc", "Café Rouge"]


def test_0012_keys_the_offers_already_there_and_goes_back(fresh_db_url: str) -> None:
    db = Database(fresh_db_url)
    config = alembic_config(db.engine)
    try:
        command.upgrade(config, "0011")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO staff (id, email, name, roles, politically_restricted, active, "
                "updated_at) VALUES (1, 'a@x', 'A', '', false, true, CURRENT_TIMESTAMP)"
            ))
            for n in range(1, 12):
                conn.execute(sa.text(
                    "INSERT INTO declaration (id, kind, declarant_id, status, created_at) "
                    "VALUES (:n, 'gift', 1, 'pending', CURRENT_TIMESTAMP)"
                ), {"n": n})
                conn.execute(sa.text(
                    "INSERT INTO gift_offer (declaration_id, kind, offered_by, relationship, "
                    "description, value_pence, date_offered, response, reason, use_at_work, "
                    "unsolicited, flags) VALUES (:n, 'gift', :by, 'contractor', 'A hamper', "
                    "100, :day, 'accepted', '', false, false, '')"
                ), {"n": n, "by": GIVERS[n % len(GIVERS)], "day": date(2026, 1, n)})
        command.upgrade(config, "0012")
        with db.engine.connect() as conn:
            keys = dict(conn.execute(sa.text(
                "SELECT offered_by, offeror_key FROM gift_offer"
            )).all())
        assert keys == {
            "ACME Ltd.": "acme", "The Acme Company": "acme", "Apex & Sons plc": "apex and sons",
            "Café Rouge": "cafe rouge",
        }
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("gift_offer")}
        assert "ix_gift_offer_offeror_key" in indexes
        command.downgrade(config, "0011")
        columns = {c["name"] for c in inspect(db.engine).get_columns("gift_offer")}
        assert "offeror_key" not in columns and "offered_by" in columns
    finally:
        db.dispose()
