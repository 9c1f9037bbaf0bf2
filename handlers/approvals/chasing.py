"""The Slack side of approvals that never stall: the one reminder to an approver, telling
people when a step escalates, and updating DMs when steps move (delegation, escalation).

Every function here runs after the database change it reports is committed. Sending can
fail (Slack down): functions that send several messages carry on past a failed one and
return what failed, so the sweep reports it and the next run can redo what can be redone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.engine import Moved
from bot.notifier import Message, Notifier, describe_failure
from handlers.approvals import delivery
from handlers.approvals.kinds import kind_of
from handlers.text import clip, escape
from storage import audit, declarations, staff
from storage.db import Database
from storage.declarations import Record

log = logging.getLogger(__name__)

REMINDER_LIMIT = 40  # items shown in one reminder (Slack allows 50 blocks)


def day(value: date) -> str:
    """A date as staff read it: "Mon 30 Nov"."""
    return f"{value:%a} {value.day} {value:%b}"


@dataclass(frozen=True)
class ReminderItem:
    """One waiting step in an approver's reminder."""

    step_id: int
    reference: str
    what: str  # the declaration in words: "the hospitality from Acme Ltd: dinner"
    declarant: str
    waiting_since: date
    escalates_on: date
    next_name: str | None  # who it goes to if still waiting then
    deputy_for: str | None = None  # the approver holds it as deputy for this person


def reminder_item(
    record: Record, step_id: int, *, waiting_since: date, escalates_on: date, next_name: str | None
) -> ReminderItem:
    step = next(s for s in record.steps if s.id == step_id)
    return ReminderItem(
        step_id=step_id,
        reference=record.declaration.reference or "",
        what=kind_of(record.declaration.kind).describe(record),
        declarant=record.declarant.display_name,
        waiting_since=waiting_since,
        escalates_on=escalates_on,
        next_name=next_name,
        deputy_for=record.name_of(step.delegated_from_id) if step.delegated_from_id else None,
    )


def reminder_message(items: Sequence[ReminderItem], limit_days: int) -> Message:
    """One DM per approver listing what has waited `limit_days` working days. The buttons
    stay on the original cards (still live), so this points at them rather than repeating
    them: one live card per step, always the one Nolan updates."""
    many = len(items) > 1
    head = (
        f"*Reminder:* {'these have' if many else 'this has'} waited {limit_days} working "
        f"days for your decision. The buttons are on the original "
        f"{'messages' if many else 'message'} in this conversation."
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=head))]
    for item in items[:REMINDER_LIMIT]:
        line = (
            f"*{item.reference}* — {escape(clip(item.what, 300))} "
            f"({escape(item.declarant)}), waiting since {day(item.waiting_since)}"
        )
        if item.deputy_for:
            line += f"; you are deciding it as deputy for {escape(item.deputy_for)}"
        if item.next_name:
            line += (
                f". If it is still waiting on {day(item.escalates_on)}, it goes to "
                f"{escape(item.next_name)}, the next person up."
            )
        else:
            line += "."
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(line, 3000))))
    if len(items) > REMINDER_LIMIT:
        more = f"…and {len(items) - REMINDER_LIMIT} more, in your earlier messages from Nolan."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    references = ", ".join(i.reference for i in items)
    text = f"Reminder: {'decisions' if many else 'a decision'} waiting for you ({references})"
    return Message(text=clip(text, 3000), blocks=blocks)


def send_reminder(
    notifier: Notifier, slack_user_id: str, items: Sequence[ReminderItem], limit_days: int
) -> None:
    """Post the reminder; raises if Slack refuses, so the caller can give the claim back."""
    notifier.dm(slack_user_id, reminder_message(items, limit_days))


# Failures are worded the same wherever the sweep reports them.
problem = describe_failure


def _attempt(failures: list[str], what: str, send: Callable[[], None]) -> None:
    try:
        send()
    except Exception as exc:  # one failed message must not stop the others
        log.warning("Could not %s: %s", what, exc)
        failures.append(f"could not {what}: {problem(exc)}")


def announce_escalation(
    db: Database, notifier: Notifier, moved: Moved, *, waited: int
) -> list[str]:
    """After a step has moved up: the new approver gets the card and why it came to them;
    the original approver's card loses its buttons, and they and the declarant are told."""
    failures: list[str] = []
    with db.session() as session:
        record = declarations.load_record(session, declaration_id=moved.declaration_id)
        assert record is not None
        # The step no longer names the old approver, so the record's people may not hold them.
        people = staff.by_ids(session, ids={moved.from_id, moved.to_id})
    reference = record.declaration.reference or ""
    what = escape(clip(kind_of(record.declaration.kind).describe(record), 200))
    old, new = people.get(moved.from_id), people.get(moved.to_id)
    old_name = old.display_name if old else "the approver"
    new_name = new.display_name if new else "the next person up"
    why = f"no decision after {waited} working days"
    _attempt(
        failures,
        f"send {reference} to {new_name}",
        lambda: delivery.deliver(db, notifier, [moved.step_id]),
    )
    _attempt(
        failures,
        f"tell {new_name} why {reference} came to them",
        lambda: delivery.tell(
            notifier,
            new.slack_user_id if new else None,
            Message(
                text=f"*{reference}* — {what} ({escape(record.declarant.display_name)}) came "
                f"to you because {escape(old_name)} had not decided it in {waited} working "
                "days, and you are the next person up. Its buttons are in the message above."
            ),
        ),
    )
    _attempt(
        failures,
        f"update {old_name}'s message about {reference}",
        lambda: delivery.moved_away(
            db,
            notifier,
            step_id=moved.step_id,
            channel=moved.old_channel,
            ts=moved.old_ts,
            why=why,
        ),
    )
    _attempt(
        failures,
        f"tell {old_name} that {reference} moved",
        lambda: delivery.tell(
            notifier,
            old.slack_user_id if old else None,
            Message(
                text=f"*{reference}* — {what} ({escape(record.declarant.display_name)}) waited "
                f"{waited} working days without a decision, so it has gone to "
                f"{escape(new_name)}, the next person up. You no longer need to decide it."
            ),
        ),
    )
    _attempt(
        failures,
        f"tell the declarant of {reference}",
        lambda: delivery.tell(
            notifier,
            record.declarant.slack_user_id,
            Message(
                text=f"Your declaration *{reference}* — {what} — waited {waited} working days "
                f"for {escape(old_name)}, so it has gone to {escape(new_name)} to decide. "
                "You'll get a message when they do."
            ),
        ),
    )
    told = ["approver", "previous_approver", "declarant"] if not failures else []
    if told:
        with db.session() as session:
            audit.record(
                session,
                action="notified",
                declaration_id=moved.declaration_id,
                step_id=moved.step_id,
                told=told,
                why="escalated",
            )
            session.commit()
    return failures


def announce_moves(db: Database, notifier: Notifier, moves: Sequence[Moved], why: str) -> list[str]:
    """After steps have moved between people (a delegation starting or ending): each old
    card loses its buttons and says where the step went; the new holder gets the cards."""
    failures: list[str] = []
    for moved in moves:
        _attempt(
            failures,
            f"update the old message for step {moved.step_id}",
            partial(
                delivery.moved_away,
                db,
                notifier,
                step_id=moved.step_id,
                channel=moved.old_channel,
                ts=moved.old_ts,
                why=why,
            ),
        )
    for moved in moves:
        _attempt(
            failures,
            f"send step {moved.step_id} to its new approver",
            partial(delivery.deliver, db, notifier, [moved.step_id]),
        )
    return failures
