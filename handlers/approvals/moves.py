"""A step that moved, drawn for Slack (bot.usecases.moves queues it): the old approver's card
without its buttons, saying where the step went, and the notes beside the new card."""

from __future__ import annotations

from sqlmodel import Session

from bot.notifier import Message, Posted
from bot.outbox import Queued
from bot.usecases.moves import MOVE_NOTE, MOVED_AWAY, Because, Told
from handlers.approvals.delivery import card_for
from handlers.approvals.kinds import kind_of
from handlers.approvals.messages import moved_message
from handlers.approvals.owed import notified
from handlers.outgoing import Drawn, card
from handlers.text import clip, escape
from storage import declarations, staff

# After "… is now with Eve Other": who they are to the member of staff.
DECLARANT_SUFFIX = {
    Because.REASSIGNED: ", who will decide it.",
    Because.ORG_CHART: ", your line manager in the updated org chart.",
}


@card(MOVED_AWAY)
def draw_moved_away(session: Session, message: Queued) -> Drawn | None:
    payload = message.payload
    step = declarations.get_step(session, step_id=int(payload["step_id"]))
    if step is None:
        return None
    record = declarations.load_record(session, declaration_id=step.declaration_id)
    if record is None:
        return None
    to_name = record.name_of(step.approver_id) or "someone else"
    moved = moved_message(card_for(record, step), to_name, str(payload["why"]))
    return Drawn(moved, update=Posted(str(payload["channel"]), str(payload["ts"])))


def sentence_case(text: str) -> str:
    """Capitalise the first letter only ("the gift from Acme" -> "The gift from Acme")."""
    return text[:1].upper() + text[1:]


def _note(session: Session, message: Queued) -> Drawn | None:
    payload = message.payload
    step = declarations.get_step(session, step_id=int(payload["step_id"]))
    record = declarations.load_record(session, declaration_id=step.declaration_id) if step else None
    if record is None:
        return None
    from_id, to_id = int(payload["from_id"]), int(payload["to_id"])
    # The step no longer names the old approver, so the record's people may not hold them.
    people = staff.by_ids(session, ids={from_id, to_id})
    old, new = people.get(from_id), people.get(to_id)
    reference = record.declaration.reference or ""
    what = kind_of(record.declaration.kind).describe(record)
    told, because = Told(payload["told"]), Because(payload["because"])
    if because is not Because.ESCALATED:
        to_name = new.display_name if new else "someone else"
        text = f"{escape(sentence_case(what))} ({reference}) is now with {escape(to_name)}"
        return Drawn(Message(text=clip(text + DECLARANT_SUFFIX.get(because, "."), 3000)))
    what = escape(clip(what, 200))
    waited = payload.get("waited")
    old_name = escape(old.display_name if old else "the approver")
    new_name = escape(new.display_name if new else "the next person up")
    declarant = escape(record.declarant.display_name)
    if told is Told.NEW_APPROVER:
        text = (
            f"*{reference}* — {what} ({declarant}) came to you because {old_name} had not "
            f"decided it in {waited} working days, and you are the next person up. Its buttons "
            "are in the message above."
        )
    elif told is Told.OLD_APPROVER:
        text = (
            f"*{reference}* — {what} ({declarant}) waited {waited} working days without a "
            f"decision, so it has gone to {new_name}, the next person up. You no longer need "
            "to decide it."
        )
    else:
        text = (
            f"Your declaration *{reference}* — {what} — waited {waited} working days for "
            f"{old_name}, so it has gone to {new_name} to decide. You'll get a message when "
            "they do."
        )
    return Drawn(Message(text=text))


def _told(session: Session, message: Queued, posted: Posted | None) -> None:
    told = {
        Told.NEW_APPROVER: "approver",
        Told.OLD_APPROVER: "previous_approver",
        Told.DECLARANT: "declarant",
    }[Told(message.payload["told"])]
    notified(told, why=str(message.payload["because"]))(session, message, posted)


card(MOVE_NOTE, after=_told)(_note)
