"""The "Renewed on…" form, built from plain values."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from handlers.text import clip, escape
from handlers.vetting.ids import CALLBACK_ID, ClearanceRef, Field, action_id
from handlers.vetting.messages import long_day, relative


def renewal_modal(
    *,
    ref: ClearanceRef,
    name: str,
    level: str | None,
    years: int,
    today: date,
) -> View:
    expiry = (
        f"{'expired' if ref.expires < today else 'expires'} {long_day(ref.expires)} "
        f"({relative(ref.expires, today)})"
        if ref.expires
        else "no expiry date on record"
    )
    level_text = f" · {escape(clip(level, 50))}" if level else ""
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        private_metadata=ref.encode(),
        title=PlainTextObject(text="Record a renewal"),
        submit=PlainTextObject(text="Record"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=f"*{escape(clip(name, 200))}*{level_text} · {expiry}")
            ),
            InputBlock(
                block_id=Field.RENEWED_ON,
                label="Renewed on",
                hint=f"The date the new clearance was granted. It then runs for {years} years.",
                element=DatePickerElement(
                    action_id=action_id(Field.RENEWED_ON), initial_date=today.isoformat()
                ),
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Nolan records who recorded it and when, tells them their new "
                        "expiry date, and reminds you both before it."
                    )
                ]
            ),
        ],
    )
