"""`python -m bot` on Teams runs the daily sweep's scheduler with its server: started when it
serves, stopped (after the server closes) when it stops."""

from __future__ import annotations

import io
import socket
from datetime import UTC, datetime
from typing import Any

import pytest

import bot.scheduler
import bot.server
from bot import serve
from bot.runtime import Runtime
from bot.scheduler import JOB_ID
from bot.settings import load_settings
from storage.db import Database
from tests.teams.test_teams_mode import TEAMS

SATURDAY_NOON = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


class FakeServer:
    """Stands in for waitress: `run` looks at the scheduler while serving, then returns as
    Ctrl-C makes it."""

    def __init__(self, seen: dict[str, Any]) -> None:
        self.seen = seen

    def run(self) -> None:
        scheduler = self.seen["scheduler"]
        self.seen["running"] = scheduler.running
        self.seen["job"] = scheduler.get_job(JOB_ID)
        raise KeyboardInterrupt

    def close(self) -> None:
        self.seen["closed_while_running"] = self.seen["scheduler"].running


def test_the_teams_server_starts_and_stops_the_daily_sweep(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings({**TEAMS, "DATABASE_URL": db.url}, dotenv_path=None)
    runtime = Runtime.build(settings, db=db, clock=lambda: SATURDAY_NOON)
    seen: dict[str, Any] = {}
    start = bot.scheduler.start_scheduler

    def started(given: Runtime) -> Any:
        assert given is runtime
        seen["scheduler"] = start(given)
        return seen["scheduler"]

    monkeypatch.setattr(bot.scheduler, "start_scheduler", started)
    monkeypatch.setattr(bot.server, "make_teams_server", lambda *_args, **_kwargs: FakeServer(seen))
    assert serve._serve_teams(runtime, err=io.StringIO()) == 0
    assert seen["running"] and seen["job"] is not None and seen["job"].next_run_time
    # From the runtime's Saturday noon, Monday morning: working days only. Asked of the
    # trigger: the scheduler's own next run counts from the real clock, whatever day it is.
    monday = seen["job"].trigger.get_next_fire_time(None, SATURDAY_NOON)
    assert monday is not None and (monday.weekday(), monday.hour) == (0, 7)
    assert seen["closed_while_running"]  # the server closes first, then the sweep stops
    assert not seen["scheduler"].running


class StoppedServer:
    def run(self) -> None:
        raise KeyboardInterrupt  # as Ctrl-C makes it

    def close(self) -> None:
        pass


@pytest.mark.parametrize("sweeps", [True, False])
def test_of_several_teams_processes_each_serves_the_parents_socket_and_one_sweeps(
    db: Database, monkeypatch: pytest.MonkeyPatch, sweeps: bool
) -> None:
    settings = load_settings({**TEAMS, "DATABASE_URL": db.url}, dotenv_path=None)
    runtime = Runtime.build(settings, db=db, clock=lambda: SATURDAY_NOON)
    started: list[Runtime] = []
    monkeypatch.setattr(bot.scheduler, "start_scheduler", started.append)
    monkeypatch.setattr(bot.scheduler, "stop_scheduler", lambda _scheduler: None)
    made: dict[str, Any] = {}

    def make(*_args: Any, **kwargs: Any) -> StoppedServer:
        made.update(kwargs)
        return StoppedServer()

    monkeypatch.setattr(bot.server, "make_teams_server", make)
    told: list[str] = []
    with socket.socket() as sock:
        share = serve.Share([sock], sweeps=sweeps, serving=lambda: told.append("serving"))
        assert serve._serve_teams(runtime, err=io.StringIO(), share=share) == 0
        assert made["sockets"] == [sock]
    assert told == ["serving"]
    assert started == ([runtime] if sweeps else [])
