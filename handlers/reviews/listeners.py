"""The three answers to an outside-work permission's yearly review (bot.usecases.reviews);
the review's DM becomes the answer that stands."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.ui.reviews import change_notes
from bot.usecases import reviews as usecase
from handlers import manager_picker
from handlers.annual.common import pressed_message
from handlers.context import Env
from handlers.outside_work.views import outside_work_modal
from handlers.reviews import owed as owed
from handlers.reviews.ids import ReviewRef
from handlers.reviews.messages import reviewed_message
from storage.models import Staff


def _show(env: Env, body: dict[str, Any], reviewed: usecase.Reviewed) -> None:
    where = pressed_message(body)
    if where is not None:
        env.notifier.update(
            where,
            reviewed_message(
                reviewed.permission,
                response=reviewed.response,
                at=reviewed.at,
                policy=env.settings.policy,
                ended_on=reviewed.ended_on,
            ),
        )


def _answer(
    env: Env,
    body: dict[str, Any],
    actor: Staff | None,
    meta: ReviewRef,
    response: Literal["confirmed", "updated"],
    now: datetime,
) -> None:
    reviewed = usecase.answer_review(
        env.db,
        actor=actor,
        declaration_id=meta.declaration_id,
        period=meta.period,
        response=response,
        settings=env.settings,
        now=now,
    )
    _show(env, body, reviewed)


def unchanged(
    ack: Ack,
    body: dict[str, Any],
    meta: ReviewRef,
    actor: Staff | None,
    env: Env,
) -> None:
    ack()
    _answer(env, body, actor, meta, "confirmed", env.now())


def changed(
    ack: Ack,
    body: dict[str, Any],
    meta: ReviewRef,
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    """Open the /outside-work form pre-filled (the change is a new request for permission),
    and record the review's answer as "updated"."""
    ack()
    now = env.now()
    p = usecase.permission_under_review(
        env.db,
        actor=actor,
        declaration_id=meta.declaration_id,
        period=meta.period,
        settings=env.settings,
    )
    assert actor is not None
    with env.db.session() as session:
        ask_for_manager = manager_picker.needs_choice(session, actor)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=outside_work_modal(
            organisation=p.organisation,
            notes=change_notes(p),
            ask_for_manager=ask_for_manager,
            head_title=env.settings.policy.head_of_office_title,
        ),
    )
    _answer(env, body, actor, meta, "updated", now)


def ended(
    ack: Ack,
    body: dict[str, Any],
    meta: ReviewRef,
    actor: Staff | None,
    env: Env,
) -> None:
    """End the permission today; the line manager is told through the outbox
    (handlers.reviews.owed)."""
    ack()
    reviewed = usecase.end_at_review(
        env.db,
        actor=actor,
        declaration_id=meta.declaration_id,
        period=meta.period,
        settings=env.settings,
        now=env.now(),
    )
    _show(env, body, reviewed)
