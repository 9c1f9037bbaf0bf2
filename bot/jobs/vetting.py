"""The sweep's vetting jobs (its JOBS, run on Slack and Teams alike): renewal reminders at
each lead time, and the vetting officer's weekly list of lapsed clearances.

Each reminder is owed through the outbox (bot.ledger.owe_once) under its own key: kind
"vetting_renewal", subject "staff:<id>", the recipient (to_staff(id)), and the day it fell
due — so each (person, lead time) reaches the person and each overseer exactly once, and
after a renewal the new expiry's reminders have new keys. The vetting officer gets one
message listing everyone due that day rather than one per person (forty DMs in a morning
would be noise); each person in it is still owed under their own key, a line of that list
(bot.ledger.owe_list), so a rerun, a second bot process or a failed send never sends anyone
twice nor drops them. The weekly lapsed list is one key per week ("week:<Monday>"). The
messages are drawn at send time by each platform (Slack: handlers.vetting.owed, Teams:
bot.teams.vetting).

Queries: the people due, the officers, and the keys already owed, once each per sweep.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.ledger import owe_list, owe_unless_sent
from bot.outbox import to_staff
from bot.rules import vetting as rules
from bot.rules.calendar import held_until, next_working_hour, zone_named
from bot.rules.roles import Role
from bot.rules.schedule import Due
from bot.sweep import Job, Owed, Sweep
from bot.ui.text import long_day, relative
from bot.ui.vetting import PER_MESSAGE, names_list
from bot.usecases.declare import reachable
from bot.usecases.vetting_owed import LAPSED, RENEWAL, RENEWAL_LIST, clearances
from storage import reminders, staff
from storage.reminders import Key
from storage.vetting import Holder, expiring, lapsed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """One person in an overseer's list of renewals due, and when their reminder fell due."""

    holder: Holder
    due: Due


@dataclass(frozen=True)
class Officer:
    """Someone who oversees clearances (a vetting officer, or the head of office)."""

    id: int
    name: str
    reachable: bool  # on Slack or Teams
    tz: str | None


def _officers(sweep: Sweep) -> tuple[dict[int, Officer], list[int], list[int]]:
    """Everyone who may oversee a clearance, and the ids of the vetting officers and heads."""
    with sweep.db.session() as session:
        vetting = staff.holders_of(session, role=Role.VETTING_OFFICER)
        heads = staff.holders_of(session, role=Role.HEAD_OF_OFFICE)
    people = {
        p.id: Officer(p.id, p.display_name, reachable(p), p.tz)
        for p in [*vetting, *heads]
        if p.id is not None
    }
    return people, [p.id for p in vetting if p.id], [p.id for p in heads if p.id]


def _arrives(sweep: Sweep, tz: str | None) -> str:
    """How a report line says when a DM held for the recipient's working hours arrives:
    Slack schedules it for 09:00 in their zone, if known; a platform whose sender holds it
    (Teams) sends it when their hours open (the office's zone when theirs is not known)."""
    if sweep.outbox is not None and sweep.outbox.holds:
        at = held_until(sweep.now, zone_named(tz) or sweep.settings.policy.tz)
    else:
        at = next_working_hour(sweep.now, tz)
    return "" if at is None else f" (held until {at:%H:%M} their time)"


# -- renewals due -------------------------------------------------------------------------------


def remind_renewals(sweep: Sweep) -> None:
    """Each clearance whose reminder falls due today: a DM to its holder, and a line in each
    overseer's list (bot.rules.vetting.overseers)."""
    policy = sweep.settings.policy
    leads = policy.vetting_lead_days
    first, last = rules.window(sweep.today, leads)
    last_run = rules.last_working_day_before(sweep.today)
    with sweep.db.session() as session:
        holders = expiring(session, first=first, last=last)
        if not holders:
            return
        owed = reminders.owed_keys(
            session, kinds=(RENEWAL,), since=first - timedelta(days=max(leads))
        )
    officers, vetting_ids, head_ids = _officers(sweep)
    lists: dict[int, list[Entry]] = defaultdict(list)
    again: dict[int, set[int]] = defaultdict(set)  # lists still owed, by officer
    nobody: list[str] = []
    unreachable: set[str] = set()
    for holder in holders:
        due = rules.renewal_due(holder.clearance, sweep.today, leads)
        if due is None:
            continue
        overseen_by = rules.overseers(holder.id, vetting_ids, head_ids)
        if reachable(holder):
            key = Key(RENEWAL, f"staff:{holder.id}", to_staff(holder.id), due.due_on)
            _remind_holder(sweep, owed, key, holder, overseen_by)
        # Said once, on the first working day the reminder is due, not every day after.
        newly_due = due.due_on > last_run
        if not overseen_by and newly_due:
            nobody.append(holder.name)
        for officer_id in overseen_by:
            officer = officers[officer_id]
            if not officer.reachable:
                if newly_due:
                    unreachable.add(officer.name)
                continue
            key = Key(RENEWAL, f"staff:{holder.id}", to_staff(officer_id), due.due_on)
            if key not in owed:
                lists[officer_id].append(Entry(holder, due))
            elif (list_id := owed[key]) is not None:
                again[officer_id].add(list_id)
    if nobody:
        sweep.report.note(
            "Vetting: nobody holds the vetting_officer or head_of_office role in the org chart, "
            f"so only the staff themselves were reminded ({names_list(nobody)})."
        )
    for name in sorted(unreachable):
        sweep.report.note(
            f"Vetting: {name} has no Slack or Teams account in the org chart, so their list of "
            "renewals due was not sent."
        )
    for officer_id, entries in lists.items():
        officer = officers[officer_id]
        for start in range(0, len(entries), PER_MESSAGE):
            _owe_list(sweep, officer, entries[start : start + PER_MESSAGE])
    for officer_id, list_ids in again.items():
        name = officers[officer_id].name
        for list_id in sorted(list_ids):
            sweep.owe(
                Owed(
                    list_id,
                    "vetting_reminded",
                    f"Vetting: sent {name} a list of renewals due that had failed before.",
                    failed=f"could not send {name} the vetting renewals due",
                )
            )
    sweep.deliver()


def _remind_holder(
    sweep: Sweep, owed: dict[Key, int | None], key: Key, holder: Holder, overseer_ids: list[int]
) -> None:
    """Owe the holder their reminder (or try the one owed again), and count it."""
    queued = owe_unless_sent(
        sweep.db,
        owed,
        key,
        RENEWAL,
        due_at=sweep.now,
        staff_id=holder.id,
        expires=holder.expires.isoformat(),
        overseer_ids=overseer_ids,
    )
    if queued is None:
        return
    level = f"{holder.level} " if holder.level else ""
    when = relative(holder.expires, sweep.today)
    sweep.owe(
        Owed(
            queued,
            "vetting_reminded",
            f"Vetting: reminded {holder.name} that their {level}clearance expires "
            f"{long_day(holder.expires)} ({when}){_arrives(sweep, holder.tz)}.",
            failed=f"could not remind {holder.name} that their {level}vetting clearance "
            f"expires {when}",
        )
    )


def _owe_list(sweep: Sweep, officer: Officer, entries: Sequence[Entry]) -> None:
    """One message listing several people, each under their own ledger key."""
    keys = {
        Key(RENEWAL, f"staff:{e.holder.id}", to_staff(officer.id), e.due.due_on): e for e in entries
    }
    with sweep.db.session() as session:
        owed, taken = owe_list(
            session,
            list(keys),
            RENEWAL_LIST,
            recipient=to_staff(officer.id),
            due_at=sweep.now,
            payload=lambda taken: {"clearances": clearances([keys[k].holder for k in taken])},
        )
        session.commit()
    if owed is None:
        return
    n = len(taken)
    names = names_list([keys[k].holder.name for k in taken])
    sweep.owe(
        Owed(
            owed,
            "vetting_reminded",
            f"Vetting: sent {officer.name} {n} renewal{'' if n == 1 else 's'} due: "
            f"{names}{_arrives(sweep, officer.tz)}.",
            failed=f"could not send {officer.name} the vetting renewals due ({names})",
            n=n,
        )
    )


# -- lapsed clearances --------------------------------------------------------------------------


def send_lapsed_lists(sweep: Sweep) -> None:
    """Each Monday (or the first working day after it), every overseer gets the list of
    clearances that had lapsed by that Monday — once a week, while any has."""
    monday = rules.lapsed_list_day(sweep.today)
    officers, vetting_ids, head_ids = _officers(sweep)
    subject = f"week:{monday.isoformat()}"
    with sweep.db.session() as session:
        owed = reminders.owed_keys(session, kinds=(LAPSED,), since=monday)
        recipients = {to_staff(o.id) for o in officers.values() if o.reachable}
        # This week's lists all owed already, none to try again: no need to load the lapsed.
        done = bool(recipients) and all(
            Key(LAPSED, subject, r, monday) in owed
            and owed[Key(LAPSED, subject, r, monday)] is None
            for r in recipients
        )
        holders = [] if done else lapsed(session, before=monday)
    lists: dict[int, list[Holder]] = defaultdict(list)
    for holder in holders:
        for officer_id in rules.overseers(holder.id, vetting_ids, head_ids):
            lists[officer_id].append(holder)
    for officer_id, theirs in lists.items():
        officer = officers[officer_id]
        key = Key(LAPSED, subject, to_staff(officer_id), monday)
        if not officer.reachable:
            continue
        queued = owe_unless_sent(
            sweep.db,
            owed,
            key,
            LAPSED,
            due_at=sweep.now,
            monday=monday.isoformat(),
            clearances=clearances(theirs),
        )
        if queued is None:
            continue
        n = len(theirs)
        sweep.owe(
            Owed(
                queued,
                "vetting_lapsed",
                f"Vetting: sent {officer.name} the weekly list of {n} lapsed "
                f"clearance{'' if n == 1 else 's'}: {names_list([h.name for h in theirs])}"
                f"{_arrives(sweep, officer.tz)}.",
                failed=f"could not send {officer.name} the weekly list of lapsed clearances",
            )
        )
    sweep.deliver()


JOBS = [
    Job(
        "vetting renewals",
        remind_renewals,
        working_days_only=True,
        phrases={
            "vetting_reminded": (
                "sent {n} vetting renewal reminder",
                "sent {n} vetting renewal reminders",
            ),
        },
    ),
    Job(
        "lapsed vetting",
        send_lapsed_lists,
        working_days_only=True,
        phrases={
            "vetting_lapsed": (
                "sent {n} weekly list of lapsed clearances",
                "sent {n} weekly lists of lapsed clearances",
            ),
        },
    ),
]
