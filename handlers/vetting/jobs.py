"""The sweep's vetting jobs (its JOBS): renewal reminders at each lead time, and the
vetting officer's weekly list of lapsed clearances.

Every reminder has its own key in the ledger (bot.ledger; storage.reminders): kind
"vetting_renewal", subject "staff:<id>", the recipient's Slack id, and the day it fell due —
so each (person, lead time) reaches the person and each overseer exactly once, and after a
renewal the new expiry's reminders have new keys. The vetting officer gets one message
listing everyone due that day rather than one per person (forty DMs in a morning would be
noise); each person in it is still claimed under their own key, so a rerun, a second bot
process or a failed send never sends anyone twice nor drops them. The weekly lapsed list is
one key per week ("week:<Monday>").

Queries: the people due, the officers, and the keys already sent, once each per sweep.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.ledger import send_all_once, send_once
from bot.notifier import Message, Posted, next_working_hour
from bot.rules import vetting as rules
from bot.rules.roles import Role
from bot.sweep import Job, Sweep
from handlers.vetting import messages
from storage import reminders, staff
from storage.reminders import Key
from storage.vetting import Holder, expiring, lapsed

log = logging.getLogger(__name__)

RENEWAL = "vetting_renewal"
LAPSED = "vetting_lapsed"


@dataclass(frozen=True)
class Officer:
    """Someone who oversees clearances (a vetting officer, or the head of office)."""

    id: int
    name: str
    slack_user_id: str | None
    tz: str | None


def _officers(sweep: Sweep) -> tuple[dict[int, Officer], list[int], list[int]]:
    """Everyone who may oversee a clearance, and the ids of the vetting officers and heads."""
    with sweep.db.session() as session:
        vetting = staff.holders_of(session, role=Role.VETTING_OFFICER)
        heads = staff.holders_of(session, role=Role.HEAD_OF_OFFICE)
    people = {
        p.id: Officer(p.id, p.display_name, p.slack_user_id, p.tz)
        for p in [*vetting, *heads]
        if p.id is not None
    }
    return people, [p.id for p in vetting if p.id], [p.id for p in heads if p.id]


def _arrives(sweep: Sweep, tz: str | None) -> str:
    """How a report line says when a DM held for the recipient's working hours arrives."""
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
        sent = reminders.sent_keys(
            session, kinds=(RENEWAL,), since=first - timedelta(days=max(leads))
        )
    officers, vetting_ids, head_ids = _officers(sweep)
    lists: dict[int, list[messages.Entry]] = defaultdict(list)
    nobody: list[str] = []
    unreachable: set[str] = set()
    for holder in holders:
        due = rules.renewal_due(holder.clearance, sweep.today, leads)
        if due is None:
            continue
        overseen_by = rules.overseers(holder.id, vetting_ids, head_ids)
        if holder.slack_user_id:
            key = Key(RENEWAL, f"staff:{holder.id}", holder.slack_user_id, due.due_on)
            if key not in sent:
                names = [officers[o].name for o in overseen_by]
                _remind_holder(sweep, key, holder, names)
        # Said once, on the first working day the reminder is due, not every day after.
        newly_due = due.due_on > last_run
        if not overseen_by and newly_due:
            nobody.append(holder.name)
        for officer_id in overseen_by:
            officer = officers[officer_id]
            if not officer.slack_user_id:
                if newly_due:
                    unreachable.add(officer.name)
                continue
            key = Key(RENEWAL, f"staff:{holder.id}", officer.slack_user_id, due.due_on)
            if key not in sent:
                lists[officer_id].append(messages.Entry(holder, due))
    if nobody:
        sweep.report.note(
            "Vetting: nobody holds the vetting_officer or head_of_office role in the org chart, "
            f"so only the staff themselves were reminded ({messages.names_list(nobody)})."
        )
    for name in sorted(unreachable):
        sweep.report.note(
            f"Vetting: {name} has no Slack account in the org chart, so their list of "
            "renewals due was not sent."
        )
    for officer_id, entries in lists.items():
        officer = officers[officer_id]
        for start in range(0, len(entries), messages.PER_MESSAGE):
            _send_list(sweep, officer, entries[start : start + messages.PER_MESSAGE])


def _remind_holder(sweep: Sweep, key: Key, holder: Holder, overseer_names: list[str]) -> None:
    policy = sweep.settings.policy
    message = messages.member_reminder(
        holder,
        sweep.today,
        overseer_names=overseer_names,
        officer_title=policy.vetting_officer_title,
        leads=policy.vetting_lead_days,
        years=rules.interval_years(holder.level, policy.vetting_intervals),
    )
    assert holder.slack_user_id is not None
    slack_id = holder.slack_user_id
    result = send_once(
        sweep.db,
        key,
        lambda: sweep.notifier.dm_in_hours(slack_id, message, tz=holder.tz, now=sweep.now),
        now=sweep.now,
    )
    level = f"{holder.level} " if holder.level else ""
    when = messages.relative(holder.expires, sweep.today)
    if result.error:
        sweep.report.failed(
            f"could not remind {holder.name} that their {level}vetting clearance expires "
            f"{when}: {result.error}"
        )
    elif result.sent:
        sweep.report.did(
            "vetting_reminded",
            f"Vetting: reminded {holder.name} that their {level}clearance expires "
            f"{messages.long_day(holder.expires)} ({when}){_arrives(sweep, holder.tz)}.",
        )


def _send_list(sweep: Sweep, officer: Officer, entries: Sequence[messages.Entry]) -> None:
    """One message listing several people, each under their own ledger key."""
    assert officer.slack_user_id is not None
    slack_id = officer.slack_user_id
    keys = {Key(RENEWAL, f"staff:{e.holder.id}", slack_id, e.due.due_on): e for e in entries}

    def send(claimed: list[Key]) -> Posted | None:
        chosen = [keys[k] for k in claimed]
        message = messages.renewal_list(
            chosen, sweep.today, sweep.settings.policy.vetting_intervals
        )
        return sweep.notifier.dm_in_hours(slack_id, message, tz=officer.tz, now=sweep.now)

    claimed, result = send_all_once(sweep.db, list(keys), send, now=sweep.now)
    error = result.error
    names = messages.names_list([keys[k].holder.name for k in claimed])
    if error:
        sweep.report.failed(
            f"could not send {officer.name} the vetting renewals due ({names}): {error}"
        )
    elif claimed:
        n = len(claimed)
        sweep.report.did(
            "vetting_reminded",
            f"Vetting: sent {officer.name} {n} renewal{'' if n == 1 else 's'} due: "
            f"{names}{_arrives(sweep, officer.tz)}.",
            n=n,
        )


# -- lapsed clearances --------------------------------------------------------------------------


def send_lapsed_lists(sweep: Sweep) -> None:
    """Each Monday (or the first working day after it), every overseer gets the list of
    clearances that had lapsed by that Monday — once a week, while any has."""
    monday = rules.lapsed_list_day(sweep.today)
    officers, vetting_ids, head_ids = _officers(sweep)
    subject = f"week:{monday.isoformat()}"
    with sweep.db.session() as session:
        sent = reminders.sent_keys(session, kinds=(LAPSED,), since=monday)
        recipients = {o.slack_user_id for o in officers.values() if o.slack_user_id}
        if recipients and all(Key(LAPSED, subject, r, monday) in sent for r in recipients):
            return  # this week's lists are out: no need to load the lapsed
        holders = lapsed(session, before=monday)
    lists: dict[int, list[Holder]] = defaultdict(list)
    for holder in holders:
        for officer_id in rules.overseers(holder.id, vetting_ids, head_ids):
            lists[officer_id].append(holder)
    for officer_id, theirs in lists.items():
        officer = officers[officer_id]
        if not officer.slack_user_id:
            continue
        slack_id = officer.slack_user_id
        key = Key(LAPSED, subject, slack_id, monday)
        if key in sent:
            continue
        parts = messages.lapsed_lists(
            theirs, monday, sweep.today, sweep.settings.policy.vetting_intervals
        )

        result = send_once(
            sweep.db, key, _sender(sweep, slack_id, officer.tz, parts), now=sweep.now
        )
        n = len(theirs)
        if result.error:
            sweep.report.failed(
                f"could not send {officer.name} the weekly list of lapsed clearances: "
                f"{result.error}"
            )
        elif result.sent:
            sweep.report.did(
                "vetting_lapsed",
                f"Vetting: sent {officer.name} the weekly list of {n} lapsed "
                f"clearance{'' if n == 1 else 's'}: {messages.names_list([h.name for h in theirs])}"
                f"{_arrives(sweep, officer.tz)}.",
            )


def _sender(
    sweep: Sweep, slack_id: str, tz: str | None, parts: Sequence[Message]
) -> Callable[[], Posted | None]:
    """Send a list that may take several messages; where the first went."""

    def send() -> Posted | None:
        first = None
        for message in parts:
            posted = sweep.notifier.dm_in_hours(slack_id, message, tz=tz, now=sweep.now)
            first = first or posted
        return first

    return send


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
