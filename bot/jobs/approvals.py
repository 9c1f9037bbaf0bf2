"""Approvals in the daily sweep: approval cards that never reached their approver are owed
again, and decisions left waiting are chased (working days only): after
ESCALATION_WORKING_DAYS working days without a decision the approver is reminded once; after
as many again the step moves to the next role up, and the original approver and the
declarant are told (issue 3, "Escalation"). Last, whatever the outbox still owes — the
approvals' cards and outcomes first among it — is sent.

The reminder is owed through the outbox (bot.ledger.owe_list): one message per approver,
each step in it under its own key (kind "approval_reminder", subject "step:<id>", the
approver, the day it was owed), in the transaction that takes the step's one reminder
(`reminded_at`, a conditional update). So it is sent exactly once, however many sweeps run;
a send the platform refuses stays owed and each run tries it once more. Its "reminded" audit
entries are written when it is sent (bot.usecases.waiting.record_reminded, each platform's
after-hook). Drawn at send time by each platform (Slack: handlers.approvals.reminders;
Teams: bot.teams.waiting).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from bot.ledger import owe_list
from bot.outbox import describe_failure as problem
from bot.outbox import to_staff
from bot.rules.approvals import Chase, chase
from bot.rules.calendar import add_working_days, working_days_between
from bot.rules.routing import Approver
from bot.rules.status import OutboxStatus
from bot.sweep import Job, Owed, Sweep
from bot.ui.waiting import ReminderItem, as_payload
from bot.usecases import moves
from bot.usecases.declare import reachable
from bot.usecases.escalate import NobodyAbove, escalate, escalation_target
from bot.usecases.kinds import kind_of
from bot.usecases.owed import APPROVAL, step_subject
from bot.usecases.waiting import REMINDER
from storage import chasing as store
from storage import declarations, outbox, reminders, staff
from storage import waiting as waiting_store
from storage.declarations import Record
from storage.reminders import Key

log = logging.getLogger(__name__)

RETRY_DAYS = 31  # how far back a refused reminder is still tried again


def no_account(sweep: Sweep) -> str:
    """Why someone cannot be sent anything, on this deployment's platform."""
    return "no Teams account" if sweep.settings.platform == "teams" else "no Slack account"


# -- approval cards that never arrived ----------------------------------------------------------


def redeliver_cards(sweep: Sweep) -> None:
    """A step whose card never reached its approver (the platform failed after the step was
    stored or moved) is owed it again, the day after — never the same day, when the first
    attempt may still be under way. The outbox sends it with the sweep's other messages.
    Reached: Slack's message is on the step (dm_ts); Teams' is a sent card in the outbox."""
    with sweep.db.session() as session:
        candidates = [
            w
            for w in store.waiting(session)
            if not w.step.dm_ts and sweep.started_on(w.step) < sweep.today
        ]
        reached = waiting_store.cards_reached(
            session, kind=APPROVAL, subjects={step_subject(w.step.id or 0) for w in candidates}
        )
        due = [
            w
            for w in candidates
            if (step_subject(w.step.id or 0), to_staff(w.step.approver_id)) not in reached
            and not _on_its_way_or_there(session, w.step.id or 0, w.step.approver_id)
        ]
        if not due:
            return
        approvers = staff.by_ids(session, ids={w.step.approver_id for w in due})
        sent: list[tuple[str, str]] = []
        for item in due:
            approver = approvers.get(item.step.approver_id)
            if approver is None or not reachable(approver) or not approver.active:
                continue  # no account to send to: nothing a re-send could fix
            assert item.step.id is not None
            moves.owe_card(session, step_id=item.step.id, approver_id=approver.id or 0)
            sent.append((item.reference, approver.display_name))
        session.commit()
    for reference, name in sent:
        sweep.report.did(
            "redelivered",
            f"Re-sent the card for {reference} to {name}, which had not reached them.",
        )


def _on_its_way_or_there(session: Session, step_id: int, approver_id: int) -> bool:
    """The step's newest card is still to go (queued, in back-off, in a worker's hands, or
    parked until its approver installs Nolan on Teams: it goes then) or has gone to its
    approver. Read last, after the step and the cards sent: a worker that recorded the card
    sent in between is seen here, rather than the card read as neither reached nor on its
    way and sent again."""
    newest = outbox.latest(session, kind=APPROVAL, subject=step_subject(step_id))
    if newest is None:
        return False
    sent_to_them = newest.status == OutboxStatus.SENT and newest.recipient == to_staff(approver_id)
    return sent_to_them or newest.status in (*outbox.PENDING, OutboxStatus.PARKED)


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
    reminders_due: dict[int, list[_Due]] = defaultdict(list)
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
                sweep.report.failed(f"could not escalate {item.reference}: {problem(exc)}")
                continue
            if escalated or step.reminded_at is not None:
                continue
            # Nobody above: the approver still gets their one reminder.
        reminders_due[step.approver_id].append(due)
    queued: set[int] = set()
    for approver_id, items in reminders_due.items():
        try:
            queued |= _remind(sweep, approver_id, items)
        except Exception as exc:
            log.warning("Reminding staff %s", approver_id, exc_info=True)
            sweep.report.failed(f"could not remind staff {approver_id}: {problem(exc)}")
    _try_refused_again(sweep, queued)
    sweep.deliver()


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


def _remind(sweep: Sweep, approver_id: int, due: list[_Due]) -> set[int]:
    """Owe one reminder per approver listing each step due one, in the transaction that
    takes each step's reminder (a step another sweep has taken is left out). The id of the
    message owed, if any."""
    limit = sweep.settings.policy.escalation_working_days
    with sweep.db.session() as session:
        approver = staff.by_id(session, staff_id=approver_id)
        if approver is None or not reachable(approver):
            refs = ", ".join(d.item.reference for d in due)
            sweep.report.note(
                f"Cannot remind staff {approver_id} about {refs}: {no_account(sweep)}."
            )
            return set()
        by_step = {d.item.step.id: d for d in due if d.item.step.id is not None}
        claimed = waiting_store.claim_reminders(
            session, step_ids=list(by_step), approver_id=approver_id, at=sweep.now
        )
        if not claimed:
            return set()
        entries: dict[Key, dict[str, Any]] = {}
        for step_id in claimed:
            d = by_step[step_id]
            record = declarations.load_record(session, declaration_id=d.item.step.declaration_id)
            assert record is not None
            item = _reminder_item(sweep, session, record, d, limit)
            key = Key(REMINDER, step_subject(step_id), to_staff(approver_id), sweep.today)
            entries[key] = {
                **as_payload(item),
                "declaration_id": d.item.step.declaration_id,
                "working_days": d.waited,
            }
        owed, taken = owe_list(
            session,
            list(entries),
            REMINDER,
            recipient=to_staff(approver_id),
            due_at=sweep.now,
            payload=lambda keys: {
                "approver_id": approver_id,
                "limit_days": limit,
                "items": [entries[k] for k in keys],
            },
        )
        session.commit()
        name = approver.display_name
    if owed is None:
        return set()
    refs = ", ".join(entries[k]["reference"] for k in taken)
    sweep.owe(
        Owed(
            owed,
            "reminded",
            f"Reminded {name} about {refs}.",
            failed=f"could not remind {name} about {refs}",
        )
    )
    return {owed}


def _reminder_item(
    sweep: Sweep, session: Session, record: Record, due: _Due, limit: int
) -> ReminderItem:
    step = next(s for s in record.steps if s.id == due.item.step.id)
    target = escalation_target(
        session,
        step,
        declarant_id=due.item.declarant_id,
        named_staff_id=due.item.named_staff_id,
        org=sweep.org,
    )
    next_name = None
    if isinstance(target, Approver):
        person = staff.by_id(session, staff_id=target.person_id)
        next_name = person.display_name if person else None
    return ReminderItem(
        step_id=step.id or 0,
        reference=record.declaration.reference or "",
        what=kind_of(record.declaration.kind).describe(record),
        declarant=record.declarant.display_name,
        waiting_since=due.started,
        escalates_on=add_working_days(due.started, 2 * limit),
        next_name=next_name,
        deputy_for=record.name_of(step.delegated_from_id) if step.delegated_from_id else None,
    )


def _try_refused_again(sweep: Sweep, queued: set[int]) -> None:
    """Reminders an earlier run owed and the platform refused are tried once more now."""
    with sweep.db.session() as session:
        owed = reminders.owed_keys(
            session, kinds=(REMINDER,), since=sweep.today - timedelta(days=RETRY_DAYS)
        )
        ids = sorted({i for i in owed.values() if i is not None} - queued)
        rows = outbox.by_ids(session, ids=ids)
        refused = {
            i: r for i, r in rows.items() if r.status in (OutboxStatus.FAILED, OutboxStatus.DEAD)
        }
        people = staff.by_ids(
            session, ids={int(r.recipient.removeprefix("staff:")) for r in refused.values()}
        )
    for row_id, row in sorted(refused.items()):
        person = people.get(int(row.recipient.removeprefix("staff:")))
        name = person.display_name if person else row.recipient
        sweep.owe(
            Owed(
                row_id,
                "reminded",
                f"Reminded {name}: a reminder that had failed before.",
                failed=f"could not remind {name}",
            )
        )


def deliver_owed(sweep: Sweep) -> None:
    """Whatever the outbox still owes (a worker that died, the platform down for a while)
    goes now, through the runtime's worker: the bot's runs all day, and `reminders run` has
    no other. As of the sweep's time, so `reminders run --at 08:00` sends what Teams held
    until the morning."""
    if sweep.outbox is not None:
        sweep.outbox.run_once(at=sweep.now)


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
# In all_jobs() the waiting-decisions digest runs between the first two (bot.jobs.waiting),
# and the messages owed go after every other job.
JOBS = [REDELIVER, CHASE, DELIVER]
