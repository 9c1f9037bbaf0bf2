"""/conduct delegate: the form, the one-line shortcut, and ending a delegation early."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk.models.views import View

from bot.notifier import Notifier
from bot.rules import delegation as rules
from bot.settings import Settings
from handlers import slack_ui
from handlers.conduct import ConductRequest
from handlers.delegation import messages, service
from handlers.delegation.announce import announce_created, announce_ended, confirmation
from handlers.delegation.form import (
    FormValues,
    Unparsable,
    parse_shortcut,
    read_delegation_form,
)
from handlers.delegation.views import Current, delegate_modal
from storage import delegations, staff
from storage.db import Database

log = logging.getLogger(__name__)

NOT_IN_ORG_CHART = (
    "Nolan can't find you in the office's org chart, so you have no approvals to delegate. "
    "Please ask an admin to add you (python -m bot staff import)."
)
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
    db: Database, *, delegator_slack_id: str, values: FormValues, today: date, now: datetime
) -> service.Created:
    """Validate and store (raises rules.InvalidDelegation, or LookupError if the delegator is
    not in the org chart); commits before anyone is told."""
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=delegator_slack_id)
        if me is None or me.id is None:
            raise LookupError(NOT_IN_ORG_CHART)
        deputy = (
            staff.by_slack_id(session, slack_user_id=values.deputy_slack_id)
            if values.deputy_slack_id
            else None
        )
        away = None
        if deputy is not None and deputy.id is not None:
            theirs = delegations.current_for(session, delegator_id=deputy.id, on=today)
            away = (theirs.deputy_id, theirs.ends_on) if theirs else None
        period = rules.validate(
            rules.DelegationRequest(
                delegator_id=me.id,
                deputy_id=deputy.id if deputy else None,
                deputy_chosen=values.deputy_slack_id is not None,
                starts_on=values.starts_on,
                ends_on=values.ends_on,
                deputy_away=away,
            ),
            today,
        )
        assert deputy is not None
        started = service.start(
            session, delegator=me, deputy=deputy, period=period, today=today, now=now
        )
        session.commit()
        return service.Created(me, deputy, period, today, started)


def submit_delegation(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    db: Database,
    settings: Settings,
    notifier: Notifier,
    clock: Callable[[], datetime],
) -> None:
    values = read_delegation_form(view["state"]["values"])
    now = clock()
    try:
        created = _create(
            db,
            delegator_slack_id=body["user"]["id"],
            values=values,
            today=_today(settings, clock),
            now=now,
        )
    except rules.InvalidDelegation as invalid:
        ack(**slack_ui.field_errors(invalid.errors))
        return
    except LookupError:
        ack(
            **slack_ui.field_errors(
                {rules.Field.DEPUTY: "Nolan can't find you in the org chart: ask an admin."}
            )
        )
        return
    ack()
    announce_created(db, notifier, created, confirm=True)


def _shortcut(request: ConductRequest) -> None:
    text = (request.command.get("text") or "").strip()
    rest = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    try:
        values = parse_shortcut(rest)
        created = _create(
            request.db,
            delegator_slack_id=request.user_id,
            values=values,
            today=_today(request.settings, request.clock),
            now=request.clock(),
        )
    except Unparsable as problem:
        request.reply(str(problem))
        return
    except rules.InvalidDelegation as invalid:
        request.reply("Nolan couldn't delegate: " + " ".join(invalid.errors.values()))
        return
    except LookupError:
        request.reply(NOT_IN_ORG_CHART)
        return
    request.reply(confirmation(created))
    announce_created(request.db, request.notifier, created, confirm=False)


def _end_now(request: ConductRequest) -> None:
    reply, announce = end_delegations(
        request.db, request.notifier, slack_user_id=request.user_id, now=request.clock()
    )
    request.reply(reply)
    announce()


def end_delegations(
    db: Database, notifier: Notifier, *, slack_user_id: str, now: datetime
) -> tuple[str, Callable[[], None]]:
    """End this person's delegations now (committed); returns what to tell the person and
    the telling of the deputies, to run after answering (`/conduct delegate end` and the App
    Home's button)."""
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=slack_user_id)
        if me is None or me.id is None:
            return NOT_IN_ORG_CHART, lambda: None
        ended: list[service.Ended] = []
        for open_one in delegations.open_for(session, delegator_id=me.id):
            assert open_one.id is not None
            found = service.end(
                session, delegation_id=open_one.id, actor_id=me.id, by_itself=False, now=now
            )
            if found is not None:
                ended.append(found)
        session.commit()
        deputies = staff.by_ids(session, ids={e.delegation.deputy_id for e in ended})
    if not ended:
        return "You have no delegation to end: your approvals come to you.", lambda: None
    moved = sum(len(e.moves) for e in ended)
    names = " and ".join(sorted({deputies[e.delegation.deputy_id].display_name for e in ended}))
    reply = messages.ended_for_delegator(
        deputy_name=names, moved=moved, by_itself=False, ends_on=ended[-1].delegation.ends_on
    )
    return reply, lambda: announce_ended(
        db, notifier, ended, delegator=me, deputies=deputies, by_itself=False
    )
