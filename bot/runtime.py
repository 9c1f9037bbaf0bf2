"""The one `Runtime`: what the bot (bot.app, bot.server, bot.scheduler) and the command line
(bot.cli) share, built in one place — settings, the database, the Slack client and the
notifier over it, the clock, the features' kinds of declaration, the daily sweep's jobs and
the outbox's delivery worker. So `python -m bot reminders run` and the scheduler inside the
bot run the same jobs, and both deliver what the outbox owes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk import WebClient

import handlers
from bot.notifier import Notifier
from bot.outbox import Worker
from bot.settings import Settings
from bot.slack_client import make_client
from bot.staff_import import Directory
from bot.sweep import Job, SweepReport, run_sweep
from handlers import directory, home
from handlers.outgoing import SlackSender
from handlers.reassign import service as reassign
from storage.db import Database
from storage.staff import ManagerChange
from storage.types import utcnow


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    db: Database
    client: WebClient
    notifier: Notifier
    # Injected so tests drive dates without sleeping.
    clock: Callable[[], datetime]
    # The daily sweep's jobs, gathered from the features (handlers.jobs), in order.
    jobs: tuple[Job, ...]
    # Sends what the outbox owes: on its own thread in the bot (bot.app.build_app starts it,
    # bot.server.drain stops it), and in each sweep, so `reminders run` delivers it too.
    outbox: Worker

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        db: Database | None = None,
        client: WebClient | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> Runtime:
        """`db` and `client` default to those `settings` name (DATABASE_URL, SLACK_API_URL)."""
        handlers.install_kinds()
        client = client or make_client(settings)
        db = db or Database(settings.database_url)
        notifier = Notifier(client)
        return cls(
            settings=settings,
            db=db,
            client=client,
            notifier=notifier,
            clock=clock,
            jobs=tuple(handlers.jobs()),
            outbox=Worker(
                db, SlackSender(db, notifier, policy=settings.policy), office_tz=settings.policy.tz
            ),
        )

    def sweep(self, today: date, now: datetime) -> SweepReport:
        """The daily sweep as of `today` (the office's date), stamped `now`."""
        return run_sweep(
            self.db, self.notifier, self.settings, today, now, jobs=self.jobs, outbox=self.outbox
        )

    def directory(self) -> Directory:
        """The platform's people by email, for the org chart import (bot.staff_import)."""
        return directory.SlackDirectory(self.client)

    def follow_new_managers(
        self, changes: Sequence[ManagerChange], *, warn: Callable[[str], None]
    ) -> int:
        """After an org chart import, waiting approvals follow people's new line managers
        (bot.staff_import)."""
        return reassign.follow_and_announce(
            self.db, self.notifier, changes, now=self.clock(), warn=warn
        )

    def attach_homes(self) -> home.HomeRefresher:
        """Keep each person's Home up to date as the database changes; keep the reference
        (it is watched weakly)."""
        return home.attach(self.db, self.notifier, self.settings, self.clock)
