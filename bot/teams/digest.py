"""The weekly governance digest (bot.jobs.digest), drawn for Teams and posted in
GOVERNANCE_CHANNEL (a Teams channel's conversation id): counts only, never a name, and how
many people Nolan can't reach (Teams answered 403: it isn't installed for them)."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Queued
from bot.teams.drawers import Drawn, drawer
from bot.teams.home_flow import office_policy
from bot.teams.policy_reminders import drawn, drawn_at, drawn_on
from bot.ui.digest import digest_card
from bot.usecases.governance import DIGEST
from bot.usecases.unreachable import people_unreachable
from storage.governance import gather


@drawer(DIGEST)
def draw_digest(session: Session, message: Queued) -> Drawn:
    policy = office_policy()
    counts = gather(
        session,
        today=drawn_on(message),
        now=drawn_at(message),
        tz=policy.tz,
        policy_window_days=max(policy.policy_lead_days),
    )
    card = digest_card(
        counts, office=policy.office_name, unreachable=people_unreachable(session)
    )
    return drawn(card)
