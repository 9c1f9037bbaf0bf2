"""The delivery process (DELIVERY_PROCESS; on unless set off, on either database): in HTTP mode,
the outbox's delivery worker and the daily sweep's scheduler run in one process of their own
beside the HTTP processes (bot.processes), which then run neither.

Why: acks no longer share one interpreter (one core at a time) with drawing and sending
messages; one worker keeps the platform's pace (bot.pacing), so Teams' limit per tenant holds
however many HTTP processes there are; and one process publishes the Home refreshes, so the
Slack end's digest of the Home it last published (handlers.home.publish) is valid.

Waking it and telling it what the HTTP processes showed: bot.bell.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot.bell import answer
from bot.collector import settle
from bot.runtime import Runtime
from bot.serve import Sweep, check_slack, stoppable_sleep, wait_for_slack
from bot.settings import Settings
from bot.slack_client import SlackFailure
from bot.stopping import begin_stopping, stop_on_signals
from storage import outbox
from storage.db import Database

log = logging.getLogger("nolan")


def deliver(
    settings: Settings,
    db: Database,
    *,
    bell: int,
    serving: Callable[[], None],
    err: TextIO,
    retake_before: datetime | None = None,
) -> int:
    """The delivery process until SIGTERM or Ctrl-C: the worker sends at once (what an
    earlier process left unsent too); the sweep starts once Slack is reached (its catch-up
    run sends DMs; a token Slack refuses: one line, exit 1), on Teams at once. Stopping
    finishes the message in hand. `retake_before`: this process replaces one that died
    then, whose claims are put back at once rather than left to go stale (STALE_CLAIM)."""
    runtime = Runtime.build(settings, db=db)
    stop_on_signals(once=True)
    if retake_before is not None:
        with db.session() as session:
            released = outbox.release(session, claimed_before=retake_before)
            session.commit()
        if released:
            log.info(
                "Put back %d message%s the stopped delivery process had in hand",
                released, "" if released == 1 else "s",
            )
    homes = runtime.attach_homes()  # watched weakly: kept while delivering
    settle()
    worker = runtime.outbox.start()
    listen = threading.Thread(target=answer, args=(bell, worker, homes), name="nolan-bell")
    listen.daemon = True
    listen.start()
    sweep = Sweep(runtime)
    try:
        serving()
        if runtime.teams is None:
            wait_for_slack(lambda: check_slack(settings), sleep=stoppable_sleep)
            log.info("Slack reached at %s by the delivery process", settings.slack_api_url)
        sweep.start()
        threading.Event().wait()
    except SlackFailure as failure:
        print(f"nolan: error: {failure.line}", file=err)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        begin_stopping()  # later signals have nothing to break into
        log.info("Stopping")
        sweep.stop()
        worker.stop()
        if runtime.teams is not None:
            runtime.teams.http.close()
    return 0
