"""Ending an interest from /conduct mine: the form for the end date, and the end recorded
(bot.usecases.interests.end_interest)."""

from __future__ import annotations

from bot.rules.refusal import Refused
from bot.usecases.declare import office_day
from bot.usecases.interests import NOT_FOUND, end_interest, endable
from handlers.context import Turn
from handlers.interests.form import read_end_date
from handlers.interests.ids import END_DATE
from handlers.interests.views import end_modal
from handlers.metadata import DeclarationRef
from storage.models import Staff


def _actor_id(actor: Staff | None, field: str | None = None) -> int:
    if actor is None or actor.id is None:
        raise Refused(NOT_FOUND, field)
    return actor.id


def open_end_interest(turn: Turn, meta: DeclarationRef) -> None:
    """The "End this interest…" button in /conduct mine: ask for the end date."""
    turn.ack()
    interest = endable(turn.db, actor_id=_actor_id(turn.actor), declaration_id=meta.declaration_id)
    turn.open(
        end_modal(
            declaration_id=interest.declaration_id,
            reference=interest.reference,
            what=interest.what,
            today=office_day(turn.settings, turn.now()),
        )
    )


def submit_end_interest(turn: Turn, meta: DeclarationRef) -> None:
    end_interest(
        turn.db,
        actor_id=_actor_id(turn.actor, END_DATE),
        declaration_id=meta.declaration_id,
        ended_on=read_end_date(turn.view["state"]["values"]),
        settings=turn.settings,
        now=turn.now(),
    )
    turn.ack()
