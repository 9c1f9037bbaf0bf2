"""What the notes beside a moved step's card say (bot.usecases.moves queues them as
MOVE_NOTE), in marked text, for each platform to draw: to the member of staff, and, for an
escalation, to the new approver and the old one."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.ui.text import clip, escape
from bot.usecases.kinds import kind_of
from bot.usecases.moves import Because, Told
from storage import declarations, staff

# After "… is now with Eve Other": who they are to the member of staff.
DECLARANT_SUFFIX = {
    Because.REASSIGNED: ", who will decide it.",
    Because.ORG_CHART: ", your line manager in the updated org chart.",
}


def sentence_case(text: str) -> str:
    """Capitalise the first letter only ("the gift from Acme" -> "The gift from Acme")."""
    return text[:1].upper() + text[1:]


def note_text(session: Session, payload: dict[str, Any]) -> str | None:
    """A MOVE_NOTE's words (its payload: step_id, from_id, to_id, told, because, waited);
    None when the step or its declaration is gone."""
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
        return clip(text + DECLARANT_SUFFIX.get(because, "."), 3000)
    what = escape(clip(what, 200))
    waited = payload.get("waited")
    old_name = escape(old.display_name if old else "the approver")
    new_name = escape(new.display_name if new else "the next person up")
    declarant = escape(record.declarant.display_name)
    if told is Told.NEW_APPROVER:
        return (
            f"*{reference}* — {what} ({declarant}) came to you because {old_name} had not "
            f"decided it in {waited} working days, and you are the next person up. Its buttons "
            "are in the message above."
        )
    if told is Told.OLD_APPROVER:
        return (
            f"*{reference}* — {what} ({declarant}) waited {waited} working days without a "
            f"decision, so it has gone to {new_name}, the next person up. You no longer need "
            "to decide it."
        )
    return (
        f"Your declaration *{reference}* — {what} — waited {waited} working days for "
        f"{old_name}, so it has gone to {new_name} to decide. You'll get a message when "
        "they do."
    )


def told_as(payload: dict[str, Any]) -> str:
    """Who a note told, as the audit trail's "notified" names them."""
    return {
        Told.NEW_APPROVER: "approver",
        Told.OLD_APPROVER: "previous_approver",
        Told.DECLARANT: "declarant",
    }[Told(payload["told"])]
