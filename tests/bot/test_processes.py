"""HTTP_PROCESSES (bot.processes): read and checked before anything starts; refused in one line
where several processes cannot serve (SQLite, Socket Mode). The processes themselves:
tests/e2e/test_processes.py, in the PostgreSQL pass."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli import main
from bot.processes import bind, refusal
from bot.settings import Settings, SettingsError, load_settings

SECRETS = {"SLACK_BOT_TOKEN": "xoxb-t", "SLACK_SIGNING_SECRET": "s"}
POSTGRES = "postgresql+psycopg://nolan@127.0.0.1:9/nolan"  # never reached: refused first


def test_one_process_unless_set(tmp_path: Path) -> None:
    assert load_settings(SECRETS, dotenv_path=tmp_path / "none").http_processes == 1
    many = load_settings({**SECRETS, "HTTP_PROCESSES": "4"}, dotenv_path=tmp_path / "none")
    assert many.http_processes == 4


@pytest.mark.parametrize("value", ["0", "65", "two", "-1"])
def test_a_bad_count_is_named(value: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="HTTP_PROCESSES must be a whole number from 1 to 64"):
        load_settings({**SECRETS, "HTTP_PROCESSES": value}, dotenv_path=tmp_path / "none")


def test_several_processes_need_postgresql_and_http_mode() -> None:
    assert refusal(Settings(http_processes=1)) is None
    assert refusal(Settings(http_processes=2, database_url=POSTGRES)) is None
    on_sqlite = refusal(Settings(http_processes=2))
    assert on_sqlite is not None and on_sqlite.startswith("HTTP_PROCESSES=2 needs PostgreSQL")
    socket_mode = Settings(http_processes=2, database_url=POSTGRES, slack_app_token="xapp-1")
    assert "Socket Mode runs in one process" in (refusal(socket_mode) or "")
    # Teams ignores SLACK_APP_TOKEN: HTTP it is.
    assert refusal(Settings(http_processes=2, database_url=POSTGRES, teams_app_id="a")) is None


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({}, "nolan: error: HTTP_PROCESSES=2 needs PostgreSQL: SQLite takes one writer at a time"),
        (
            {"DATABASE_URL": POSTGRES, "SLACK_APP_TOKEN": "xapp-1"},
            "nolan: error: HTTP_PROCESSES=2 is for HTTP mode: Socket Mode runs in one process",
        ),
    ],
)
def test_python_m_bot_refuses_in_one_line_before_touching_the_database(
    extra: dict[str, str], says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    err = io.StringIO()
    environ = {**SECRETS, "HTTP_PROCESSES": "2", "DATABASE_URL": f"sqlite:///{tmp_path}/n.db"}
    assert main([], environ={**environ, **extra}, stderr=err) == 2
    assert err.getvalue().startswith(says)
    assert err.getvalue().count("\n") == 1
    assert not (tmp_path / "n.db").exists()


def test_the_port_is_bound_once_and_a_taken_port_is_an_oserror() -> None:
    [sock] = bind("127.0.0.1", 0)
    try:
        with pytest.raises(OSError):
            bind("127.0.0.1", sock.getsockname()[1])
    finally:
        sock.close()
