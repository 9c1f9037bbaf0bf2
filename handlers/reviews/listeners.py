"""The three answers to an outside-work permission's yearly review (bot.usecases.reviews);
the review's DM becomes the answer that stands."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bot.ui.reviews import change_notes
from bot.usecases import reviews as usecase
from handlers import manager_picker
from handlers.annual.common import pressed
from handlers.context import Turn
from handlers.outside_work.views import outside_work_modal
from handlers.reviews import owed as owed
from handlers.reviews.ids import ReviewRef


def _answer(
    turn: Turn, meta: ReviewRef, response: Literal["confirmed", "updated"], now: datetime
) -> usecase.Reviewed:
    return turn.call(
        usecase.answer_review,
        declaration_id=meta.declaration_id,
        period=meta.period,
        response=response,
        now=now,
        pressed=pressed(turn.body),
    )


# Each press is acked once its answer is committed, with the review's DM redrawn as the
# answer that stands owed in the same transaction (sent by the outbox, off this thread): a
# press Slack has heard "ok" for is never lost, nor its receipt (issue 10), and a refusal or
# failure before it is told.


def unchanged(turn: Turn, meta: ReviewRef) -> None:
    _answer(turn, meta, "confirmed", turn.now())
    turn.ack()


def changed(turn: Turn, meta: ReviewRef) -> None:
    """Open the /outside-work form pre-filled (the change is a new request for permission),
    and record the review's answer as "updated"."""
    now = turn.now()
    p = usecase.permission_under_review(
        turn.db,
        actor=turn.actor,
        declaration_id=meta.declaration_id,
        period=meta.period,
        settings=turn.settings,
    )
    assert turn.actor is not None
    with turn.db.session() as session:
        ask_for_manager = manager_picker.needs_choice(session, turn.actor)
    _answer(turn, meta, "updated", now)
    turn.ack()
    turn.open(
        outside_work_modal(
            organisation=p.organisation,
            notes=change_notes(p),
            ask_for_manager=ask_for_manager,
            head_title=turn.settings.policy.head_of_office_title,
        )
    )


def ended(turn: Turn, meta: ReviewRef) -> None:
    """End the permission today; the line manager is told through the outbox
    (handlers.reviews.owed)."""
    turn.call(
        usecase.end_at_review,
        declaration_id=meta.declaration_id,
        period=meta.period,
        pressed=pressed(turn.body),
    )
    turn.ack()
