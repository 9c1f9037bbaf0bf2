"""DELIVERY_PROCESS and the delivery process's body (bot.delivery_process.deliver), run in
this process: the setting read, which `python -m bot` serves through the parent, and what the
delivery process starts and stops on each platform. The processes themselves:
tests/e2e/test_delivery_process.py."""

from __future__ import annotations

import io
import os
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import bot.scheduler
import bot.server
from bot import serve
from bot.bell import Doorbell
from bot.delivery_process import deliver
from bot.processes import supervised
from bot.runtime import Runtime
from bot.settings import Settings, SettingsError, load_settings
from bot.teams import home_flow
from storage.db import Database
from tests.fakeslack import FakeSlack
from tests.teams.test_serve_teams import SATURDAY_NOON, StoppedServer
from tests.teams.test_teams_mode import TEAMS

SECRETS = {"SLACK_BOT_TOKEN": "xoxb-t", "SLACK_SIGNING_SECRET": "s"}


def test_the_delivery_process_is_on_on_either_database_unless_set(tmp_path: Path) -> None:
    none = tmp_path / "none"
    assert load_settings(SECRETS, dotenv_path=none).delivery_process is True  # SQLite
    postgres = {**SECRETS, "DATABASE_URL": "postgresql+psycopg://nolan@db/nolan"}
    assert load_settings(postgres, dotenv_path=none).delivery_process is True
    for off in ("0", "no", "false"):
        for database in (SECRETS, postgres):
            read = load_settings({**database, "DELIVERY_PROCESS": off}, dotenv_path=none)
            assert read.delivery_process is False
    for on in ("1", "yes", "true"):
        read = load_settings({**postgres, "DELIVERY_PROCESS": on}, dotenv_path=none)
        assert read.delivery_process is True
    with pytest.raises(SettingsError, match="DELIVERY_PROCESS must be yes or no, got 'maybe'"):
        load_settings({**SECRETS, "DELIVERY_PROCESS": "maybe"}, dotenv_path=none)


def test_http_mode_is_served_through_the_parent_unless_one_process_does_it_all() -> None:
    assert supervised(Settings())  # Slack HTTP, the delivery process beside
    assert supervised(Settings(teams_app_id="a"))
    assert not supervised(Settings(delivery_process=False))  # one process, as before
    assert supervised(Settings(delivery_process=False, http_processes=2))
    assert not supervised(Settings(slack_app_token="xapp-1"))  # Socket Mode: one process
    assert supervised(Settings(slack_app_token="xapp-1", teams_app_id="a"))  # Teams ignores it


@pytest.fixture
def handlers_kept() -> Iterator[None]:
    """deliver() takes SIGTERM and SIGINT (and ignores them once stopping): given back."""
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


@pytest.fixture
def bell() -> Iterator[int]:
    read, write = os.pipe()
    yield read
    # The write end first: the thread that hears the bell reads the pipe's end and stops.
    # Its read end closed under it instead, it failed (EBADF), or read what next took the fd.
    os.close(write)
    for thread in threading.enumerate():
        if thread.name == "nolan-bell":
            thread.join(timeout=10)
            assert not thread.is_alive(), "the bell's thread did not stop at the pipe's end"
    os.close(read)


def stopped_at_the_sweep(monkeypatch: pytest.MonkeyPatch) -> list[Runtime]:
    """The sweep's scheduler "starts" as the delivery process is stopped (Ctrl-C)."""
    started: list[Runtime] = []

    def start(runtime: Runtime) -> None:
        started.append(runtime)
        assert runtime.outbox._thread is not None  # the worker runs before the sweep starts
        raise KeyboardInterrupt

    monkeypatch.setattr(bot.scheduler, "start_scheduler", start)
    return started


@pytest.mark.usefixtures("handlers_kept")
def test_on_teams_the_delivery_process_runs_the_worker_and_the_sweep_at_once(
    db: Database, bell: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = stopped_at_the_sweep(monkeypatch)
    told: list[str] = []
    settings = load_settings({**TEAMS, "DATABASE_URL": db.url}, dotenv_path=None)
    serving = lambda: told.append("serving")  # noqa: E731
    assert deliver(settings, db, bell=bell, serving=serving, err=io.StringIO()) == 0
    assert told == ["serving"]
    [runtime] = started
    assert runtime.teams is not None and runtime.outbox._thread is None  # stopped


@pytest.mark.usefixtures("handlers_kept")
def test_on_slack_the_sweep_waits_for_slack_and_a_refused_token_is_one_line(
    db: Database, bell: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = stopped_at_the_sweep(monkeypatch)
    with FakeSlack() as fake:
        settings = Settings(**_slack(fake, db))
        fake.slack_error_next("auth.test", "invalid_auth")
        err = io.StringIO()
        assert deliver(settings, db, bell=bell, serving=lambda: None, err=err) == 1
        assert err.getvalue() == (
            "nolan: error: Slack refused auth.test (invalid_auth): check SLACK_BOT_TOKEN\n"
        )
        assert started == []
        assert deliver(settings, db, bell=bell, serving=lambda: None, err=err) == 0
        assert len(started) == 1 and fake.calls("auth.test")


def _slack(fake: FakeSlack, db: Database) -> dict[str, Any]:
    return {
        "slack_bot_token": "xoxb-t", "slack_signing_secret": "s",
        "slack_api_url": fake.api_url, "database_url": db.url,
    }


def test_a_teams_http_process_beside_the_delivery_process_sends_nothing_and_tells_its_pages(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings({**TEAMS, "DATABASE_URL": db.url}, dotenv_path=None)
    runtime = Runtime.build(settings, db=db, clock=lambda: SATURDAY_NOON)
    monkeypatch.setattr(bot.server, "make_teams_server", lambda *_a, **_k: StoppedServer())
    read, write = os.pipe()
    seen: list[Any] = []
    monkeypatch.setattr(home_flow, "tell", seen.append)
    try:
        with socket.socket() as sock:
            share = serve.Share([sock], sweeps=False, serving=lambda: None, bell=Doorbell(write))
            assert serve._serve_teams(runtime, err=io.StringIO(), share=share) == 0
    finally:
        os.close(read)
        os.close(write)
    assert runtime.outbox._thread is None  # never started
    [told] = seen
    assert told.__self__ is share.bell  # type: ignore[attr-defined]
