"""Delegation on Teams: `conduct delegate` (a card whose button opens the form: Teams cannot
open a dialog from typed text), the form in a dialog (also the Home's "Delegate…"),
`conduct delegate end` (and the Home's "End delegation"), and the messages a delegation
owes (bot.usecases.delegate), drawn for Teams."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.rules import delegation as rules
from bot.rules.delegation import Field as DelegationField
from bot.teams.conduct import said, subcommand, tell
from bot.teams.drawers import Drawn, drawer, prompt
from bot.teams.forms import answers as read_answers
from bot.teams.home import home_card
from bot.teams.home_flow import load_for
from bot.teams.invoke_responses import card_replaced, dialog
from bot.teams.router import ADAPTIVE_CARD_ACTION, TASK_FETCH, TASK_SUBMIT, Router, Turn
from bot.ui import delegation as told
from bot.ui.cards import Button, Style
from bot.ui.delegation import FORM_ID, Current, delegate_form
from bot.ui.forms import Form
from bot.ui.home_model import Action
from bot.usecases import delegate as delegate_
from bot.usecases.home import current_delegation
from storage import delegations, staff
from storage.models import Delegation, Staff

WORD = "delegate"
END_WORDS = frozenset({"end", "stop", "cancel"})
END_COMMAND = "type *conduct delegate end* in this chat"
PROMPT = "delegation_prompt"  # the card with the button that opens the form
INTRO = (
    "Hand your approvals to a colleague while you are away: anything waiting for you "
    "moves to them until the last day you choose."
)
NOT_AN_APPROVER = "Nolan can't find you in the org chart, so you have no approvals to delegate."


def register(router: Router) -> None:
    subcommand(WORD, conduct_delegate, "hand your approvals to a deputy while you are away "
               "(conduct delegate end: stop)")
    router.invoke(TASK_FETCH, open_form, key=Action.SET_DELEGATION.value)
    router.invoke(TASK_SUBMIT, submit_form, key=FORM_ID)
    router.invoke(ADAPTIVE_CARD_ACTION, end_from_home, key=Action.END_DELEGATION.value)


def _today(turn: Turn) -> date:
    return turn.clock().astimezone(turn.settings.policy.tz).date()


def _form(turn: Turn, me_id: int) -> Form:
    with turn.db.session() as session:
        current = current_delegation(session, me_id)
    now = Current(current.deputy, current.starts_on, current.ends_on) if current else None
    return delegate_form(today=_today(turn), current=now, end_command=END_COMMAND)


def conduct_delegate(turn: Turn) -> None:
    """`conduct delegate`: the button to the form; `… end`: end it now. Anything after
    `delegate` else also gets the button: on Teams the deputy is chosen in the form."""
    if turn.args.lower() in END_WORDS:
        tell(turn, end_now(turn))
        return
    with turn.db.session() as session:
        turn.tell(session, PROMPT)
        session.commit()


def open_form(turn: Turn) -> dict[str, Any]:
    assert turn.actor is not None and turn.actor.id is not None  # strangers: bot.teams.edge
    return dialog(_form(turn, turn.actor.id))


def submit_form(turn: Turn) -> dict[str, Any] | None:
    """The form sent: the delegation made (the confirmation comes by the outbox, as the
    dialog closes), or the form again with each error at its field and every answer kept."""
    me = turn.actor
    assert me is not None and me.id is not None
    form = _form(turn, me.id)
    data = turn.value.get("data") if isinstance(turn.value, dict) else None
    answers = read_answers(form, data)
    picked = answers.person(DelegationField.DEPUTY)
    try:
        with turn.db.session() as session:
            deputy = staff.by_teams_id(session, teams_id=picked) if picked else None
            delegator = staff.by_id(session, staff_id=me.id)
            assert delegator is not None
            delegate_.delegate(
                session,
                delegator=delegator,
                deputy_id=deputy.id if deputy else None,
                deputy_chosen=picked is not None,
                starts_on=answers.date(DelegationField.STARTS_ON),
                ends_on=answers.date(DelegationField.ENDS_ON),
                today=_today(turn),
                now=turn.clock(),
                confirm=True,
            )
    except rules.InvalidDelegation as invalid:
        return dialog(form, answers=answers, errors=invalid.errors)
    return None


def end_now(turn: Turn) -> str:
    """End the person's delegations now (the use case commits and owes the deputy's notice
    and the moved cards); what to tell them."""
    me = turn.actor
    if me is None or me.id is None:
        return NOT_AN_APPROVER
    with turn.db.session() as session:
        delegator = staff.by_id(session, staff_id=me.id)
        assert delegator is not None
        ended = delegate_.end_delegations(session, delegator=delegator, now=turn.clock())
        deputies = staff.by_ids(session, ids={e.delegation.deputy_id for e in ended})
    if not ended:
        return "You have no delegation to end: your approvals come to you."
    names = " and ".join(sorted({deputies[e.delegation.deputy_id].display_name for e in ended}))
    return told.ended_for_delegator(
        deputy_name=names,
        moved=sum(len(e.moves) for e in ended),
        by_itself=False,
        ends_on=ended[-1].delegation.ends_on,
    )


def end_from_home(turn: Turn) -> dict[str, Any]:
    """The Home's "End delegation": ended, told in the chat, and the Home drawn again."""
    assert turn.actor is not None and turn.actor.id is not None
    tell(turn, end_now(turn))
    with turn.db.session() as session:
        home = load_for(session, turn.actor.id)
    return card_replaced(home_card(home))


# -- what is sent ------------------------------------------------------------------------------


@drawer(PROMPT)
def draw_prompt(_session: Session, _message: Queued) -> Drawn:
    return prompt(INTRO, Button(id=Action.SET_DELEGATION, label="Delegate…", style=Style.PRIMARY))


Found = tuple[Delegation, Staff, Staff]


def _load(session: Session, message: Queued) -> Found | None:
    return delegations.with_people(session, delegation_id=int(message.payload["delegation_id"]))


def _drawing(draw: Callable[[Queued, Found], str]) -> Callable[[Session, Queued], Drawn | None]:
    def drawn(session: Session, message: Queued) -> Drawn | None:
        found = _load(session, message)
        return said(draw(message, found)) if found is not None else None

    return drawn


def _made(message: Queued, found: Found) -> str:
    delegation, delegator, deputy = found
    when: dict[str, Any] = {
        "starts_on": delegation.starts_on,
        "ends_on": delegation.ends_on,
        "moved": int(message.payload["moved"]),
        "today": date.fromisoformat(message.payload["today"]),
    }
    if message.kind == delegate_.CONFIRMED:
        return told.confirmation(
            deputy_name=deputy.display_name, end_command=END_COMMAND, **when
        )
    return told.deputy_notice(delegator_name=delegator.display_name, **when)


def _ended(message: Queued, found: Found) -> str:
    delegation, delegator, deputy = found
    moved, by_itself = int(message.payload["moved"]), bool(message.payload["by_itself"])
    if message.payload.get("told") == "delegator":
        return told.ended_for_delegator(
            deputy_name=deputy.display_name,
            moved=moved,
            by_itself=by_itself,
            ends_on=delegation.ends_on,
        )
    return told.ended_for_deputy(
        delegator_name=delegator.display_name, moved=moved, by_itself=by_itself
    )


drawer(delegate_.DEPUTY_NOTICE)(_drawing(_made))
drawer(delegate_.CONFIRMED)(_drawing(_made))
drawer(delegate_.ENDED)(_drawing(_ended))
