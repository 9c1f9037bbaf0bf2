"""The Slack Home's loading: the person by their Slack id, ten items a list (a Home tab holds
100 blocks); the loading itself is the platform-neutral use case bot.usecases.home."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.settings import Policy
from bot.ui import home_model as model
from bot.ui.home_model import Pages
from bot.usecases.home import home_of
from storage import staff
from storage.models import Staff

PAGE_SIZE = 10


def load_home(
    session: Session,
    *,
    slack_user_id: str,
    policy: Policy,
    now: datetime,
    pages: Pages,
    me: Staff | None = None,
    manages: bool | None = None,
) -> model.Home | None:
    """None for someone not in the org chart. `me`: the person, already loaded by a caller
    that found them some other way (a refresh names them by staff id): not read again;
    `manages`: whether anyone reports to them, if that caller read it too."""
    if me is None:
        me = staff.by_slack_id(session, slack_user_id=slack_user_id)
    return home_of(
        session, me, policy=policy, now=now, pages=pages, page_size=PAGE_SIZE, manages=manages
    )
