"""The one Runtime: the bot's scheduler and `python -m bot reminders run` run the same jobs,
every feature's jobs and kinds are gathered, and the approval engine knows only the kinds
installed at composition."""

from __future__ import annotations

import io
import pkgutil
from datetime import UTC, date, datetime
from importlib import import_module

import pytest

import bot.jobs
import handlers
from bot import runtime
from bot.cli import main
from bot.jobs import all_jobs
from bot.outbox import queue
from bot.runtime import Runtime
from bot.scheduler import sweep_job
from bot.settings import Policy, Settings
from bot.sweep import Job, Sweep
from bot.usecases import kinds
from handlers import outgoing
from handlers.notifier import Message
from storage import outbox
from storage.db import Database
from tests.fakeslack import FakeSlack

WEDNESDAY = date(2026, 11, 25)


def _features() -> list[object]:
    return [
        import_module(f"handlers.{m.name}")
        for m in pkgutil.iter_modules(handlers.__path__)
        if m.ispkg
    ]


def test_every_job_a_feature_declares_is_in_the_sweep_once() -> None:
    declared = [
        job
        for m in pkgutil.iter_modules(bot.jobs.__path__)
        for job in getattr(import_module(f"bot.jobs.{m.name}"), "JOBS", [])
    ]
    gathered = all_jobs()
    assert len(declared) >= 12
    assert sorted(j.name for j in gathered) == sorted(j.name for j in declared)
    assert len({j.name for j in gathered}) == len(gathered)


def test_every_kind_a_feature_declares_is_installed() -> None:
    declared = {
        name: kind
        for feature in _features()
        for name, kind in getattr(feature, "KINDS", {}).items()
    }
    assert set(declared) == {"gift", "interest", "outside_work", "notice"}
    handlers.install_kinds()
    for name, kind in declared.items():
        assert kinds.kind_of(name) is kind


def test_an_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(LookupError, match="no kind of declaration 'hamper' is installed"):
        kinds.kind_of("hamper")


def test_the_scheduler_and_the_cli_run_the_same_jobs(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both build their list through the Runtime (bot.jobs.all_jobs): a job the features declare
    runs from either, with nothing else to wire."""
    ran: list[date] = []

    def probe(sweep: Sweep) -> None:
        ran.append(sweep.today)
        sweep.report.did("probed", "Probed.")

    monkeypatch.setattr(
        runtime,
        "all_jobs",
        lambda: [Job("probe", probe, phrases={"probed": ("probed {n}", "probed {n}")})],
    )
    out, err = io.StringIO(), io.StringIO()
    environ = {"SLACK_BOT_TOKEN": "xoxb-runtime", "DATABASE_URL": db.url}
    code = main(
        ["reminders", "run", "--today", "2026-11-24"], environ=environ, stdout=out, stderr=err
    )
    assert (code, err.getvalue()) == (0, "")
    assert out.getvalue() == "Probed.\nProbed 1.\n"

    settings = Settings(slack_bot_token="xoxb-runtime", database_url=db.url, policy=Policy())
    now = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    report = sweep_job(Runtime.build(settings, db=db, clock=lambda: now))
    assert report is not None and report.lines == ["Probed."]
    assert ran == [date(2026, 11, 24), WEDNESDAY]


def test_reminders_run_delivers_what_the_outbox_owes(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No bot running (its worker dead, say): `reminders run` sends what the outbox still
    owes through the Runtime's worker, and a second run sends nothing again."""
    monkeypatch.setitem(
        outgoing.CARDS,
        "probe",
        outgoing.Card(lambda _session, m: outgoing.Drawn(Message(text=m.payload["text"]))),
    )
    with db.session() as session:
        queue(session, "probe", subject="probe:1", recipient="UOWED", text="Still owed")
        session.commit()
    with FakeSlack() as fake:
        environ = {
            "SLACK_BOT_TOKEN": "xoxb-runtime",
            "DATABASE_URL": db.url,
            "SLACK_API_URL": fake.api_url,
        }
        for _ in range(2):
            out, err = io.StringIO(), io.StringIO()
            code = main(
                ["reminders", "run", "--today", "2026-11-24"],
                environ=environ,
                stdout=out,
                stderr=err,
            )
            assert (code, err.getvalue()) == (0, "")
        sent = [(c.args["channel"], c.args["text"]) for c in fake.calls("chat.postMessage")]
    assert sent == [("UOWED", "Still owed")]
    with db.session() as session:
        assert outbox.waiting(session) == 0
