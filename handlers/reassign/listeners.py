"""/conduct reassign: an admin moves any waiting item to another approver (issue 3,
"Reassignment"), from a modal or as `/conduct reassign GH-00001 @person [reason]`."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session

from bot.rules.refusal import Refused
from bot.usecases.reassign import (
    NOBODY,
    NOT_ADMIN,
    Reassigned,
    check_form,
    is_admin,
    parse_reference,
    reassign,
)
from handlers import slack_ui
from handlers.conduct import ConductRequest
from handlers.context import Turn
from handlers.reassign.ids import REASON_MAX, Field
from handlers.reassign.views import done_view, reassign_modal
from storage import staff
from storage.db import Database
from storage.models import Staff

USAGE = (
    "To reassign: `/conduct reassign` for the form, or `/conduct reassign GH-00001 @person` "
    "followed by the reason."
)
SHORTCUT_REASON = "reassigned by an admin"

# With should_escape, Slack sends a mention as <@U123|name> (or <@U123>).
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def parse_mention(raw: str) -> str | None:
    match = _MENTION.match(raw.strip())
    return match.group(1) if match else None


def _staff_id(session: Session, slack_id: str | None) -> int | None:
    """A chosen person's staff id: None if nobody was chosen, NOBODY if the org chart does
    not know them."""
    if not slack_id:
        return None
    person = staff.by_slack_id(session, slack_user_id=slack_id)
    return person.id if person is not None and person.id is not None else NOBODY


def _reassign(
    db: Database,
    actor: Staff | None,
    *,
    reference: str,
    to_slack_id: str | None,
    from_slack_id: str | None,
    reason: str,
    now: datetime,
) -> Reassigned:
    with db.session() as session:
        return reassign(
            session,
            admin=actor,
            reference=reference,
            to_id=_staff_id(session, to_slack_id),
            from_id=_staff_id(session, from_slack_id),
            reason=reason,
            now=now,
        )


def reassign_command(request: ConductRequest) -> None:
    """`/conduct reassign` opens the form (prefilled with a reference if one is given);
    `/conduct reassign GH-00001 @person [reason]` does it at once."""
    if not is_admin(request.actor):
        request.reply(NOT_ADMIN)
        return
    args = request.args
    if len(args) <= 1:
        reference = parse_reference(args[0]) if args else ""
        if args and reference is None:
            request.reply(USAGE)
            return
        request.ack()
        request.client.views_open(
            trigger_id=request.command["trigger_id"],
            view=reassign_modal(reference=reference or ""),
        )
        return
    reference, to_slack_id = parse_reference(args[0]), parse_mention(args[1])
    if reference is None or to_slack_id is None:
        request.reply(USAGE)
        return
    reason = " ".join(args[2:]).strip()[:REASON_MAX] or SHORTCUT_REASON
    try:
        done = _reassign(
            request.db,
            request.actor,
            reference=reference,
            to_slack_id=to_slack_id,
            from_slack_id=None,
            reason=reason,
            now=request.clock(),
        )
    except Refused as refused:
        hint = " Use `/conduct reassign` for the form." if refused.field == Field.CURRENT else ""
        request.reply(refused.text + hint)
        return
    request.reply(done.confirmation)


def submit_reassign(turn: Turn) -> None:
    answers = turn.answers()
    reason = (answers.text(Field.REASON) or "").strip()
    to_slack_id = answers.person(Field.APPROVER)
    try:
        reference = check_form(
            answers.text(Field.REFERENCE) or "", approver_chosen=bool(to_slack_id), reason=reason
        )
    except Refused as refused:
        turn.ack(**slack_ui.field_errors(refused.errors))
        return
    done = _reassign(
        turn.db,
        turn.actor,
        reference=reference,
        to_slack_id=to_slack_id,
        from_slack_id=answers.person(Field.CURRENT),
        reason=reason,
        now=turn.now(),
    )
    turn.ack(response_action="update", view=done_view(done.confirmation))
