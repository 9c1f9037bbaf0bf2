"""Test-only fakes of Slack: Web API server, request signing/payloads, Socket Mode server."""

from .server import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, Call, FakeSlack, Rejected, Upload
from .signing import (
    block_actions_form,
    block_actions_payload,
    event_callback_payload,
    interaction_form,
    message_action_form,
    message_action_payload,
    post,
    sign,
    slash_command_form,
    slash_command_payload,
    state_value,
    view_state,
    view_submission_form,
    view_submission_payload,
)
from .socket import FakeSocketModeServer

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_ID",
    "Call",
    "FakeSlack",
    "FakeSocketModeServer",
    "Rejected",
    "Upload",
    "block_actions_form",
    "block_actions_payload",
    "event_callback_payload",
    "interaction_form",
    "message_action_form",
    "message_action_payload",
    "post",
    "sign",
    "slash_command_form",
    "slash_command_payload",
    "state_value",
    "view_state",
    "view_submission_form",
    "view_submission_payload",
]
