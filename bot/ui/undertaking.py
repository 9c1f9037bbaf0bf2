"""The code of conduct undertaking, described once: Cumbria OPCC's "Codes of Conduct
Undertaking" in the person's and the office's names, the card that asks for it with a button
to accept it, and the card once accepted (Slack: handlers/undertaking/messages.py draws its
own DM from the same words).

Cumbria's form also has staff undertake to stand by its Anti-Discrimination Code and its
Commissioner-Officer Protocol; those are Cumbria's own documents, so Nolan's wording keeps
the parts every office shares: the role, the code of conduct, and the notification of
interests kept up to date with the monitoring officer.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.rules.annual import UNDERTAKING_REMINDER_WEEKS, UNDERTAKING_VERSION
from bot.settings import Policy
from bot.ui.cards import Button, Card, Decided, Style
from bot.ui.payload import Payload
from bot.ui.text import escape

HEADER = "Code of conduct undertaking"
BUTTON = "I have read and will comply with the code"
ACCEPT = "undertaking_accept"  # the button's id, as on Slack


class Why(StrEnum):
    """Why the undertaking is sent to someone."""

    STARTER = "starter"  # a later import of the org chart brought them in
    EVERYONE = "everyone"  # an admin sent it to all staff when the office adopted Nolan
    ASKED = "asked"  # they asked for it (conduct undertaking)


class UndertakingVersion(Payload):
    """Which wording of the undertaking the button accepts."""

    version: str


def undertaking_text(name: str, policy: Policy) -> str:
    """The undertaking itself, as a quote, in the person's and the office's names."""
    office = escape(policy.office_name)
    officer = escape(policy.monitoring_officer_title)
    lines = [
        f"I, *{escape(name)}*, as a member of staff of {office}, declare that I will duly and "
        "faithfully fulfil the requirements of this role according to the best of my judgement "
        f"and ability and within the codes adopted by {office}.",
        "I undertake to observe and comply with the Code of Conduct expected from members of "
        f"staff, as adopted by {office}, of which I am supplied with a copy.",
        "I undertake to notify my financial and other interests to the "
        f"{officer} for entry in the Register of Interests, and to update the {officer} on "
        "any changes to those notifiable interests.",
    ]
    return "\n".join(f"> {line}" for line in lines)


def link_line(policy: Policy, link: str | None) -> str:
    """Where to read the code (the policy marked as the code, else the setting), or whom
    to ask for it."""
    url = (link or policy.code_of_conduct_url or "").strip()
    if url and not any(c in url for c in "<>| "):
        return f"Read the code of conduct: <{url}|the staff code of conduct>."
    return (
        f"Ask the {escape(policy.monitoring_officer_title)} for a copy of the code of conduct "
        "before you accept."
    )


def intro(*, name: str, policy: Policy, why: Why, reminder: int, platform: str) -> str:
    """Why the undertaking came (marked text); `platform` names where Nolan keeps the code."""
    office = escape(policy.office_name)
    if reminder:
        return (
            f"*Reminder {reminder} of {UNDERTAKING_REMINDER_WEEKS}:* you haven't yet accepted "
            f"the code of conduct undertaking of {office}. Please read it and press the button."
        )
    if why is Why.STARTER:
        return (
            f"Welcome to {office}, {escape(name)}. Every member of staff makes this "
            "undertaking when they join. Please read the code of conduct and the undertaking, "
            "then press the button."
        )
    if why is Why.EVERYONE:
        return (
            f"{office} now keeps its staff code of conduct in {platform}, with Nolan. Every "
            "member of staff makes this undertaking: please read the code and the undertaking, "
            "then press the button."
        )
    return "Here is the code of conduct undertaking. Please read it, then press the button."


def undertaking_card(*, name: str, policy: Policy, link: str | None, intro: str) -> Card:
    """The undertaking to accept, with its button; `intro` says why it came (marked text)."""
    return Card(
        title=HEADER,
        summary=f"The code of conduct undertaking of {policy.office_name}: please read and "
        "accept it.",
        intro=intro,
        sections=(("The undertaking", undertaking_text(name, policy)),),
        note=link_line(policy, link),
        actions=(
            Button(
                id=ACCEPT,
                label=BUTTON,
                payload=UndertakingVersion(version=UNDERTAKING_VERSION),
                style=Style.PRIMARY,
            ),
        ),
        footnotes=(
            "Nolan records your acceptance with its date and time. (Wording from "
            "Cumbria OPCC's Codes of Conduct Undertaking.)",
        ),
    )


def accepted_card(*, name: str, policy: Policy, link: str | None, at: datetime) -> Card:
    """The undertaking as accepted, and when: the receipt."""
    return Card(
        title=HEADER,
        summary="You accepted the code of conduct undertaking. Thank you.",
        intro="Thank you: your acceptance is recorded.",
        sections=(("The undertaking", undertaking_text(name, policy)),),
        note=link_line(policy, link),
        decided=Decided("*Accepted*", by=name, at=at),
    )
