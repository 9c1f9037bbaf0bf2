"""The Slack drawing of the code of conduct undertaking the sweep (or an admin's send-all)
owes (bot.usecases.yearly), left out once it has been accepted; and the DM redrawn as the
receipt of its acceptance (bot.usecases.answers.UNDERTAKING_ACCEPTED)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.answers import UNDERTAKING_ACCEPTED
from bot.usecases.yearly import UNDERTAKING, undertaking_as_sent
from handlers.annual.common import receipt
from handlers.outgoing import Drawn, Office, card
from handlers.undertaking.messages import accepted_message, undertaking_message


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


@card(UNDERTAKING_ACCEPTED, office=True)
def _draw_accepted(_session: Session, message: Queued, office: Office) -> Drawn | None:
    p = message.payload
    accepted = accepted_message(
        name=str(p["person"]),
        policy=office.policy,
        link=p.get("link"),
        at=datetime.fromisoformat(str(p["at"])),
    )
    return receipt(message, accepted)
