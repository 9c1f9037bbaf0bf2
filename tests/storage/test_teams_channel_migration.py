"""Migration 0011 adds `teams_channel` (where each Teams channel's Bot Connector is), which
holds a row once up, and takes it away going back."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect
from sqlmodel import Session

from storage import teams_channels
from storage.db import Database, alembic_config

CHANNEL = "19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.tacv2"


def test_0011_adds_the_teams_channel_table_and_goes_back(fresh_db_url: str) -> None:
    db = Database(fresh_db_url)
    config = alembic_config(db.engine)
    try:
        command.upgrade(config, "0010")
        assert "teams_channel" not in inspect(db.engine).get_table_names()
        command.upgrade(config, "0011")
        with Session(db.engine) as session:
            teams_channels.note(session, conversation_id=CHANNEL,
                                service_url="https://smba.trafficmanager.net/amer/")
            session.commit()
        with Session(db.engine) as session:
            found = teams_channels.service_url(session, conversation_id=CHANNEL)
        assert found == "https://smba.trafficmanager.net/amer/"
        command.downgrade(config, "0010")
        assert "teams_channel" not in inspect(db.engine).get_table_names()
    finally:
        db.dispose()


def test_a_guess_never_replaces_what_the_teams_install_said(fresh_db_url: str) -> None:
    db = Database(fresh_db_url)
    try:
        db.migrate()
        with Session(db.engine) as session:
            teams_channels.note(session, conversation_id=CHANNEL, service_url="https://a/",
                                installed=False)
            teams_channels.note(session, conversation_id=CHANNEL, service_url="https://b/")
            teams_channels.note(session, conversation_id=CHANNEL, service_url="https://c/",
                                installed=False)
            session.commit()
            assert teams_channels.service_url(session, conversation_id=CHANNEL) == "https://b/"
            assert teams_channels.service_url(session, conversation_id="19:x@thread.tacv2") is None
    finally:
        db.dispose()
