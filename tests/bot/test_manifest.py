"""manifest.yml must declare what the code registers, and ask for no more than it needs."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from slack_bolt import App, BoltRequest, BoltResponse

from bot.app import create_app
from bot.server import drain
from bot.settings import Settings
from storage.db import Database

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
MINIMAL_BOT_SCOPES = {
    "commands",
    "chat:write",
    "im:write",
    "users:read",
    "users:read.email",
    "files:write",  # the annual report's charts and register exports, in an officer's DM
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    db = Database(f"sqlite:///{tmp_path}/m.db")
    db.migrate()
    app = create_app(
        Settings(slack_bot_token="xoxb-test", slack_signing_secret="s"), db, verify_token=False
    )
    try:
        yield app
    finally:
        drain(app)  # its delivery worker stops with it
        db.dispose()


def _slash_command_body(command: str) -> dict[str, str]:
    return {
        "command": command,
        "text": "",
        "team_id": "T1",
        "user_id": "U1",
        "channel_id": "C1",
        "trigger_id": "1.2.3",
        "response_url": "https://hooks.slack.com/commands/T1/1/x",
    }


def _matches_command(app: App, command: str) -> bool:
    """Ask each registered listener, as Bolt would, whether it takes this slash command."""
    request = BoltRequest(body=_slash_command_body(command), mode="socket_mode")
    response = BoltResponse(status=200)
    return any(
        listener.matches(req=request, resp=response)
        for listener in app._listeners  # Bolt keeps no public list of listeners
    )


def registered_commands(app: App) -> set[str]:
    """The commands passed to app.command(...): Bolt's command matcher closes over them."""
    commands: set[str] = set()
    for listener in app._listeners:
        for matcher in listener.matchers:
            func = getattr(matcher, "func", None)
            if func is None or not func.__qualname__.startswith("command."):
                continue
            command = inspect.getclosurevars(func).nonlocals.get("command")
            assert isinstance(command, str), f"a command registered by pattern: {command!r}"
            commands.add(command)
    # Guard against Bolt's internals moving: what we found must really route to a listener.
    assert commands, "found no app.command(...) listeners; has slack_bolt changed its matchers?"
    for command in commands:
        assert _matches_command(app, command), command
    return commands


def manifest_commands(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["command"]: entry for entry in manifest["features"]["slash_commands"]}


def test_manifest_declares_exactly_the_registered_commands(
    app: App, manifest: dict[str, Any]
) -> None:
    declared = set(manifest_commands(manifest))
    assert declared == registered_commands(app)
    for command in declared:
        assert _matches_command(app, command), f"{command} is declared but nothing handles it"
    assert not _matches_command(app, "/not-a-nolan-command")


def test_manifest_commands_are_well_formed(manifest: dict[str, Any]) -> None:
    for command, entry in manifest_commands(manifest).items():
        assert re.fullmatch(r"/[a-z0-9_-]{1,31}", command), command
        assert entry["description"].strip(), command
        assert entry["url"].endswith("/slack/events"), command


def test_conduct_escapes_mentions_and_links(manifest: dict[str, Any]) -> None:
    assert manifest_commands(manifest)["/conduct"]["should_escape"] is True


def test_bot_scopes_are_the_minimal_set(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]
    assert sorted(scopes["bot"]) == sorted(MINIMAL_BOT_SCOPES)
    assert not scopes.get("user"), "Nolan acts as a bot only"


def test_socket_mode_interactivity_and_messages_tab(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"].endswith("/slack/events")
    app_home = manifest["features"]["app_home"]
    assert app_home["messages_tab_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"] == "Nolan"


def _matches_event(app: App, event_type: str) -> bool:
    body = {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": {"type": event_type, "user": "U1", "tab": "home"},
    }
    request = BoltRequest(body=body, mode="socket_mode")
    return any(
        listener.matches(req=request, resp=BoltResponse(status=200)) for listener in app._listeners
    )


def test_home_tab_and_its_event(app: App, manifest: dict[str, Any]) -> None:
    """The Home tab is on, app_home_opened reaches Nolan, and something handles it."""
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    events = manifest["settings"]["event_subscriptions"]
    assert events["bot_events"] == ["app_home_opened"]
    assert events["request_url"].endswith("/slack/events")
    assert _matches_event(app, "app_home_opened")
    assert not _matches_event(app, "message")  # subscribed to nothing Nolan doesn't handle


def _matches_message_shortcut(app: App, callback_id: str) -> bool:
    body = {
        "type": "message_action",
        "callback_id": callback_id,
        "team": {"id": "T1", "domain": "t"},
        "user": {"id": "U1"},
        "channel": {"id": "C1"},
        "message": {"ts": "1.2", "text": "x"},
        "trigger_id": "1.2.3",
        "response_url": "https://hooks.slack.com/app/T1/1/x",
    }
    request = BoltRequest(body=body, mode="socket_mode")
    return any(
        listener.matches(req=request, resp=BoltResponse(status=200)) for listener in app._listeners
    )


def test_the_message_shortcut_is_declared_and_handled(app: App, manifest: dict[str, Any]) -> None:
    shortcuts = manifest["features"]["shortcuts"]
    assert [(s["name"], s["type"]) for s in shortcuts] == [("Declare this offer", "message")]
    for entry in shortcuts:
        assert len(entry["name"]) <= 24 and 0 < len(entry["description"]) <= 150
        assert _matches_message_shortcut(app, entry["callback_id"]), entry
    assert not _matches_message_shortcut(app, "not_a_nolan_shortcut")
