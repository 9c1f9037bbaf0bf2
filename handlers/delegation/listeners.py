"""/conduct delegate: the form, the one-line shortcut, and ending a delegation early."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from slack_sdk.models.views import View

from bot.rules import delegation as rules
from bot.rules.refusal import Refused
from bot.settings import Settings
from bot.usecases import delegate as delegate_
from handlers.conduct import ConductRequest
from handlers.context import Turn
from handlers.delegation import messages
from handlers.delegation.form import (
    FormValues,
    Unparsable,
    parse_shortcut,
    read_delegation_form,
)
from handlers.delegation.views import Current, delegate_modal
from handlers.notifier import Notifier
from storage import delegations, staff
from storage.db import Database
from storage.models import Staff

log = logging.getLogger(__name__)

NOT_IN_ORG_CHART = (
    "Nolan can't find you in the office's org chart, so you have no approvals to delegate. "
    "Please ask an admin to add you (python -m bot staff import)."
)
NOT_KNOWN_ON_FORM = "Nolan can't find you in the org chart: ask an admin."
END_WORDS = frozenset({"end", "stop", "cancel"})


def _today(settings: Settings, clock: Callable[[], datetime]) -> date:
    return clock().astimezone(settings.policy.tz).date()


def delegate(request: ConductRequest) -> None:
    """`/conduct delegate` (the form), `… @person until DATE` or `… end`."""
    if not request.args:
        _open_modal(request)
    elif request.args[0].lower() in END_WORDS and len(request.args) == 1:
        _end_now(request)
    else:
        _shortcut(request)


def _open_modal(request: ConductRequest) -> None:
    view = delegation_form_for(
        request.db,
        slack_user_id=request.user_id,
        today=_today(request.settings, request.clock),
    )
    if view is None:
        request.reply(NOT_IN_ORG_CHART)
        return
    request.ack()
    request.client.views_open(trigger_id=request.command["trigger_id"], view=view)


def delegation_form_for(db: Database, *, slack_user_id: str, today: date) -> View | None:
    """The delegation form, showing any delegation in place (None: not in the org chart);
    `/conduct delegate` and the App Home's button both open it."""
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=slack_user_id)
        current = None
        if me is not None and me.id is not None:
            found = delegations.open_for(session, delegator_id=me.id)
            if found:
                deputy = staff.by_id(session, staff_id=found[-1].deputy_id)
                current = Current(
                    deputy.display_name if deputy else "a colleague",
                    found[-1].starts_on,
                    found[-1].ends_on,
                )
    if me is None:
        return None
    return delegate_modal(today=today, current=current)


def _create(
    db: Database,
    *,
    delegator: Staff | None,
    values: FormValues,
    today: date,
    now: datetime,
    confirm: bool,
) -> delegate_.Created:
    """The deputy's Slack id to their staff row, then the use case (raises
    rules.InvalidDelegation, or Refused if the delegator is not in the org chart)."""
    if delegator is None or delegator.id is None:
        raise Refused(NOT_IN_ORG_CHART)
    with db.session() as session:
        deputy = (
            staff.by_slack_id(session, slack_user_id=values.deputy_slack_id)
            if values.deputy_slack_id
            else None
        )
        me = staff.by_id(session, staff_id=delegator.id)
        if me is None:
            raise Refused(NOT_IN_ORG_CHART)
        return delegate_.delegate(
            session,
            delegator=me,
            deputy_id=deputy.id if deputy else None,
            deputy_chosen=values.deputy_slack_id is not None,
            starts_on=values.starts_on,
            ends_on=values.ends_on,
            today=today,
            now=now,
            confirm=confirm,
        )


def submit_delegation(turn: Turn) -> None:
    values = read_delegation_form(turn.view["state"]["values"])
    _create(
        turn.db,
        delegator=turn.actor,
        values=values,
        today=_today(turn.settings, turn.env.clock),
        now=turn.now(),
        confirm=True,
    )
    turn.ack()


def _shortcut(request: ConductRequest) -> None:
    text = (request.command.get("text") or "").strip()
    rest = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    try:
        values = parse_shortcut(rest)
        created = _create(
            request.db,
            delegator=request.actor,
            values=values,
            today=_today(request.settings, request.clock),
            now=request.clock(),
            confirm=False,
        )
    except Unparsable as problem:
        request.reply(str(problem))
        return
    except rules.InvalidDelegation as invalid:
        request.reply("Nolan couldn't delegate: " + " ".join(invalid.errors.values()))
        return
    request.reply(confirmation(created))


def confirmation(created: delegate_.Created) -> str:
    return messages.confirmation(
        deputy_name=created.deputy.display_name,
        starts_on=created.period.starts_on,
        ends_on=created.period.ends_on,
        moved=len(created.started.moves),
        today=created.today,
    )


def _end_now(request: ConductRequest) -> None:
    request.reply(end_now(request.db, request.actor, now=request.clock()))


def end_now(db: Database, actor: Staff | None, *, now: datetime) -> str:
    """End this person's delegations now (bot.usecases.delegate.end_delegations: committed,
    what it tells queued); what to tell them."""
    if actor is None or actor.id is None:
        return NOT_IN_ORG_CHART
    with db.session() as session:
        ended = delegate_.end_delegations(session, delegator=actor, now=now)
        deputies = staff.by_ids(session, ids={e.delegation.deputy_id for e in ended})
    if not ended:
        return "You have no delegation to end: your approvals come to you."
    moved = sum(len(e.moves) for e in ended)
    names = " and ".join(sorted({deputies[e.delegation.deputy_id].display_name for e in ended}))
    return messages.ended_for_delegator(
        deputy_name=names, moved=moved, by_itself=False, ends_on=ended[-1].delegation.ends_on
    )


def end_delegations(
    db: Database, notifier: Notifier, *, slack_user_id: str, now: datetime
) -> tuple[str, Callable[[], None]]:
    """`end_now` for the App Home's button, by Slack id. The second value, once the telling
    of the deputies, is nothing now: the outbox sends what ending a delegation owes."""
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=slack_user_id)
    return end_now(db, me, now=now), _nothing


def _nothing() -> None:
    """Nothing left to do after answering."""
