"""Ending an interest from /conduct mine: the form for the end date, and the end recorded
(bot.usecases.interests.end_interest)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.rules.refusal import Refused
from bot.usecases.declare import office_day
from bot.usecases.interests import NOT_FOUND, end_interest, endable
from handlers.context import Env
from handlers.interests.form import read_end_date
from handlers.interests.ids import END_DATE
from handlers.interests.views import end_modal
from handlers.metadata import DeclarationRef
from storage.models import Staff


def _actor_id(actor: Staff | None, field: str | None = None) -> int:
    if actor is None or actor.id is None:
        raise Refused(NOT_FOUND, field)
    return actor.id


def open_end_interest(
    ack: Ack,
    body: dict[str, Any],
    meta: DeclarationRef,
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    """The "End this interest…" button in /conduct mine: ask for the end date."""
    ack()
    interest = endable(env.db, actor_id=_actor_id(actor), declaration_id=meta.declaration_id)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=end_modal(
            declaration_id=interest.declaration_id,
            reference=interest.reference,
            what=interest.what,
            today=office_day(env.settings, env.now()),
        ),
    )


def submit_end_interest(
    ack: Ack,
    view: dict[str, Any],
    meta: DeclarationRef,
    actor: Staff | None,
    env: Env,
) -> None:
    end_interest(
        env.db,
        actor_id=_actor_id(actor, END_DATE),
        declaration_id=meta.declaration_id,
        ended_on=read_end_date(view["state"]["values"]),
        settings=env.settings,
        now=env.now(),
    )
    ack()
