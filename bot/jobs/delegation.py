"""Delegation in the daily sweep: a delegation ends by itself after its last day, and one set
up in advance takes over its delegator's waiting steps on its first day."""

from __future__ import annotations

import logging

from bot.outbox import describe_failure as problem
from bot.sweep import Job, Sweep
from bot.ui.text import long_day
from bot.usecases import delegate
from bot.usecases.moves import send_now
from storage import chasing as store
from storage import delegations, staff

log = logging.getLogger(__name__)


def end_expired_delegations(sweep: Sweep) -> None:
    """A delegation ends by itself after its last day: what the deputy still holds goes back
    (bot.usecases.delegate.end_expired; the outbox tells the people concerned)."""
    with sweep.db.session() as session:
        due = [d.id for d in delegations.expired(session, on=sweep.today) if d.id is not None]
    for delegation_id in due:
        try:
            with sweep.db.session() as session:
                ended = delegate.end_expired(session, delegation_id=delegation_id, now=sweep.now)
                if ended is None:
                    continue  # ended meanwhile by the delegator, or by another sweep
                d = ended.delegation
                people = staff.by_ids(session, ids={d.delegator_id, d.deputy_id})
            delegator, deputy = people[d.delegator_id], people[d.deputy_id]
            n = len(ended.moves)
            sweep.report.did(
                "delegations_ended",
                f"Ended {delegator.display_name}'s delegation to {deputy.display_name} (last "
                f"day {long_day(d.ends_on)}); {n} waiting step{'' if n == 1 else 's'} back "
                f"with {delegator.display_name}.",
            )
            for failure in send_now(sweep.db, sweep.outbox, ended.owed):
                sweep.report.failed(failure)
        except Exception as exc:
            log.warning("Delegation %s", delegation_id, exc_info=True)
            sweep.report.failed(f"could not end delegation {delegation_id}: {problem(exc)}")


def hand_over_to_deputies(sweep: Sweep) -> None:
    """Delegations in force whose delegator still holds waiting steps (one that started
    today, having been set up in advance): those steps move to the deputy."""
    with sweep.db.session() as session:
        in_force = {d.delegator_id: d for d in delegations.in_force(session, on=sweep.today)}
        if not in_force:
            return
        waiting = store.waiting(session)
    due: set[int] = set()
    for item in waiting:
        step = item.step
        owner = step.delegated_from_id or step.approver_id
        delegation = in_force.get(owner)
        if delegation is None or step.approver_id == delegation.deputy_id:
            continue
        if delegation.deputy_id in (item.declarant_id, item.named_staff_id):
            continue  # nobody decides their own: it stays with the delegator
        due.add(owner)
    for delegator_id in sorted(due):
        delegation = in_force[delegator_id]
        try:
            with sweep.db.session() as session:
                people = staff.by_ids(session, ids={delegator_id, delegation.deputy_id})
                delegator, deputy = people[delegator_id], people[delegation.deputy_id]
                moves, owed = delegate.hand_over_due(
                    session,
                    delegation=delegation,
                    delegator_name=delegator.display_name,
                    now=sweep.now,
                )
            if not moves:
                continue
            sweep.report.did(
                "handed_over",
                f"Moved {len(moves)} waiting step{'' if len(moves) == 1 else 's'} from "
                f"{delegator.display_name} to their deputy {deputy.display_name}.",
                n=len(moves),
            )
            for failure in send_now(sweep.db, sweep.outbox, owed):
                sweep.report.failed(failure)
        except Exception as exc:
            log.warning("Hand-over for %s", delegator_id, exc_info=True)
            sweep.report.failed(
                f"could not hand over steps of staff {delegator_id}: {problem(exc)}"
            )


JOBS = [
    Job(
        "end delegations",
        end_expired_delegations,
        phrases={"delegations_ended": ("ended {n} delegation", "ended {n} delegations")},
    ),
    Job(
        "hand over to deputies",
        hand_over_to_deputies,
        phrases={
            "handed_over": (
                "handed {n} waiting step to a deputy",
                "handed {n} waiting steps to deputies",
            )
        },
    ),
]
