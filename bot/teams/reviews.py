"""The yearly review of an outside-work permission on Teams: the sweep's card (bot.jobs.reviews)
with the three answers Slack offers, recorded by the same use case (bot.usecases.reviews),
the first answer standing:
- "It continues unchanged" and "It has ended" (asked first, as Slack confirms) are
  `Action.Execute`: the invoke's answer replaces the card in place with the answer that stands;
- "It has changed" opens the outside-work form as a dialog, pre-filled (the change is a new
  request, taken by bot.teams.declare), records "updated" and replaces the card in place
  through the outbox (a dialog's opening can't answer with a card).
Someone else's press is told so, the card left as it is. The line manager's word that a
permission has ended is drawn here too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from bot.outbox import Queued, queue, to_staff
from bot.rules.refusal import STALE_BUTTON, Refused
from bot.settings import Policy
from bot.teams.approval_drawers import drawn_card
from bot.teams.cards import adaptive_card, pressed
from bot.teams.drawers import Drawn, Where, drawer
from bot.teams.home_flow import office_day_of, office_policy
from bot.teams.invoke_responses import (
    action_error,
    action_message,
    card_replaced,
    dialog,
    dialog_message,
)
from bot.teams.router import ADAPTIVE_CARD_ACTION, TASK_FETCH, Router, Turn
from bot.ui import reviews as ui
from bot.ui.outside_work import outside_work_form
from bot.ui.payload import BadPayload, decode
from bot.ui.text import long_day
from bot.usecases import manager
from bot.usecases import reviews as usecase
from bot.usecases.owed import notified
from bot.usecases.reviews_owed import (
    KIND,
    ended_permission,
    review_sent,
    reviewed_from,
    under_review,
)
from storage import confirmations as store
from storage import reminders, staff
from storage.reminders import Key

ANSWERED = usecase.ANSWERED  # the review's card once answered, put in its place
FORM_AGAIN = "*outside-work* in this chat"


def register(router: Router) -> None:
    router.invoke(ADAPTIVE_CARD_ACTION, unchanged, key=ui.Action.UNCHANGED)
    router.invoke(ADAPTIVE_CARD_ACTION, ended, key=ui.Action.ENDED)
    router.invoke(TASK_FETCH, changed, key=ui.Action.CHANGED)


def _ref(turn: Turn) -> ui.ReviewRef | None:
    press = pressed(turn.value)
    try:
        return decode(ui.ReviewRef, press.payload if press else None)
    except BadPayload:
        return None


def _when(at: datetime, policy: Policy) -> str:
    local = at.astimezone(policy.tz)
    return f"{long_day(local.date())} at {local:%H:%M}"


def _answered(reviewed: usecase.Reviewed, policy: Policy) -> ui.Card:
    return ui.reviewed_card(
        reviewed.permission,
        response=reviewed.response,
        when=_when(reviewed.at, policy),
        policy=policy,
        ended_on=reviewed.ended_on,
        form_again=FORM_AGAIN,
    )


def _review(turn: Turn, ref: ui.ReviewRef) -> dict[str, Any]:
    """Which review a press answers, and who presses, as the use cases take them."""
    return {
        "actor": turn.actor,
        "declaration_id": ref.declaration_id,
        "period": ref.period,
        "settings": turn.settings,
    }


def _pressed_answer(
    turn: Turn, answer: Callable[..., usecase.Reviewed], **more: Any
) -> dict[str, Any]:
    """A one-press answer: the card in place, drawn with the answer that stands."""
    ref = _ref(turn)
    if ref is None:
        return action_error(STALE_BUTTON)
    try:
        reviewed = answer(turn.db, now=turn.clock(), **_review(turn, ref), **more)
    except Refused as refused:
        return action_message(refused.text)
    return card_replaced(adaptive_card(_answered(reviewed, turn.settings.policy)))


def unchanged(turn: Turn) -> dict[str, Any]:
    return _pressed_answer(turn, usecase.answer_review, response="confirmed")


def ended(turn: Turn) -> dict[str, Any]:
    """The permission ends today and the line manager is told (once: pressed again, the
    answer that stands)."""
    return _pressed_answer(turn, usecase.end_at_review)


def changed(turn: Turn) -> dict[str, Any]:
    """Open the outside-work form pre-filled (the change is a new request for permission),
    record the review's answer as "updated" and owe the card's update in place."""
    ref = _ref(turn)
    if ref is None:
        return dialog_message(STALE_BUTTON)
    try:
        p = usecase.permission_under_review(turn.db, **_review(turn, ref))
        reviewed = usecase.answer_review(
            turn.db, response="updated", now=turn.clock(), **_review(turn, ref)
        )
    except Refused as refused:
        return dialog_message(refused.text)
    me = turn.actor
    assert me is not None and me.id is not None  # the use case refused anyone else
    with turn.db.session() as session:
        _replace(session, me.id, ref, reviewed)
        ask_for_manager = manager.needs_choice(session, me)
        session.commit()
    return dialog(
        outside_work_form(
            organisation=p.organisation,
            notes=ui.change_notes(p),
            ask_for_manager=ask_for_manager,
            head_title=turn.settings.policy.head_of_office_title,
        )
    )


def _replace(
    session: Session, staff_id: int, ref: ui.ReviewRef, reviewed: usecase.Reviewed
) -> None:
    """Owe the review's card, drawn as answered, in place of the one the sweep sent."""
    subject = store.declaration_subject(ref.declaration_id)
    try:
        anniversary = date.fromisoformat(ref.period)
    except ValueError:
        return
    sent = reminders.id_of(session, key=Key(KIND, subject, to_staff(staff_id), anniversary))
    if sent is None:
        return
    queue(
        session,
        ANSWERED,
        subject=subject,
        recipient=to_staff(staff_id),
        updates_id=sent,
        **reviewed.as_payload(),
    )


# -- the messages ------------------------------------------------------------------------------


@drawer(KIND, after=review_sent)
def draw_review(session: Session, message: Queued) -> Drawn | None:
    found = under_review(session, message, office_day_of(message))
    if found is None:
        return None  # no longer in force: nothing to review
    permission, anniversary = found
    card = ui.review_card(permission, anniversary, office_policy())
    return Drawn(card.summary, adaptive_card(card, dialogs={ui.Action.CHANGED}))


@drawer(ANSWERED)
def draw_answered(_session: Session, message: Queued) -> Drawn | None:
    if message.updates is None:
        return None
    reviewed = reviewed_from(message.payload)
    return drawn_card(_answered(reviewed, office_policy()), update=Where(*message.updates))


@drawer(usecase.ENDED, after=notified("line_manager"))
def draw_ended(session: Session, message: Queued) -> Drawn | None:
    payload = message.payload
    declarant = staff.by_id(session, staff_id=int(payload["declarant_id"]))
    if declarant is None:
        return None
    return drawn_card(
        ui.ended_card(
            ended_permission(payload),
            declarant=declarant.display_name,
            ended_on=date.fromisoformat(payload["ended_on"]),
        )
    )
