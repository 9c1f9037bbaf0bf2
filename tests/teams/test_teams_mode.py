"""Teams mode at the command line: the Runtime builds the Teams adapter and no Slack client,
and what only Slack does so far is refused in one line, not a traceback."""

from __future__ import annotations

import io

import pytest

from bot.cli import main
from bot.runtime import Runtime
from bot.settings import load_settings
from bot.teams.sender import TeamsSender
from storage.db import Database

TEAMS = {
    "TEAMS_APP_ID": "00000000-0000-0000-0000-00000000a001",
    "TEAMS_APP_PASSWORD": "client-secret",
    "TEAMS_TENANT_ID": "00000000-0000-0000-0000-00000000e001",
}


def test_the_runtime_on_teams_has_the_teams_sender_and_no_slack(db: Database) -> None:
    runtime = Runtime.build(load_settings({**TEAMS, "DATABASE_URL": db.url}, dotenv_path=None),
                            db=db)
    assert runtime.teams is not None and isinstance(runtime.outbox.sender, TeamsSender)
    assert (runtime.client, runtime.notifier, runtime.jobs) == (None, None, ())
    assert set(runtime.teams.router.commands) >= {"help"}
    runtime.teams.http.close()


@pytest.mark.parametrize("argv", [["reminders", "run"], ["staff", "import", "org.csv"]])
def test_commands_only_slack_has_yet_are_refused_in_one_line(db: Database, argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, environ={**TEAMS, "DATABASE_URL": db.url}, stdout=out, stderr=err)
    assert code == 2
    assert err.getvalue() == f"nolan: error: {argv[0]} is not available on Teams yet\n"
