"""Deciding on Teams, from the approver's card in their 1:1 chat (and wherever else the same
decision buttons are drawn: the Home card, the digest).

- A one-press decision (Approve, Noted…) is an `Action.Execute`: verb `decide_<outcome>`,
  `_payload` the typed Decision. It is decided (bot.usecases.decide, one conditional update:
  a double press or two approvers at once record one decision) and committed before Teams is
  answered; the answer replaces the pressed card in place with the decided card, so the
  decision's UPDATE of that copy is recorded as made, not sent (bot.outbox.REDRAWN: one
  request fewer to Microsoft, whose 50 a second a tenant bound decisions). Every other copy
  is replaced by the UPDATE the decision owes (bot.teams.approval_drawers).
- A decision that needs words (its label ends "…") opens the same form Slack opens in a modal
  as a dialog (task/fetch keyed by the button id); the dialog's submit (task/submit, form
  id) decides with the reason, or comes back with the problem at the field.
- A refusal (not theirs to decide, already decided by someone, moved) never is an error page:
  the person is told why, and the card is left to be redrawn as it now stands. A press on
  their own copy of a card whose step no longer waits is answered with that card as it now
  stands, the reason above: a copy still showing buttons (the answer to the deciding press
  lost on its way) is mended by the next press.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.outbox import to_staff
from bot.rules import approvals as rules
from bot.rules.refusal import STALE_BUTTON, Refused
from bot.rules.status import StepStatus
from bot.teams import forms
from bot.teams.adaptive import read_payload
from bot.teams.approval_drawers import decided_card
from bot.teams.cards import adaptive_card, pressed
from bot.teams.invoke_responses import action_message, card_replaced, dialog, dialog_message
from bot.teams.router import ADAPTIVE_CARD_ACTION, TASK_FETCH, TASK_SUBMIT, Router, Turn
from bot.ui.approval import TEXT_MAX, Block, Callback, decide_action, decision_text_form
from bot.ui.payload import BadPayload, Decision, decode
from bot.ui.text import escape
from bot.usecases import decide
from bot.usecases.decide import Outcome
from bot.usecases.owed import APPROVAL, step_and_record, step_subject
from storage import outbox

# Every decision button there is: a verb per outcome of every purpose.
VERBS = sorted(
    {decide_action(spec.outcome) for purpose in rules.Purpose for spec in rules.outcomes(purpose)}
)


def register(router: Router) -> None:
    for verb in VERBS:
        router.invoke(ADAPTIVE_CARD_ACTION, decide_by_button, key=verb)
        router.invoke(TASK_FETCH, open_decision_text, key=verb)
    router.invoke(TASK_SUBMIT, submit_decision_text, key=Callback.DECISION_TEXT)


def _actor_id(turn: Turn) -> int:
    if turn.actor is None or turn.actor.id is None:
        raise Refused(decide.UNKNOWN)
    return turn.actor.id


def _pressed_decision(turn: Turn) -> Decision:
    press = pressed(turn.value)
    try:
        return decode(Decision, press.payload if press else None)
    except BadPayload:
        raise Refused(STALE_BUTTON) from None


def decide_by_button(turn: Turn) -> dict[str, Any]:
    """`adaptiveCard/action` on a decision button: decided at once, the card replaced."""
    try:
        meta = _pressed_decision(turn)
        actor_id = _actor_id(turn)
    except Refused as refused:
        return action_message(refused.text)
    try:
        done = _decide(turn, meta, None, redrawn=_pressed_on(turn))
    except Refused as refused:
        with turn.db.session() as session:
            mended = _as_it_stands(turn, session, meta.step_id, actor_id, refused.text)
        return mended or action_message(refused.text)
    return _answered(turn, done)


def _pressed_on(turn: Turn) -> str | None:
    """The id of the message whose button was pressed (Teams' replyToId)."""
    pressed_on = turn.raw.get("replyToId")
    return pressed_on if isinstance(pressed_on, str) and pressed_on else None


def _as_it_stands(
    turn: Turn, session: Session, step_id: int, actor_id: int, why: str
) -> dict[str, Any] | None:
    """A refused press on the presser's own copy of the step's card, the step no longer
    waiting: that copy replaced by the card as it stands, with why above it. None otherwise
    (a step still waiting, for someone else: the refusal alone)."""
    found = step_and_record(session, step_id)
    if found is None or found[0].status == StepStatus.PENDING:
        return None
    theirs = outbox.copy_at(
        session, kind=APPROVAL, subject=step_subject(step_id), ts=_pressed_on(turn),
        recipient=to_staff(actor_id),
    )
    if not theirs:
        return None
    step, record = found
    return card_replaced(adaptive_card(decided_card(session, record, step, escape(why))))


def _decide(
    turn: Turn, meta: Decision, reason: str | None, *, redrawn: str | None = None
) -> Outcome:
    """The decision the button or form names, as of now in the office's time zone. `redrawn`:
    the card pressed (replyToId), which the answer replaces when it is a copy of the step's
    card (`_answered`): the outbox records that copy's update as made rather than sending it."""
    return decide.decide(
        turn.db,
        actor=turn.actor,
        step_id=meta.step_id,
        outcome=meta.outcome,
        reason=reason,
        now=turn.clock(),
        tz=turn.settings.policy.tz,
        redrawn=redrawn,
    )


def _told(done: Outcome) -> str:
    """What the approver is told of a decision taken away from its card."""
    spec = rules.spec(done.purpose, done.outcome)
    past = spec.past if spec else done.outcome
    return f"{past}: {done.reference}. The member of staff will be told."


def _answered(turn: Turn, done: Outcome) -> dict[str, Any]:
    """The pressed approval card, replaced by the decided one; a press elsewhere (the Home
    card, the digest) is told what was decided, leaving that card to its own refresh."""
    with turn.db.session() as session:
        found = done.decided or step_and_record(session, done.step_id)
        subject = step_subject(done.step_id)
        on_its_card = outbox.copy_at(session, kind=APPROVAL, subject=subject, ts=_pressed_on(turn))
        if found is not None and on_its_card:
            step, record = found
            return card_replaced(adaptive_card(decided_card(session, record, step)))
    return action_message(_told(done))


def open_decision_text(turn: Turn) -> dict[str, Any]:
    """task/fetch from a decision button that needs words: its form, as a dialog."""
    try:
        meta = _pressed_decision(turn)
        allowed = decide.check(turn.db, actor=turn.actor, step_id=meta.step_id)
    except Refused as refused:
        return dialog_message(refused.text)
    if rules.spec(allowed.purpose, meta.outcome) is None:
        return dialog_message(STALE_BUTTON)
    return dialog(
        decision_text_form(meta.step_id, meta.outcome, allowed.purpose, allowed.reference)
    )


def submit_decision_text(turn: Turn) -> dict[str, Any]:
    """task/submit of the reason or note: decided, or the dialog again with the problem at
    the field and the words kept."""
    data = turn.value.get("data") if isinstance(turn.value, dict) else None
    try:
        meta = read_payload(Decision, data)
        allowed = decide.check(turn.db, actor=turn.actor, step_id=meta.step_id)
    except BadPayload:
        return dialog_message(STALE_BUTTON)
    except Refused as refused:
        return dialog_message(refused.text)
    form = decision_text_form(meta.step_id, meta.outcome, allowed.purpose, allowed.reference)
    answers = forms.answers(form, data)
    text = (answers.text(Block.TEXT) or "").strip()
    try:
        if len(text) > TEXT_MAX:
            raise Refused(f"Please keep this to {TEXT_MAX} characters or fewer.", Block.TEXT)
        done = _decide(turn, meta, text)
    except Refused as refused:  # shown on the form's one field, as on Slack
        return dialog(form, answers=answers, errors={Block.TEXT: refused.text})
    return dialog_message(_told(done))
