"""The three answers to an outside-work permission's yearly review (bot.usecases.reviews);
the review's DM becomes the answer that stands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.notifier import Notifier
from bot.settings import Settings
from bot.usecases import reviews as usecase
from handlers import manager_picker
from handlers.annual.common import pressed_message
from handlers.outside_work.views import outside_work_modal
from handlers.reviews import owed as owed
from handlers.reviews.ids import ReviewRef
from handlers.reviews.messages import reviewed_message
from storage.db import Database
from storage.models import Staff


def _show(
    notifier: Notifier, body: dict[str, Any], reviewed: usecase.Reviewed, settings: Settings
) -> None:
    where = pressed_message(body)
    if where is not None:
        notifier.update(
            where,
            reviewed_message(
                reviewed.permission,
                response=reviewed.response,
                at=reviewed.at,
                policy=settings.policy,
                ended_on=reviewed.ended_on,
            ),
        )


def _answer(
    notifier: Notifier,
    body: dict[str, Any],
    db: Database,
    actor: Staff | None,
    meta: ReviewRef,
    response: Literal["confirmed", "updated"],
    settings: Settings,
    now: datetime,
) -> None:
    reviewed = usecase.answer_review(
        db,
        actor=actor,
        declaration_id=meta.declaration_id,
        period=meta.period,
        response=response,
        settings=settings,
        now=now,
    )
    _show(notifier, body, reviewed, settings)


def unchanged(
    ack: Ack,
    body: dict[str, Any],
    meta: ReviewRef,
    actor: Staff | None,
    db: Database,
    notifier: Notifier,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    ack()
    _answer(notifier, body, db, actor, meta, "confirmed", settings, clock())


def changed(
    ack: Ack,
    body: dict[str, Any],
    meta: ReviewRef,
    actor: Staff | None,
    client: WebClient,
    db: Database,
    notifier: Notifier,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    """Open the /outside-work form pre-filled (the change is a new request for permission),
    and record the review's answer as "updated"."""
    ack()
    now = clock()
    p = usecase.permission_under_review(
        db, actor=actor, declaration_id=meta.declaration_id, period=meta.period, settings=settings
    )
    assert actor is not None
    with db.session() as session:
        ask_for_manager = manager_picker.needs_choice(session, actor)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=outside_work_modal(
            organisation=p.organisation,
            notes=f"A change to {p.reference} ({p.role}, granted {p.granted_on:%d %b %Y}): ",
            ask_for_manager=ask_for_manager,
            head_title=settings.policy.head_of_office_title,
        ),
    )
    _answer(notifier, body, db, actor, meta, "updated", settings, now)


def ended(
    ack: Ack,
    body: dict[str, Any],
    meta: ReviewRef,
    actor: Staff | None,
    db: Database,
    notifier: Notifier,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    """End the permission today; the line manager is told through the outbox
    (handlers.reviews.owed)."""
    ack()
    reviewed = usecase.end_at_review(
        db,
        actor=actor,
        declaration_id=meta.declaration_id,
        period=meta.period,
        settings=settings,
        now=clock(),
    )
    _show(notifier, body, reviewed, settings)
