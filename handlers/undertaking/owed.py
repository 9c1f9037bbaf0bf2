"""The Slack drawing of the code of conduct undertaking the sweep (or an admin's send-all)
owes (bot.usecases.yearly), left out once it has been accepted."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.yearly import UNDERTAKING, undertaking_as_sent
from handlers.outgoing import Drawn, Office, card
from handlers.undertaking.messages import undertaking_message


@card(UNDERTAKING, office=True)
def _draw_undertaking(session: Session, message: Queued, office: Office) -> Drawn | None:
    found = undertaking_as_sent(session, message)
    if found is None:
        return None
    return Drawn(
        undertaking_message(
            name=found.person.display_name,
            policy=office.policy,
            link=found.link,
            why=found.why,
            reminder=found.reminder,
        )
    )
