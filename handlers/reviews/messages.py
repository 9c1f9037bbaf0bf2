"""What the yearly review of an outside-work permission says: the question to the member of
staff, the receipts, and the note to the line manager when it has ended."""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.notifier import Message
from bot.settings import Policy
from bot.usecases.reviews import Permission
from handlers.annual.common import long_date
from handlers.reviews.ids import Action, ReviewRef
from handlers.text import clip, escape, slack_date

HEADER = "Outside work: yearly review"


def _what(permission: Permission) -> str:
    return (
        f"*{escape(permission.role)}* at *{escape(permission.organisation)}* "
        f"({escape(permission.reference)})"
    )


def _years(granted_on: date, anniversary: date) -> str:
    n = anniversary.year - granted_on.year
    return f"{n} year{'' if n == 1 else 's'}"


def review_message(permission: Permission, anniversary: date, policy: Policy) -> Message:
    head = escape(policy.head_of_office_title)
    value = ReviewRef(
        declaration_id=permission.declaration_id, period=anniversary.isoformat()
    ).encode()
    text = (
        f"Your permission for outside work, {_what(permission)}, was granted on "
        f"{long_date(permission.granted_on)}: {_years(permission.granted_on, anniversary)} ago "
        "on "
        f"{long_date(anniversary)}. Once a year Nolan asks whether it still stands as granted."
    )
    return Message(
        text=f"Yearly review of your outside work ({permission.reference}): does it continue "
        "unchanged?",
        blocks=[
            HeaderBlock(text=HEADER),
            SectionBlock(text=MarkdownTextObject(text=clip(text, 3000))),
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="It continues unchanged",
                        action_id=Action.UNCHANGED,
                        value=value,
                        style="primary",
                    ),
                    ButtonElement(text="It has changed", action_id=Action.CHANGED, value=value),
                    ButtonElement(
                        text="It has ended",
                        action_id=Action.ENDED,
                        value=value,
                        style="danger",
                        confirm=ConfirmObject(
                            title="End this outside work?",
                            text="Nolan records today as its end date and tells your line "
                            "manager. The record of approval keeps it, ended.",
                            confirm="It has ended",
                            deny="Cancel",
                        ),
                    ),
                ]
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="More hours, a new role, pay, or work for a contractor or partner "
                        f"of the office needs the {head}'s permission again, before the change "
                        "(Derbyshire §12; Avon and Somerset §3.14)."
                    )
                ]
            ),
        ],
    )


def reviewed_message(
    permission: Permission,
    *,
    response: str,
    at: datetime,
    policy: Policy,
    ended_on: date | None = None,
) -> Message:
    """The review DM once answered (no buttons left)."""
    after = ""
    if response == "confirmed":
        said = f":white_check_mark: You confirmed that {_what(permission)} continues unchanged"
    elif response == "updated":
        said = f":pencil2: You told Nolan that {_what(permission)} has changed"
        after = (
            " Describe the change in the form that opened: it is a new request, which goes to "
            f"your line manager and the {escape(policy.head_of_office_title)}. If you closed "
            "the form, use `/outside-work`."
        )
    else:
        day = long_date(ended_on) if ended_on else "today"
        said = (
            f":heavy_minus_sign: You told Nolan that {_what(permission)} has ended: it is "
            f"recorded as ended on {day}, and your line manager has been told"
        )
    text = f"{said} ({slack_date(at)}).{after}"
    return Message(
        text=f"Yearly review of {permission.reference}: recorded.",
        blocks=[
            HeaderBlock(text=HEADER),
            SectionBlock(text=MarkdownTextObject(text=clip(text, 3000))),
        ],
    )


def ended_notice(permission: Permission, *, declarant: str, ended_on: date) -> Message:
    """For the line manager's information: nothing to decide."""
    text = (
        f"For your information: {escape(declarant)}'s outside work, {_what(permission)}, has "
        f"ended ({long_date(ended_on)}), as they told Nolan at its yearly review. The record "
        "of approval keeps it, ended."
    )
    return Message(
        text=f"{declarant}'s outside work ({permission.reference}) has ended.",
        blocks=[SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))],
    )
