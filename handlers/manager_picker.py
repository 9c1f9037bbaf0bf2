"""The line-manager picker a form shows when the org chart names no manager (the decision
whether to show it, and the routing of the pick, are bot.usecases.manager's): its block, the
pick read back as a staff id, and a form's declaration made with it (`declare`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import InputBlock
from sqlmodel import Session

from bot.rules.refusal import Refused
from bot.ui.manager import FIELD_ID, manager_field
from bot.usecases.manager import NOT_IN_ORG_CHART, needs_choice
from handlers import slack_ui
from handlers.context import Turn
from storage import staff
from storage.db import Database
from storage.models import Staff

__all__ = [
    "ACTION_ID",
    "BLOCK_ID",
    "asks_for_manager",
    "declare",
    "needs_choice",
    "picked",
    "picker_block",
    "picker_shown",
]

BLOCK_ID = FIELD_ID
ACTION_ID = slack_ui.action_id(FIELD_ID)


def picker_block(*, decides: str) -> InputBlock:
    """`decides`: what the manager will do, e.g. "decide" or "recommend"."""
    return slack_ui.input_block(manager_field(decides=decides))


def picker_shown(view: dict[str, Any]) -> bool:
    return any(b.get("block_id") == BLOCK_ID for b in view.get("blocks", []))


def picked(
    session: Session, view: dict[str, Any], chosen_slack_id: str | None
) -> tuple[bool, int | None]:
    """Whether the submitted form asked for the manager, and the staff id of the person
    picked; someone the org chart doesn't know is refused on the picker."""
    shown = picker_shown(view)
    if not (shown and chosen_slack_id):
        return shown, None
    chosen = staff.by_slack_id(session, slack_user_id=chosen_slack_id)
    if chosen is None or chosen.id is None:
        raise Refused(NOT_IN_ORG_CHART, BLOCK_ID)
    return shown, chosen.id


def asks_for_manager(db: Database, me: Staff) -> bool:
    """Whether the declaration form `me` opens must ask for their line manager (`me`: the
    row the request read already, handlers.context.load_actor)."""
    with db.session() as session:
        return needs_choice(session, me)


def declare(
    turn: Turn,
    use_case: Callable[..., object],
    *,
    chosen_slack_id: str | None,
    now: datetime,
    **declared: Any,
) -> None:
    """Declare (a bot.usecases declaring function, with the form's validated `declared`) as
    the person who sent the form, with the line manager they picked if it asked; then ack."""
    with turn.db.session() as session:
        asked, chosen_id = picked(session, turn.view, chosen_slack_id)
    use_case(
        turn.db,
        declarant=turn.staff,
        settings=turn.settings,
        now=now,
        manager_asked=asked,
        chosen_manager_id=chosen_id,
        **declared,
    )
    turn.ack()
