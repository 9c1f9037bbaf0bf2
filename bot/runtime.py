"""The one `Runtime`: what the bot (bot.app, bot.server, bot.scheduler) and the command line
(bot.cli) share, built in one place — settings, the database, the Slack client and the
notifier over it, the clock, the features' kinds of declaration, the daily sweep's jobs and
the outbox's delivery worker; on Teams (TEAMS_APP_ID set), the Teams adapter in place of the
Slack client and notifier. So `python -m bot reminders run` and the scheduler inside the
bot run the same jobs, and both deliver what the outbox owes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from slack_sdk import WebClient

import handlers
from bot import making
from bot.jobs import all_jobs
from bot.outbox import Worker
from bot.settings import Settings
from bot.slack_client import make_client
from bot.sweep import Job, SweepReport, run_sweep
from bot.usecases import homes, reassign
from bot.usecases.moves import send_now
from handlers import directory, home
from handlers.notifier import Notifier
from handlers.outgoing import SlackSender
from storage.db import Database
from storage.org_import import ManagerChange
from storage.types import utcnow

if TYPE_CHECKING:  # loaded only when used: Teams' adapter on Teams, the import's CLI
    from bot.staff_import import Directory
    from bot.teams.adapter import TeamsAdapter
    from bot.ui.home_model import Pages


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    db: Database
    client: WebClient | None  # None on Teams
    notifier: Notifier | None  # None on Teams
    # Injected so tests drive dates without sleeping.
    clock: Callable[[], datetime]
    # The daily sweep's jobs (bot.jobs.all_jobs), in order: the same on both platforms.
    jobs: tuple[Job, ...]
    # Sends what the outbox owes: on its own thread in the bot (bot.app.build_app starts it,
    # bot.server.drain stops it; in HTTP mode, in the delivery process: bot.delivery_process),
    # and in each sweep, so `reminders run` delivers it too.
    outbox: Worker
    teams: TeamsAdapter | None = None  # on Teams only

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        db: Database | None = None,
        client: WebClient | None = None,
        clock: Callable[[], datetime] = utcnow,
        teams: TeamsAdapter | None = None,
    ) -> Runtime:
        """`db` and `client` default to those `settings` name (DATABASE_URL, SLACK_API_URL);
        `teams` to the adapter they name (bot.playground passes its own)."""
        handlers.install_kinds()
        db = db or Database(settings.database_url, threads=settings.request_threads)
        merging = timedelta(seconds=settings.home_refresh_seconds)  # the Homes' (attach_homes)
        making.configure(db, settings)  # exports and reports are made with these
        if settings.platform == "teams":
            # No Slack client: the sweep's jobs are those that only queue in the outbox.
            from bot.teams.adapter import TeamsAdapter

            teams = teams or TeamsAdapter.build(settings, db, clock)
            outbox = Worker(
                db, teams.sender, office_tz=settings.policy.tz, merging=merging, drawn_as_of=clock
            )
            return cls(settings, db, None, None, clock, tuple(all_jobs()), outbox, teams)
        client = client or make_client(settings)
        notifier = Notifier(client)
        return cls(
            settings=settings,
            db=db,
            client=client,
            notifier=notifier,
            clock=clock,
            jobs=tuple(all_jobs()),
            outbox=Worker(
                db,
                SlackSender(db, notifier, policy=settings.policy),
                office_tz=settings.policy.tz,
                merging=merging,
                drawn_as_of=clock,  # a reminder's working hours and "in 7 days", as of it
            ),
        )

    def sweep(self, today: date, now: datetime) -> SweepReport:
        """The daily sweep as of `today` (the office's date), stamped `now`."""
        return run_sweep(
            self.db, self.settings, today, now, jobs=self.jobs, outbox=self.outbox
        )

    def directory(self) -> Directory:
        """The platform's people by email, for the org chart import (bot.staff_import): Slack's
        users, or on Teams Microsoft Graph's (emails to Entra object ids)."""
        if self.teams is not None:
            url = self.settings.teams_graph_url
            from bot.teams.graph import GraphDirectory
            from bot.teams.tokens import graph_scope

            return GraphDirectory(url, self.teams.tokens.token, scope=graph_scope(url))
        return directory.SlackDirectory(self._slack().client)

    def follow_new_managers(
        self, changes: Sequence[ManagerChange], *, warn: Callable[[str], None]
    ) -> int:
        """After an org chart import, waiting approvals follow people's new line managers
        (bot.staff_import)."""
        with self.db.session() as session:
            followed = reassign.follow_new_managers(session, changes, now=self.clock())
        # The import is its own process: what it owes goes now.
        for line in send_now(self.db, self.outbox, followed.owed):
            warn(line)
        return len(followed.moves)

    def attach_homes(self, *, at_once: bool = False, told: homes.Shown | None = None) -> Homes:
        """Keep each person's Home up to date as the database changes: the refresher queues
        a refresh in the outbox for everyone a change concerns who looked at their Home within
        HOME_WATCH_HOURS (Slack's tab opened, Teams' card shown: either draws it afresh), due
        HOME_REFRESH_SECONDS later (`at_once`: due at once, for a run that sends what it owes
        before it exits), and the platform's sender draws it (Slack's end publishes it;
        Teams' drawer replaces the Home card). `told`: where the Homes shown here at once
        are told, when another process draws the refreshes (bot.delivery_process). Keep the
        reference (both are held weakly)."""
        slack = None
        if self.teams is None:
            slack = home.attach(self.db, self._slack().notifier, self.settings, self.clock)
            slack.told = told
        else:
            from bot.teams import home_flow

            home_flow.tell(told)
        delay = timedelta(0) if at_once else self.outbox.merging
        hours = self.settings.home_watch_hours
        watched = timedelta(hours=hours) if hours else None
        refresher = homes.HomeRefresher(
            self.db, delay=delay, now=self.outbox.now, watched=watched, opened_by=self.clock
        )
        return Homes(refresher=refresher.watch(), slack=slack)

    def _slack(self) -> _Slack:
        """The Slack client and notifier, for what only Slack does so far."""
        if self.client is None or self.notifier is None:
            raise RuntimeError("this needs Slack; Nolan runs on Teams here (TEAMS_APP_ID)")
        return _Slack(self.client, self.notifier)


@dataclass(frozen=True)
class _Slack:
    client: WebClient
    notifier: Notifier


@dataclass(frozen=True)
class Homes:
    """The Home refreshes' two ends: queueing them (platform-neutral), drawing them (Slack's
    end; None on Teams, whose drawer needs nothing attached)."""

    refresher: homes.HomeRefresher
    slack: home.SlackHomes | None

    def shown(self, key: str, pages: Pages, digest: bytes | None) -> None:
        """A Home another process showed at once (a homes.Shown): the refreshes drawn here
        keep its pages (and on Slack know it is what the person sees)."""
        if self.slack is not None:
            self.slack.shown(key, pages, digest)
        elif key.isdigit():
            from bot.teams import home_flow

            home_flow.shown(int(key), pages)
