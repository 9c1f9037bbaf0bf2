"""/conduct notify: open the confidential form, read it, and give the notice
(bot.usecases.notices); the receipt drawn for Slack."""

from __future__ import annotations

import logging

from slack_sdk.models.views import View
from sqlmodel import Session

from bot.outbox import Queued
from bot.rules import notices as rules
from bot.settings import Settings
from bot.usecases.declare import office_day
from bot.usecases.notices import RECEIPT, give_notice, receivers, titles_of
from handlers.approvals import owed
from handlers.conduct import ConductRequest
from handlers.context import Turn
from handlers.notices.cards import receipt
from handlers.notices.form import read_notice_form
from handlers.notices.views import notice_modal
from handlers.outgoing import Drawn, card
from storage import declarations, staff
from storage.db import Database

log = logging.getLogger(__name__)

NOT_IN_ORG_CHART = (
    "Nolan can't find you in the org chart, so it can't send this. Please tell the head of "
    "office directly, and ask an admin to add you."
)


def open_notice_modal(request: ConductRequest) -> None:
    view = notice_form_for(request.db, request.settings, slack_user_id=request.user_id)
    if view is None:
        request.reply(NOT_IN_ORG_CHART)
        return
    request.ack()
    request.client.views_open(trigger_id=request.command["trigger_id"], view=view)


def notice_form_for(db: Database, settings: Settings, *, slack_user_id: str) -> View | None:
    """The /conduct notify form (None: not in the org chart); also the App Home's button."""
    with db.session() as session:
        me = staff.by_slack_id(session, slack_user_id=slack_user_id)
    if me is None:
        return None
    policy = settings.policy
    return notice_modal(audience=rules.audience(policy.chain("notice"), titles_of(policy)))


def submit_notice(turn: Turn) -> None:
    now = turn.now()
    details = rules.validate(
        read_notice_form(turn.view["state"]["values"]), office_day(turn.settings, now)
    )
    give_notice(turn.db, declarant=turn.staff, details=details, settings=turn.settings, now=now)
    turn.ack()


@card(RECEIPT, after=owed.notified("declarant"))
def _draw_receipt(session: Session, message: Queued) -> Drawn | None:
    """To whom it went (by name and title), and who to tell if Nolan found no one."""
    payload = message.payload
    record = declarations.load_record(session, declaration_id=int(payload["declaration_id"]))
    if record is None:
        return None
    recipients = receivers(record, payload)
    return Drawn(receipt(record, recipients, payload["unrouted"], payload["fallback"]))
