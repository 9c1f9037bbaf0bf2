"""The sweep's waiting-decisions job: each working morning, every approver with decisions
waiting more than a day is owed one digest listing them, each with its decision buttons.

How it fits with the escalation chase (bot.jobs.approvals, issue 3), which runs right after
it and owes a one-off reminder at ESCALATION_WORKING_DAYS working days:

- an item due its reminder today goes in the digest, marked as the reminder, with when and to
  whom it escalates; the digest takes the step's reminder (the same conditional update on
  `reminded_at` the chase uses) in the transaction that owes it, so the chase finds it
  reminded and the approver gets one message that morning, not two. A digest the platform
  refuses stays owed, reminder and all, and each run tries it once more;
- an item the chase escalates this morning is left out (it is about to move, and the chase
  tells the approver it has); one with nobody above to go to stays in;
- an item whose approver asked the member of staff a question is left out, as the chase
  leaves it: the approver is waiting on the answer.

Exactly once: one digest per approver per day, owed through the outbox (bot.ledger, key
"waiting_digest", "approver:<id>", to_staff(id), today), for the approver's working hours
(`due_at`). Drawn at send time by each platform (Slack: handlers.waiting.owed; Teams:
bot.teams.waiting), leaving out what was decided meanwhile; the "reminded" audit entries are
written once it is sent (bot.usecases.waiting.record_reminded). Everything is loaded in a
constant number of queries (storage.waiting); per digest there is one transaction owing it
and taking the reminders it carries.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot.jobs.approvals import no_account, problem
from bot.ledger import owe_once
from bot.outbox import to_staff
from bot.rules.approvals import Chase, chase
from bot.rules.calendar import (
    add_working_days,
    held_until,
    next_working_hour,
    working_days_between,
    zone_named,
)
from bot.rules.routing import Approver, NoApprover, step_escalation_target
from bot.rules.status import OutboxStatus
from bot.sweep import Job, Owed, Sweep
from bot.ui.waiting import DigestItem, as_payload
from bot.usecases.declare import reachable
from bot.usecases.kinds import kind_of
from bot.usecases.waiting import DIGEST as KIND
from storage import outbox, reminders, staff
from storage import waiting as store
from storage.models import Staff
from storage.reminders import Key

log = logging.getLogger(__name__)

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
        owed = reminders.owed_keys(session, kinds=(KIND,), since=sweep.today)
    pending: dict[int, set[int]] = defaultdict(set)
    for w in snapshot.waiting:
        pending[w.step.declaration_id].add(w.step.approver_id)
    due: dict[int, list[_Entry]] = defaultdict(list)
    for w in snapshot.waiting:
        key = _key(w.step.approver_id, sweep.today)
        if key in owed:
            continue  # owed already today: nothing to work out (a refused one: see below)
        entry = _entry(sweep, snapshot, w, pending, limit)
        if entry is not None:
            due[w.step.approver_id].append(entry)
    _name_next(sweep, snapshot, [e for entries in due.values() for e in entries])
    carrying: set[int | None] = set()
    for approver_id, entries in due.items():
        try:
            carrying.add(_owe(sweep, approver_id, snapshot.people.get(approver_id), entries))
        except Exception as exc:  # one approver's digest must not stop the others'
            log.warning("Digest for staff %s", approver_id, exc_info=True)
            sweep.report.failed(
                f"could not send the digest of decisions waiting to staff {approver_id}: "
                f"{problem(exc)}"
            )
    _try_refused_again(sweep, snapshot, owed, carrying)
    # A digest that carries reminders counts as reminding its approver, once it has gone.
    sweep.report.counts["reminded"] += sum(o.id in carrying for o in sweep.deliver())


def _try_refused_again(
    sweep: Sweep, snapshot: store.Snapshot, owed: dict[Key, int | None], carrying: set[int | None]
) -> None:
    """Digests an earlier run owed today and the platform refused are tried once more now."""
    again = {key: i for key, i in owed.items() if i is not None}
    with sweep.db.session() as session:
        rows = outbox.by_ids(session, ids=sorted(again.values()))
    for key, row_id in again.items():
        person = snapshot.people.get(int(key.subject.removeprefix("approver:")))
        name = person.display_name if person else key.subject
        row = rows.get(row_id)
        if row is None or row.status not in (OutboxStatus.FAILED, OutboxStatus.DEAD):
            continue  # still on its way (held for working hours, or in another's hands)
        items = json.loads(row.payload or "{}").get("items", [])
        if any(i.get("reminder") for i in items):
            carrying.add(row_id)
        sweep.owe(
            Owed(
                row_id,
                KIND,
                f"Sent {name} the digest of decisions waiting that had failed before.",
                failed=f"could not send {name} the digest of decisions waiting",
            )
        )


def _key(approver_id: int, today: date) -> Key:
    return Key(KIND, f"approver:{approver_id}", to_staff(approver_id), today)


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
    remind = what is not Chase.NOTHING and step.reminded_at is None
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


def _owe(
    sweep: Sweep, approver_id: int, approver: Staff | None, entries: list[_Entry]
) -> int | None:
    """Owe the approver's digest and take the reminders it carries, in one transaction; the
    message's id if it carries any reminder."""
    name = approver.display_name if approver else f"staff {approver_id}"
    if approver is None or not approver.active or not reachable(approver):
        sweep.report.note(
            f"Cannot send {name} the digest of decisions waiting ({_refs(entries)}): "
            f"{no_account(sweep)}."
        )
        return None
    entries.sort(key=lambda e: (e.item.waiting_since, e.item.reference))
    with sweep.db.session() as session:
        # Taken first, so a chase in another process running now finds them taken.
        claimed = set(
            store.claim_reminders(
                session,
                step_ids=[e.item.step_id for e in entries if e.remind],
                approver_id=approver_id,
                at=sweep.now,
            )
        )
        # A reminder another sweep took meanwhile is not this digest's to carry.
        entries = [
            replace(e, item=replace(e.item, reminder=False), remind=False)
            if e.remind and e.item.step_id not in claimed
            else e
            for e in entries
        ]
        owed = owe_once(
            session,
            _key(approver_id, sweep.today),
            KIND,
            due_at=sweep.now,
            approver_id=approver_id,
            items=[
                {
                    **as_payload(e.item),
                    "declaration_id": e.declaration_id,
                }
                for e in entries
            ],
        )
        if owed is None:
            session.rollback()  # owed already, by another sweep running now
            return None
        session.commit()
    n = len(entries)
    what = f"{n} decision{'' if n == 1 else 's'} waiting ({_refs(entries)})"
    held = arrives(sweep, approver.tz)
    line = (
        f"Sent {name} the digest of {what}."
        if held is None
        else f"Scheduled {name}'s digest of {what} for their working hours."
    )
    reminded = [e for e in entries if e.item.step_id in claimed]
    if reminded:
        line += f" It carries the reminder for {_refs(reminded)}."
    sweep.owe(
        Owed(owed, KIND, line, failed=f"could not send {name} the digest of decisions waiting")
    )
    return owed if reminded else None


def arrives(sweep: Sweep, tz: str | None) -> datetime | None:
    """When a DM owed now for the recipient's working hours arrives, if not now: Slack
    schedules it for 09:00 their time (zone known); Teams' outbox holds it until 08:00
    (their zone, else the office's)."""
    if sweep.settings.platform == "teams":
        return held_until(sweep.now, zone_named(tz) or sweep.settings.policy.tz)
    return next_working_hour(sweep.now, tz)


JOBS = [
    Job(
        "waiting digest",
        send_digests,
        working_days_only=True,
        phrases={
            KIND: (
                "sent {n} waiting-decisions digest",
                "sent {n} waiting-decisions digests",
            ),
        },
    ),
]
