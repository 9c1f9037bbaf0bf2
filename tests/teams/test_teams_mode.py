"""Teams mode at the command line: the Runtime builds the Teams adapter and no Slack client,
and the daily sweep runs the platform-neutral jobs (bot.jobs)."""

from __future__ import annotations

import io
from pathlib import Path

from sqlmodel import select

from bot.cli import main
from bot.jobs import all_jobs
from bot.runtime import Runtime
from bot.settings import load_settings
from bot.teams.sender import TeamsSender
from storage.db import Database
from storage.models import Staff
from tests.faketeams import APP_ID, APP_PASSWORD, FakeTeams

TEAMS = {
    "TEAMS_APP_ID": "00000000-0000-0000-0000-00000000a001",
    "TEAMS_APP_PASSWORD": "client-secret",
    "TEAMS_TENANT_ID": "00000000-0000-0000-0000-00000000e001",
}


def test_the_runtime_on_teams_has_the_teams_sender_and_no_slack(db: Database) -> None:
    runtime = Runtime.build(load_settings({**TEAMS, "DATABASE_URL": db.url}, dotenv_path=None),
                            db=db)
    assert runtime.teams is not None and isinstance(runtime.outbox.sender, TeamsSender)
    assert (runtime.client, runtime.notifier) == (None, None)
    # The sweep's platform-neutral jobs (bot.jobs), in their order.
    assert [j.name for j in runtime.jobs] == [j.name for j in all_jobs()]
    assert {
        "vetting renewals", "lapsed vetting", "outside-work reviews", "policy reviews",
        "governance digest", "annual declaration", "code of conduct undertaking",
    } <= {job.name for job in runtime.jobs}
    assert set(runtime.teams.router.commands) >= {"help"}
    runtime.teams.http.close()


def test_the_teams_sweep_runs_only_platform_neutral_jobs() -> None:
    """A job still living in handlers/ would be handed Sweep.notifier None on Teams: none is
    in bot.jobs.all_jobs(), the list the Teams runtime runs."""
    jobs = all_jobs()
    assert jobs and all(j.run.__module__.startswith("bot.jobs.") for j in jobs)
    assert [j.name for j in jobs if j.name in ("chase approvals", "waiting digest")] == [
        "waiting digest",
        "chase approvals",
    ]


def test_reminders_run_on_teams_with_nothing_due(db: Database) -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["reminders", "run", "--today", "2026-11-23", "--at", "10:00"]
    code = main(argv, environ={**TEAMS, "DATABASE_URL": db.url}, stdout=out, stderr=err)
    assert (code, err.getvalue()) == (0, "")
    assert out.getvalue().splitlines()[-1].startswith("Reminded 0 approvers")


def test_staff_import_on_teams_resolves_emails_through_graph(db: Database, tmp_path: Path) -> None:
    """`python -m bot staff import` on Teams: the Runtime's directory is Microsoft Graph, with
    Nolan's own client-credentials token from TEAMS_TOKEN_URL."""
    chart = tmp_path / "staff.csv"
    chart.write_text(
        "email,name,line_manager_email,roles\n"
        "ceo@force.police.uk,Chief Executive,,head_of_office\n"
        "ann@force.police.uk,Ann Smith,ceo@force.police.uk,\n"
    )
    with FakeTeams() as fake:
        fake.add_user("ceo@force.police.uk", "11111111-0000-0000-0000-000000000001")
        fake.add_user("ann@force.police.uk", "11111111-0000-0000-0000-000000000003")
        environ = {
            **TEAMS,
            "TEAMS_APP_ID": APP_ID,
            "TEAMS_APP_PASSWORD": APP_PASSWORD,
            "TEAMS_TOKEN_URL": fake.token_url,
            "TEAMS_GRAPH_URL": fake.graph_url,
            "DATABASE_URL": db.url,
        }
        out, err = io.StringIO(), io.StringIO()
        code = main(["staff", "import", str(chart)], environ=environ, stdout=out, stderr=err)
        assert code == 0, err.getvalue()
        assert len(fake.calls("graph_user")) == 2
        fake.assert_clean()
    with db.session() as session:
        ids = {p.email: p.teams_id for p in session.exec(select(Staff)).all()}
    assert ids == {
        "ceo@force.police.uk": "11111111-0000-0000-0000-000000000001",
        "ann@force.police.uk": "11111111-0000-0000-0000-000000000003",
    }
