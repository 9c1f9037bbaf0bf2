"""The Home tab: publishing it when opened, its buttons, and paging its lists."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk.models.views import View

from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from handlers.context import Turn
from handlers.delegation.listeners import delegation_form_for, end_delegations
from handlers.gifts.listeners import gift_form_for
from handlers.home.ids import Pages
from handlers.home.publish import SlackHomes
from handlers.interests.listeners import interest_form_for
from handlers.notices.listeners import notice_form_for
from handlers.outside_work.listeners import outside_work_form_for
from handlers.replies import notice_view


def home_opened(event: dict[str, Any], homes: SlackHomes) -> None:
    """Slack sends app_home_opened for the Messages tab too: only the Home tab is drawn."""
    if event.get("tab", "home") == "home" and event.get("user"):
        homes.publish(event["user"], Pages(), opened=True)  # at the first pages, as Slack


def page(ack: Ack, body: dict[str, Any], action: dict[str, Any], homes: SlackHomes) -> None:
    """ "More" / "Previous": the same Home with another page of one list. A page turned is a
    look at the Home, as an opening is (HOME_WATCH_HOURS): the tab may have stayed open."""
    ack()
    homes.publish(body["user"]["id"], Pages.read(action.get("value")), opened=True)


def _open(turn: Turn, view: View | None) -> None:
    """Open the form, or (None: the person is not in the org chart) say why not."""
    turn.ack()
    if view is None:
        raise Refused(NOT_IN_ORG_CHART)
    turn.open(view)


def declare_gift(turn: Turn) -> None:
    _open(turn, gift_form_for(turn.env, me=turn.actor))


def declare_interest(turn: Turn) -> None:
    _open(turn, interest_form_for(turn.env, me=turn.actor))


def ask_outside_work(turn: Turn) -> None:
    _open(turn, outside_work_form_for(turn.env, me=turn.actor))


def notify(turn: Turn) -> None:
    _open(turn, notice_form_for(turn.db, turn.settings, slack_user_id=turn.user_id))


def set_delegation(turn: Turn) -> None:
    today = turn.now().astimezone(turn.settings.policy.tz).date()
    _open(turn, delegation_form_for(turn.db, slack_user_id=turn.user_id, today=today))


def end_delegation(turn: Turn) -> None:
    """Acked once the delegations have ended, with what that owes, committed."""
    reply, announce = end_delegations(
        turn.db, turn.notifier, slack_user_id=turn.user_id, now=turn.now()
    )
    turn.ack()
    turn.open(notice_view(reply))
    announce()
