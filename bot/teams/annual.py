"""The annual declaration on Teams: the card the sweep owes each member of staff
(bot.jobs.annual) with Slack's three answers — "Nothing has changed" (an `Action.Execute`:
the answer recorded once, the card replaced in place by the receipt), "Declare an interest"
and "Ask about outside work" (each opens the same dialog as the `interest` and
`outside-work` commands: the declaration is the answer) — the monitoring officer's list of
who has not answered at the end of the reminders, and `conduct annual [YEAR]` (that list as
it stands, for the monitoring officer or an admin)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from bot.outbox import Queued
from bot.rules.refusal import Refused
from bot.teams.cards import adaptive_card, pressed
from bot.teams.conduct import subcommand, tell
from bot.teams.declare import outside_work_form_for
from bot.teams.dialogs import dialog
from bot.teams.drawers import Drawn, drawer
from bot.teams.home_flow import office_policy, office_today
from bot.teams.interests import interest_form_for
from bot.teams.invoke_responses import action_error, card_replaced
from bot.teams.router import ADAPTIVE_CARD_ACTION, Router, Turn
from bot.ui.annual import (
    ASK_OUTSIDE_WORK,
    DECLARE_INTEREST,
    NOTHING_CHANGED,
    OPENS_FORM,
    AnnualYear,
    annual_card,
    interest_line,
    not_answered_card,
    recorded_card,
    work_line,
)
from bot.ui.payload import BadPayload, decode
from bot.usecases.annual import Outstanding
from bot.usecases.answers import confirm_annual
from bot.usecases.yearly import (
    ANNUAL,
    NONRESPONDERS,
    annual_as_sent,
    asked_not_answered,
    nonresponders,
)

WORD = "annual"
LIST = "annual_not_answered_teams"  # `conduct annual`'s list, as it stands (payload: year)
USAGE = (
    "Type *conduct annual* (or *conduct annual YEAR*): who has not answered the annual declaration."
)
NOT_ASKED = "not on Teams: Nolan could not ask them"
NOT_OURS = "That button didn't come from one of Nolan's cards."


def register(router: Router) -> None:
    router.invoke(ADAPTIVE_CARD_ACTION, nothing_changed, key=NOTHING_CHANGED)
    dialog(router, DECLARE_INTEREST, interest_form_for)
    dialog(router, ASK_OUTSIDE_WORK, outside_work_form_for)
    subcommand(
        WORD,
        conduct_annual,
        "the monitoring officer and admins: who has not answered the annual declaration",
    )


def nothing_changed(turn: Turn) -> dict[str, Any]:
    """ "Nothing has changed": recorded once (a second press, or a press on a reminder, finds
    the first answer); the receipt of the answer that stands replaces the card."""
    press = pressed(turn.value)
    try:
        year = decode(AnnualYear, press.payload if press else None).year
    except BadPayload:
        return action_error(NOT_OURS)
    assert turn.actor is not None  # strangers: bot.teams.edge
    answer = confirm_annual(turn.db, actor=turn.actor, year=year, now=turn.clock())
    receipt = recorded_card(
        year=year, response=answer.response, name=turn.actor.display_name, at=answer.at
    )
    return card_replaced(adaptive_card(receipt))


def conduct_annual(turn: Turn) -> None:
    try:
        report = asked_not_answered(
            turn.db,
            actor=turn.actor,
            words=turn.args.split(),
            usage=USAGE,
            settings=turn.settings,
            now=turn.clock(),
        )
    except Refused as refused:
        tell(turn, refused.text)
        return
    if report is None:
        tell(turn, USAGE)
        return
    with turn.db.session() as session:
        turn.tell(session, LIST, year=report.round_.year)
        session.commit()


@drawer(ANNUAL)
def draw_annual(session: Session, message: Queued) -> Drawn | None:
    policy = office_policy()
    found = annual_as_sent(session, message, policy, office_today())
    if found is None:
        return None  # answered since, or left
    held = found.holdings
    card = annual_card(
        name=found.person.display_name,
        round_=found.round_,
        interests=[
            interest_line(
                ref,
                category=i.category,
                organisation=i.organisation,
                description=i.description,
                waiting_for=held.waiting_for.get(i.declaration_id),
            )
            for ref, i in held.interests
        ],
        outside_work=[
            work_line(ref, role=w.role, organisation=w.organisation, since=w.start_date)
            for ref, w in held.outside_work
        ],
        policy=policy,
        reminder=found.reminder,
    )
    return Drawn(card.summary, adaptive_card(card, dialogs=OPENS_FORM))


def _list(report: Outstanding, *, final: bool, today: date) -> Drawn:
    card = not_answered_card(
        report.round_,
        expected=report.expected,
        confirmed=report.confirmed,
        updated=report.updated,
        missing=[(p.name, bool(p.teams_id)) for p in report.missing],
        final=final,
        today=today,
        not_asked=NOT_ASKED,
    )
    return Drawn(card.summary, adaptive_card(card))


@drawer(NONRESPONDERS)
def draw_nonresponders(session: Session, message: Queued) -> Drawn:
    policy = office_policy()
    return _list(nonresponders(session, message, policy), final=True, today=office_today())


@drawer(LIST)
def draw_list(session: Session, message: Queued) -> Drawn:
    policy = office_policy()
    return _list(nonresponders(session, message, policy), final=False, today=office_today())
