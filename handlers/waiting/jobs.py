"""The sweep's waiting-decisions job: each working morning, every approver with decisions
waiting more than a day gets one digest DM listing them, each with its decision buttons.

How it fits with the escalation chase (handlers.approvals.jobs, issue 3), which runs right
after it and sends a one-off reminder at ESCALATION_WORKING_DAYS working days:

- an item due its reminder today goes in the digest, marked as the reminder, with when and to
  whom it escalates; the digest takes the step's reminder (the same conditional update on
  `reminded_at` the chase uses) just before it is sent, so the chase finds it reminded and
  the approver gets one message that morning, not two. If the digest cannot be sent the
  reminder is given back and the chase sends its own;
- an item the chase escalates this morning is left out (it is about to move, and the chase
  tells the approver it has); one with nobody above to go to stays in;
- an item whose approver asked the member of staff a question is left out, as the chase
  leaves it: the approver is waiting on the answer.

Exactly once: one digest per approver per day, through the reminder ledger (bot.ledger,
key "waiting_digest", "approver:<id>", the approver's Slack id, today). Everything is loaded
in a constant number of queries (handlers.waiting.store); per digest there are the ledger's
claim and mark, one update taking the reminders it carries, and their audit entries.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.ledger import send_once
from bot.notifier import Posted
from bot.rules.approvals import Chase, chase
from bot.rules.calendar import add_working_days, working_days_between
from bot.rules.routing import Approver, NoApprover, step_escalation_target
from bot.sweep import Job, Sweep
from bot.usecases.kinds import kind_of
from handlers.approvals import chasing
from handlers.waiting import store
from handlers.waiting.messages import DigestItem, digest_message
from storage import audit, staff
from storage import chasing as chase_store
from storage.models import Staff
from storage.reminders import Key, sent_keys

log = logging.getLogger(__name__)

KIND = "waiting_digest"
# "Decisions waiting longer than a day" (issue 4), counted from when the step came to the
# approver (a move restarts it, as it restarts escalation). A day or more, so a step that came
# at one morning's sweep (a hand-over to a deputy) is in the next morning's digest.
WAITED = timedelta(days=1)
REFS_IN_A_LINE = 10


@dataclass
class _Entry:
    item: DigestItem
    declaration_id: int
    remind: bool  # its escalation reminder is due and goes in this digest
    next_id: int | None  # who it goes to if still waiting (named once everyone is loaded)


def send_digests(sweep: Sweep) -> None:
    """The job (working days only): one digest per approver with anything waiting."""
    limit = sweep.settings.policy.escalation_working_days
    with sweep.db.session() as session:
        snapshot = store.load(session)
        sent = sent_keys(session, kinds=(KIND,), since=sweep.today)
    pending: dict[int, set[int]] = defaultdict(set)
    for w in snapshot.waiting:
        pending[w.step.declaration_id].add(w.step.approver_id)
    due: dict[int, list[_Entry]] = defaultdict(list)
    for w in snapshot.waiting:
        approver = snapshot.people.get(w.step.approver_id)
        if approver is not None and _key(approver, sweep.today) in sent:
            continue  # already sent today: nothing to work out
        entry = _entry(sweep, snapshot, w, pending, limit)
        if entry is not None:
            due[w.step.approver_id].append(entry)
    _name_next(sweep, snapshot, [e for entries in due.values() for e in entries])
    for approver_id, entries in due.items():
        try:
            _send(sweep, approver_id, snapshot.people.get(approver_id), entries)
        except Exception as exc:  # one approver's digest must not stop the others'
            log.warning("Digest for staff %s", approver_id, exc_info=True)
            sweep.report.failed(
                f"could not send the digest of decisions waiting to staff {approver_id}: "
                f"{chasing.problem(exc)}"
            )


def _key(approver: Staff, today: date) -> Key:
    return Key(KIND, f"approver:{approver.id}", approver.slack_user_id or "", today)


def _target(
    sweep: Sweep, snapshot: store.Snapshot, w: store.WaitingStep, pending: dict[int, set[int]]
) -> Approver | NoApprover:
    """Where the chase would escalate the step, from what the snapshot holds."""
    step = w.step
    return step_escalation_target(
        approver_id=step.approver_id,
        delegated_from_id=step.delegated_from_id,
        declarant_id=w.record.declaration.declarant_id,
        named_staff_id=w.record.declaration.named_staff_id,
        holding_waiting_steps=pending[step.declaration_id],
        previous_holders=snapshot.previous.get(step.id or 0, set()),
        org=sweep.org,
    )


def _entry(
    sweep: Sweep,
    snapshot: store.Snapshot,
    w: store.WaitingStep,
    pending: dict[int, set[int]],
    limit: int,
) -> _Entry | None:
    step, record = w.step, w.record
    if step.id is None or step.id in snapshot.asked:
        return None
    started_at = step.clock_started_at or step.created_at
    started = sweep.local_day(started_at)
    what = chase(started, sweep.today, limit_days=limit, reminded=step.reminded_at is not None)
    target = _target(sweep, snapshot, w, pending)
    if what is Chase.ESCALATE and isinstance(target, Approver):
        return None  # the chase moves it up this morning
    # Reminded today already: by this digest in a run that died before sending it.
    reminded_today = (
        step.reminded_at is not None and sweep.local_day(step.reminded_at) == sweep.today
    )
    remind = (what is not Chase.NOTHING and step.reminded_at is None) or reminded_today
    if not remind and sweep.now - started_at < WAITED:
        return None
    going = isinstance(target, Approver)
    item = DigestItem(
        step_id=step.id,
        reference=record.declaration.reference or "",
        purpose=step.purpose,
        what=kind_of(record.declaration.kind).describe(record),
        declarant=record.declarant.display_name,
        waiting_since=started,
        working_days=working_days_between(started, sweep.today),
        escalates_on=add_working_days(started, 2 * limit) if going else None,
        reminder=remind,
        deputy_for=record.name_of(step.delegated_from_id) if step.delegated_from_id else None,
    )
    return _Entry(item, step.declaration_id, remind, target.person_id if going else None)


def _name_next(sweep: Sweep, snapshot: store.Snapshot, entries: list[_Entry]) -> None:
    """Name who each item goes to next; those the waiting declarations do not name (the
    approver's own manager, say) are loaded together, in one query per thousand."""
    people = dict(snapshot.people)
    missing = sorted({e.next_id for e in entries if e.next_id and e.next_id not in people})
    for i in range(0, len(missing), 1000):
        with sweep.db.session() as session:
            people |= staff.by_ids(session, ids=set(missing[i : i + 1000]))
    for e in entries:
        person = people.get(e.next_id) if e.next_id else None
        if person is not None:
            e.item = replace(e.item, next_name=person.display_name)
        else:
            e.item = replace(e.item, escalates_on=None)


def _refs(entries: Sequence[_Entry]) -> str:
    refs = [e.item.reference for e in entries]
    shown = ", ".join(refs[:REFS_IN_A_LINE])
    more = len(refs) - REFS_IN_A_LINE
    return shown if more <= 0 else f"{shown} and {more} more"


def _send(sweep: Sweep, approver_id: int, approver: Staff | None, entries: list[_Entry]) -> None:
    name = approver.display_name if approver else f"staff {approver_id}"
    if approver is None or not approver.active or not approver.slack_user_id:
        sweep.report.note(
            f"Cannot send {name} the digest of decisions waiting ({_refs(entries)}): no Slack "
            "account."
        )
        return
    slack_id, tz = approver.slack_user_id, approver.tz
    entries.sort(key=lambda e: (e.item.waiting_since, e.item.reference))
    message = digest_message([e.item for e in entries])
    claimed: list[int] = []
    problems: list[str] = []

    def send() -> Posted | None:
        # Take the reminders the digest carries first (committed), so a chase in another
        # process running now finds them taken; give them back if Slack refuses.
        with sweep.db.session() as session:
            claimed[:] = store.claim_reminders(
                session,
                step_ids=[e.item.step_id for e in entries if e.remind],
                approver_id=approver_id,
                at=sweep.now,
            )
            session.commit()
        try:
            return sweep.notifier.dm_in_hours(slack_id, message, tz=tz, now=sweep.now)
        except Exception as exc:
            problems.append(chasing.problem(exc))
            with sweep.db.session() as session:
                chase_store.release_reminders(session, step_ids=claimed, approver_id=approver_id)
                session.commit()
            raise

    result = send_once(sweep.db, _key(approver, sweep.today), send, now=sweep.now)
    if result.error is not None:
        why = problems[0] if problems else result.error
        sweep.report.failed(f"could not send {name} the digest of decisions waiting: {why}")
        return
    if not result.sent:
        return  # sent already, or another sweep is sending it right now
    reminded = [e for e in entries if e.item.step_id in claimed]
    if reminded:
        with sweep.db.session() as session:
            for e in reminded:
                audit.record(
                    session,
                    action="reminded",
                    declaration_id=e.declaration_id,
                    step_id=e.item.step_id,
                    approver_id=approver_id,
                    working_days=e.item.working_days,
                    via=KIND,
                )
            session.commit()
    n = len(entries)
    what = f"{n} decision{'' if n == 1 else 's'} waiting ({_refs(entries)})"
    line = (
        f"Sent {name} the digest of {what}."
        if result.posted is not None
        else f"Scheduled {name}'s digest of {what} for their working hours."
    )
    if reminded:
        line += f" It carries the reminder for {_refs(reminded)}."
        sweep.report.counts["reminded"] += 1
    sweep.report.did(KIND, line)


JOBS = [
    Job(
        "waiting digest",
        send_digests,
        working_days_only=True,
        phrases={
            "waiting_digest": (
                "sent {n} waiting-decisions digest",
                "sent {n} waiting-decisions digests",
            ),
        },
    ),
]
