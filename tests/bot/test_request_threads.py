"""How many requests Nolan handles at once (HTTP_THREADS): 8 unless set, and used by the HTTP
server, the listeners (twice as many: as many again finish after the ack) and the database's
pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import create_app
from bot.server import drain, make_server, make_teams_server
from bot.settings import Settings, SettingsError, load_settings
from storage.db import Database, make_engine

SECRETS = {"SLACK_BOT_TOKEN": "xoxb-1-real", "SLACK_SIGNING_SECRET": "abc123"}
POSTGRES = "postgresql+psycopg://nolan:secret@db.example:5432/nolan"


@pytest.mark.parametrize(
    ("env", "threads"),
    [
        ({}, 8),
        ({"DATABASE_URL": POSTGRES}, 8),  # more only contend for the cores (bench_ack)
        ({"DATABASE_URL": POSTGRES, "HTTP_THREADS": "48"}, 48),
        ({"HTTP_THREADS": "2"}, 2),
        ({"HTTP_THREADS": "0"}, 8),  # 0, as in .env.example: the default
    ],
)
def test_request_threads_are_eight_unless_set(
    env: dict[str, str], threads: int, tmp_path: Path
) -> None:
    settings = load_settings({**SECRETS, **env}, dotenv_path=tmp_path / "none")
    assert settings.request_threads == threads
    assert settings.listener_threads == 2 * threads


@pytest.mark.parametrize("value", ["many", "-1", "257"])
def test_a_bad_http_threads_is_named_in_one_line(value: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="HTTP_THREADS must be a whole number") as refused:
        load_settings({**SECRETS, "HTTP_THREADS": value}, dotenv_path=tmp_path / "none")
    assert "\n" not in str(refused.value)


def test_the_servers_handle_that_many_requests_at_once(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/t.db")
    settings = Settings(slack_bot_token="xoxb-t", slack_signing_secret="s", http_threads=3)
    app = create_app(settings, db, verify_token=False)
    slack = make_server(app, db, "127.0.0.1", 0, threads=settings.request_threads)
    teams = make_teams_server(lambda _e, _s: [], db, "127.0.0.1", 0, threads=5)
    try:
        assert slack.adj.threads == 3 and teams.adj.threads == 5
        # One listener for each request on its way to its ack, as many again after it.
        assert app.listener_runner.listener_executor._max_workers == 6
    finally:
        slack.close()
        teams.close()
        drain(app)
        db.dispose()


def test_the_pool_holds_a_connection_for_each_thread_and_its_listener(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/t.db", threads=16)
    assert engine.pool.size() == 32
    engine.dispose()
    postgres = make_engine(POSTGRES, threads=24)  # no connection is opened until wanted
    assert postgres.pool.size() == 48
    postgres.dispose()
