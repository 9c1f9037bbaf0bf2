"""Housekeeping in the daily sweep: the Home refreshes done with leave the outbox.

A Home refresh is an outbox row owed after every change to each person concerned who is
looking at their Home (bot.usecases.homes). Once it has gone, nothing reads it again but the
newest with a place (Teams' Home card): kept HOME_REFRESHES_KEPT, for an operator looking
into a day's delivery, then removed (storage.outbox_prune), a batch to a transaction.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.outbox import describe_failure as problem
from bot.sweep import Job, Sweep
from storage.outbox_prune import prune_homes

log = logging.getLogger(__name__)

HOME_REFRESHES_KEPT = timedelta(days=7)


def prune_home_refreshes(sweep: Sweep) -> None:
    """Remove the Home refreshes done with and older than HOME_REFRESHES_KEPT; a failure
    keeps what was removed before it, and the next sweep goes on."""
    before, after, removed = sweep.now - HOME_REFRESHES_KEPT, 0, 0
    try:
        while True:
            with sweep.db.session(durable=False) as session:
                pruned = prune_homes(session, before=before, after=after)
                session.commit()
            removed += pruned.removed
            if pruned.after is None:
                break
            after = pruned.after
    except Exception as exc:
        log.warning("Pruning the Home refreshes", exc_info=True)
        sweep.report.failed(f"could not remove old Home refreshes from the outbox: {problem(exc)}")
    if removed:
        days = HOME_REFRESHES_KEPT.days
        sweep.report.did(
            "home_refreshes_pruned",
            f"Removed {removed} Home refreshes done with more than {days} days ago.",
            n=removed,
        )


JOBS = [
    Job(
        "outbox housekeeping",
        prune_home_refreshes,
        phrases={
            "home_refreshes_pruned": (
                "removed {n} old Home refresh from the outbox",
                "removed {n} old Home refreshes from the outbox",
            ),
        },
    ),
]
