"""Approvals in the daily sweep: approval cards that never reached their approver are sent
again, and decisions left waiting are chased (working days only): after
ESCALATION_WORKING_DAYS working days without a decision the approver is reminded once; after
as many again the step moves to the next role up, and the original approver and the
declarant are told (issue 3, "Escalation"). Last, whatever the outbox still owes — the
approvals' cards and outcomes first among it — is sent."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from bot.rules.approvals import Chase, chase
from bot.rules.calendar import add_working_days, working_days_between
from bot.rules.routing import Approver
from bot.sweep import Job, Sweep
from bot.usecases import moves
from bot.usecases.escalate import NobodyAbove, escalate, escalation_target
from bot.usecases.owed import APPROVAL, step_subject
from handlers.approvals import chasing
from storage import audit, declarations, outbox, staff
from storage import chasing as store

log = logging.getLogger(__name__)


# -- approval cards that never arrived ----------------------------------------------------------


def redeliver_cards(sweep: Sweep) -> None:
    """A step whose card never reached its approver (Slack failed after the step was stored
    or moved) is owed it again, the day after — never the same day, when the first attempt
    may still be under way. The outbox sends it with the sweep's other messages."""
    with sweep.db.session() as session:
        due = [
            w
            for w in store.waiting(session)
            if not w.step.dm_ts
            and sweep.started_on(w.step) < sweep.today
            and not outbox.on_its_way(session, kind=APPROVAL, subject=step_subject(w.step.id))
        ]
        if not due:
            return
        approvers = staff.by_ids(session, ids={w.step.approver_id for w in due})
        sent: list[tuple[str, str]] = []
        for item in due:
            approver = approvers.get(item.step.approver_id)
            if approver is None or not approver.slack_user_id or not approver.active:
                continue  # no Slack account to send to: nothing a re-send could fix
            assert item.step.id is not None
            moves.owe_card(session, step_id=item.step.id, approver_id=approver.id or 0)
            sent.append((item.reference, approver.display_name))
        session.commit()
    for reference, name in sent:
        sweep.report.did(
            "redelivered",
            f"Re-sent the card for {reference} to {name}, which had not reached them.",
        )


# -- chasing ---------------------------------------------------------------------------------


@dataclass
class _Due:
    item: store.Waiting
    waited: int
    started: date


def chase_approvals(sweep: Sweep) -> None:
    """Remind once at N working days; escalate at 2N (bot.rules.approvals.chase)."""
    limit = sweep.settings.policy.escalation_working_days
    with sweep.db.session() as session:
        waiting = store.waiting(session)
        asked = store.awaiting_answers(session)
    reminders: dict[int, list[_Due]] = defaultdict(list)
    for item in waiting:
        step = item.step
        if step.id in asked:
            continue
        started = sweep.started_on(step)
        what = chase(started, sweep.today, limit_days=limit, reminded=step.reminded_at is not None)
        if what is Chase.NOTHING:
            continue
        due = _Due(item, working_days_between(started, sweep.today), started)
        if what is Chase.ESCALATE:
            try:
                escalated = _escalate(sweep, due)
            except Exception as exc:
                log.warning("Escalating step %s", step.id, exc_info=True)
                sweep.report.failed(f"could not escalate {item.reference}: {chasing.problem(exc)}")
                continue
            if escalated or step.reminded_at is not None:
                continue
            # Nobody above: the approver still gets their one reminder.
        reminders[step.approver_id].append(due)
    for approver_id, items in reminders.items():
        try:
            _remind(sweep, approver_id, items)
        except Exception as exc:
            log.warning("Reminding staff %s", approver_id, exc_info=True)
            sweep.report.failed(f"could not remind staff {approver_id}: {chasing.problem(exc)}")


def _escalate(sweep: Sweep, due: _Due) -> bool:
    """Move the step up (bot.usecases.escalate); False when there is no one above."""
    item = due.item
    assert item.step.id is not None
    with sweep.db.session() as session:
        done = escalate(
            session,
            step_id=item.step.id,
            approver_id=item.step.approver_id,
            waited=due.waited,
            waiting_since=due.started,
            org=sweep.org,
            now=sweep.now,
        )
    if isinstance(done, NobodyAbove):
        sweep.report.note(
            f"{item.reference} has waited {due.waited} working days with {done.holder_name}, "
            "and there is no one above to escalate it to."
        )
        return False
    if done is not None:
        sweep.report.did(
            "escalated",
            f"Escalated {item.reference} from {done.from_name} to {done.to_name} "
            f"({due.waited} working days without a decision).",
        )
        for failure in moves.send_now(sweep.db, sweep.outbox, done.owed):
            sweep.report.failed(f"{item.reference}: {failure}")
    return True


def _remind(sweep: Sweep, approver_id: int, due: list[_Due]) -> None:
    """One reminder DM per approver, listing each step due one. Each step is claimed first
    (conditional UPDATE, committed); if the DM fails the claims are given back."""
    limit = sweep.settings.policy.escalation_working_days
    with sweep.db.session() as session:
        approver = staff.by_id(session, staff_id=approver_id)
        if approver is None or not approver.slack_user_id:
            refs = ", ".join(d.item.reference for d in due)
            sweep.report.note(f"Cannot remind staff {approver_id} about {refs}: no Slack account.")
            return
        claimed: list[_Due] = []
        for d in due:
            assert d.item.step.id is not None
            if store.claim_reminder(
                session, step_id=d.item.step.id, approver_id=approver_id, at=sweep.now
            ):
                claimed.append(d)
        session.commit()
        if not claimed:
            return
        claimed_ids = [d.item.step.id for d in claimed if d.item.step.id is not None]
        try:
            items = []
            for d in claimed:
                assert d.item.step.id is not None
                record = declarations.load_record(
                    session, declaration_id=d.item.step.declaration_id
                )
                assert record is not None
                step = next(s for s in record.steps if s.id == d.item.step.id)
                target = escalation_target(
                    session,
                    step,
                    declarant_id=d.item.declarant_id,
                    named_staff_id=d.item.named_staff_id,
                    org=sweep.org,
                )
                next_name = None
                if isinstance(target, Approver):
                    next_name = _name(session, target.person_id)
                items.append(
                    chasing.reminder_item(
                        record,
                        d.item.step.id,
                        waiting_since=d.started,
                        escalates_on=add_working_days(d.started, 2 * limit),
                        next_name=next_name,
                    )
                )
            chasing.send_reminder(sweep.notifier, approver.slack_user_id, items, limit)
        except Exception as exc:
            log.warning("Reminding %s", approver.display_name, exc_info=True)
            session.rollback()
            store.release_reminders(session, step_ids=claimed_ids, approver_id=approver_id)
            session.commit()
            refs = ", ".join(d.item.reference for d in claimed)
            sweep.report.failed(
                f"could not remind {approver.display_name} about {refs}: {chasing.problem(exc)}"
            )
            return
        for d in claimed:
            audit.record(
                session,
                action="reminded",
                declaration_id=d.item.step.declaration_id,
                step_id=d.item.step.id,
                approver_id=approver_id,
                working_days=d.waited,
            )
        session.commit()
    refs = ", ".join(d.item.reference for d in claimed)
    sweep.report.did("reminded", f"Reminded {approver.display_name} about {refs}.")


def deliver_owed(sweep: Sweep) -> None:
    """Whatever the outbox still owes (a worker that died, Slack down for a while) goes now,
    through the runtime's worker: the bot's runs all day, and `reminders run` has no other."""
    if sweep.outbox is not None:
        sweep.outbox.run_once()


def _name(session: Session, staff_id: int) -> str | None:
    person = staff.by_id(session, staff_id=staff_id)
    return person.display_name if person else None


REDELIVER = Job(
    "re-send approval cards",
    redeliver_cards,
    phrases={"redelivered": ("re-sent {n} approval card", "re-sent {n} approval cards")},
)
CHASE = Job(
    "chase approvals",
    chase_approvals,
    working_days_only=True,
    phrases={
        "reminded": ("reminded {n} approver", "reminded {n} approvers"),
        "escalated": ("escalated {n} step", "escalated {n} steps"),
    },
)
DELIVER = Job("messages owed", deliver_owed)
# In handlers.jobs() the waiting-decisions digest runs between the first two
# (handlers.waiting), and the messages owed go after every other job.
JOBS = [REDELIVER, CHASE, DELIVER]
