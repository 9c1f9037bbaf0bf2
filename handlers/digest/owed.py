"""The Slack drawing of the weekly governance digest the sweep owes (bot.jobs.digest): the
office's counts as they stand when it is posted (the payload's "monday" names the week it is
owed for), and how many people Nolan can't reach, where there are any."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.governance import DIGEST
from bot.usecases.unreachable import people_unreachable
from handlers.digest import messages
from handlers.outgoing import Drawn, Office, card
from storage.governance import gather


@card(DIGEST, office=True)
def _draw_digest(session: Session, message: Queued, office: Office) -> Drawn:
    policy = office.policy
    counts = gather(
        session,
        today=office.today,
        now=office.at,
        tz=policy.tz,
        policy_window_days=max(policy.policy_lead_days),
    )
    return Drawn(
        messages.digest(
            counts, office=policy.office_name, unreachable=people_unreachable(session)
        )
    )
