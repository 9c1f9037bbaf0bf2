"""The Home tab: publishing it when opened, its buttons, and paging its lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from bot.settings import Settings
from handlers.delegation.listeners import delegation_form_for, end_delegations
from handlers.gifts.listeners import gift_form_for
from handlers.home.ids import Pages
from handlers.home.publish import SlackHomes
from handlers.interests.listeners import interest_form_for
from handlers.notices.listeners import notice_form_for
from handlers.notifier import Notifier
from handlers.outside_work.listeners import outside_work_form_for
from handlers.replies import notice_view
from storage.db import Database


def home_opened(event: dict[str, Any], homes: SlackHomes) -> None:
    """Slack sends app_home_opened for the Messages tab too: only the Home tab is drawn."""
    if event.get("tab", "home") == "home" and event.get("user"):
        homes.publish(event["user"], Pages())  # opening the tab starts at the first pages


def page(ack: Ack, body: dict[str, Any], action: dict[str, Any], homes: SlackHomes) -> None:
    """ "More" / "Previous": the same Home with another page of one list."""
    ack()
    homes.publish(body["user"]["id"], Pages.read(action.get("value")))


def _open(client: WebClient, body: dict[str, Any], view: View | None) -> None:
    """Open the form, or (None: the person is not in the org chart) say why not."""
    if view is None:
        raise Refused(NOT_IN_ORG_CHART)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def declare_gift(
    ack: Ack, body: dict[str, Any], client: WebClient, db: Database, settings: Settings
) -> None:
    ack()
    _open(client, body, gift_form_for(db, settings, slack_user_id=body["user"]["id"]))


def declare_interest(ack: Ack, body: dict[str, Any], client: WebClient, db: Database) -> None:
    ack()
    _open(client, body, interest_form_for(db, slack_user_id=body["user"]["id"]))


def ask_outside_work(
    ack: Ack, body: dict[str, Any], client: WebClient, db: Database, settings: Settings
) -> None:
    ack()
    _open(client, body, outside_work_form_for(db, settings, slack_user_id=body["user"]["id"]))


def notify(
    ack: Ack, body: dict[str, Any], client: WebClient, db: Database, settings: Settings
) -> None:
    ack()
    _open(client, body, notice_form_for(db, settings, slack_user_id=body["user"]["id"]))


def set_delegation(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    ack()
    today = clock().astimezone(settings.policy.tz).date()
    _open(client, body, delegation_form_for(db, slack_user_id=body["user"]["id"], today=today))


def end_delegation(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    db: Database,
    notifier: Notifier,
    clock: Callable[[], datetime],
) -> None:
    ack()
    reply, announce = end_delegations(db, notifier, slack_user_id=body["user"]["id"], now=clock())
    client.views_open(trigger_id=body["trigger_id"], view=notice_view(reply))
    announce()
