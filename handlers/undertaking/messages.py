"""The code of conduct undertaking: Cumbria OPCC's "Codes of Conduct Undertaking", in the
office's name, with a button to accept it; and the DM once accepted.

Cumbria's form also has staff undertake to stand by its Anti-Discrimination Code and its
Commissioner-Officer Protocol; those are Cumbria's own documents, so Nolan's wording keeps
the parts every office shares: the role, the code of conduct, and the notification of
interests kept up to date with the monitoring officer.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.notifier import Message
from bot.rules.annual import UNDERTAKING_REMINDER_WEEKS, UNDERTAKING_VERSION
from bot.settings import Policy
from bot.ui.undertaking import BUTTON, HEADER, link_line, undertaking_text
from handlers.text import clip, escape, slack_date
from handlers.undertaking.ids import Action, UndertakingRef


class Why(StrEnum):
    STARTER = "starter"  # a later import of the org chart brought them in
    EVERYONE = "everyone"  # an admin sent it to all staff when the office adopted Nolan
    ASKED = "asked"  # they asked for it (/conduct undertaking)


def undertaking_message(
    *, name: str, policy: Policy, link: str | None, why: Why, reminder: int = 0
) -> Message:
    office = escape(policy.office_name)
    if reminder:
        intro = (
            f"*Reminder {reminder} of {UNDERTAKING_REMINDER_WEEKS}:* you haven't yet accepted "
            f"the code of conduct undertaking of {office}. Please read it and press the button."
        )
    elif why is Why.STARTER:
        intro = (
            f"Welcome to {office}, {escape(name)}. Every member of staff makes this "
            "undertaking when they join. Please read the code of conduct and the undertaking, "
            "then press the button."
        )
    elif why is Why.EVERYONE:
        intro = (
            f"{office} now keeps its staff code of conduct in Slack, with Nolan. Every member "
            "of staff makes this undertaking: please read the code and the undertaking, then "
            "press the button."
        )
    else:
        intro = "Here is the code of conduct undertaking. Please read it, then press the button."
    blocks: list[Block] = [
        HeaderBlock(text=HEADER),
        SectionBlock(text=MarkdownTextObject(text=clip(intro, 3000))),
        SectionBlock(text=MarkdownTextObject(text=clip(undertaking_text(name, policy), 3000))),
        SectionBlock(text=MarkdownTextObject(text=link_line(policy, link))),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=BUTTON,
                    action_id=Action.ACCEPT,
                    value=UndertakingRef(version=UNDERTAKING_VERSION).encode(),
                    style="primary",
                )
            ]
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Nolan records your acceptance with its date and time. Declare "
                    "interests with `/interest`; ask before taking on outside work with "
                    "`/outside-work`. (Wording from Cumbria OPCC's Codes of Conduct "
                    "Undertaking.)"
                )
            ]
        ),
    ]
    text = (
        f"Reminder: please accept the code of conduct undertaking of {policy.office_name}."
        if reminder
        else f"The code of conduct undertaking of {policy.office_name}: please read and accept it."
    )
    return Message(text=text, blocks=blocks)


def accepted_message(*, name: str, policy: Policy, link: str | None, at: datetime) -> Message:
    """The DM once accepted: the undertaking as accepted, and when."""
    return Message(
        text="You accepted the code of conduct undertaking. Thank you.",
        blocks=[
            HeaderBlock(text=HEADER),
            SectionBlock(
                text=MarkdownTextObject(
                    text=f":white_check_mark: You accepted this undertaking on "
                    f"{slack_date(at)}. Thank you: it is recorded."
                )
            ),
            SectionBlock(text=MarkdownTextObject(text=clip(undertaking_text(name, policy), 3000))),
            SectionBlock(text=MarkdownTextObject(text=link_line(policy, link))),
        ],
    )
