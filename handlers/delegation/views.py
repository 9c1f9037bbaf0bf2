"""The /conduct delegate modal, built from plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from handlers.delegation.ids import CALLBACK_ID, SUBCOMMAND, Field, action_id
from handlers.delegation.messages import long_day
from handlers.text import escape


@dataclass(frozen=True)
class Current:
    """A delegation the person already has (in force, or due to start)."""

    deputy_name: str
    starts_on: date
    ends_on: date


def delegate_modal(*, today: date, current: Current | None = None) -> View:
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="Hand your approvals to a colleague while you are away (leave, sickness). "
                "Anything already waiting for you moves to them, and new declarations go to "
                "them until the last day. It ends by itself; everything still waiting then "
                "comes back to you."
            )
        )
    ]
    if current is not None:
        starts = f"from {long_day(current.starts_on)} " if current.starts_on > today else ""
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Now: your approvals go to {escape(current.deputy_name)} "
                        f"{starts}until {long_day(current.ends_on)}. Saving this form replaces "
                        f"that; `/conduct {SUBCOMMAND} end` ends it now."
                    )
                ]
            )
        )
    blocks += [
        InputBlock(
            block_id=Field.DEPUTY,
            label="Who will decide for you?",
            hint="They must be in the org chart. They see what you would have seen.",
            element=UserSelectElement(
                action_id=action_id(Field.DEPUTY), placeholder="Choose a colleague"
            ),
        ),
        InputBlock(
            block_id=Field.STARTS_ON,
            label="From",
            hint="Leave as today to start now.",
            optional=True,
            element=DatePickerElement(
                action_id=action_id(Field.STARTS_ON), initial_date=today.isoformat()
            ),
        ),
        InputBlock(
            block_id=Field.ENDS_ON,
            label="Until (the last day they decide for you)",
            hint="Up to a year ahead.",
            element=DatePickerElement(
                action_id=action_id(Field.ENDS_ON), placeholder="Choose a date"
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=PlainTextObject(text="Delegate approvals"),
        submit=PlainTextObject(text="Delegate"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )
