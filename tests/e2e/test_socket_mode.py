"""Socket Mode: the bot connects out to Slack (here, a local WebSocket server) and handles a
/gift through to the manager's DM."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import create_app
from bot.server import drain, make_socket_handler
from bot.settings import Settings
from storage.db import Database
from storage.models import Staff
from tests.e2e.harness import Clock, dm_to
from tests.e2e.test_gifts_flow import hospitality
from tests.fakeslack import (
    FakeSlack,
    FakeSocketModeServer,
    slash_command_payload,
    view_state,
    view_submission_payload,
)


@pytest.fixture
def socket_server(fake: FakeSlack) -> Iterator[FakeSocketModeServer]:
    server = FakeSocketModeServer().start()
    fake.socket_url = server.url
    yield server
    server.stop()


def test_gift_through_socket_mode_reaches_the_manager(
    fake: FakeSlack,
    socket_server: FakeSocketModeServer,
    db: Database,
    clock: Clock,
    org: dict[str, Staff],
) -> None:
    settings = Settings(
        slack_bot_token="xoxb-e2e-token",
        slack_signing_secret="unused-in-socket-mode",
        slack_app_token="xapp-e2e-token",
        slack_api_url=fake.api_url,
        database_url=db.url,
    )
    app = create_app(settings, db, clock=clock)
    handler = make_socket_handler(app, "xapp-e2e-token")
    handler.connect()
    try:
        socket_server.wait_connected()
        assert fake.wait_for("apps.connections.open").token == "xapp-e2e-token"

        command = slash_command_payload(
            "/gift",
            "Tickets to the match",
            "UALICE",
            trigger_id=fake.new_trigger_id(),
            response_url=fake.response_url("socket-cmd"),
        )
        envelope = socket_server.send_envelope("slash_commands", command)
        socket_server.wait_ack(envelope)
        view = fake.wait_for("views.open").args["view"]

        answers = hospitality(clock, description_input="Tickets to the match")
        submission = view_submission_payload("UALICE", view, view_state(view, answers))
        envelope = socket_server.send_envelope("interactive", submission)
        ack = socket_server.wait_ack(envelope)
        assert not (ack.get("payload") or {}).get("response_action")

        request = dm_to(fake, "UMGR")
        assert "Tickets to the match" in str(request.args["blocks"])
    finally:
        socket_server.stop()  # lets the client's blocking read end before close()
        handler.close()
        drain(app)
