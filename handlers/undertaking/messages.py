"""The code of conduct undertaking: Cumbria OPCC's "Codes of Conduct Undertaking", in the
office's name, with a button to accept it; and the DM once accepted.

Cumbria's form also has staff undertake to stand by its Anti-Discrimination Code and its
Commissioner-Officer Protocol; those are Cumbria's own documents, so Nolan's wording keeps
the parts every office shares: the role, the code of conduct, and the notification of
interests kept up to date with the monitoring officer.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.rules.annual import UNDERTAKING_VERSION
from bot.settings import Policy
from bot.ui.undertaking import BUTTON, HEADER, Why, intro, link_line, undertaking_text
from handlers.notifier import Message
from handlers.text import clip, slack_date
from handlers.undertaking.ids import Action, UndertakingRef


def undertaking_message(
    *, name: str, policy: Policy, link: str | None, why: Why, reminder: int = 0
) -> Message:
    said = intro(name=name, policy=policy, why=why, reminder=reminder, platform="Slack")
    blocks: list[Block] = [
        HeaderBlock(text=HEADER),
        SectionBlock(text=MarkdownTextObject(text=clip(said, 3000))),
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
