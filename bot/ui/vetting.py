"""The "Renewed on…" form a vetting officer fills in, described once. The input's id is the
rule's field name (bot.rules.vetting.Field), so a validation error lands on its own field."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.rules.vetting import Field as VettingField
from bot.ui.forms import Field, Form, Kind, Note
from bot.ui.payload import Payload
from bot.ui.text import clip, escape, long_day, relative

FORM_ID = "vetting_renewal"
# People per list message: Slack allows 50 blocks; each person is one, plus a heading and a
# footer (the sweep splits longer lists, bot.jobs.vetting).
PER_MESSAGE = 40
# Names in a notification's plain text (the message itself carries everyone).
TEXT_NAMES = 10


def names_list(names: Sequence[str]) -> str:
    shown = list(names[:TEXT_NAMES])
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


class ClearanceRef(Payload):
    """Whose clearance a button or the renewal form is about, and the expiry it showed: a
    renewal recorded meanwhile (or a new org chart) makes the button stale, not a second
    renewal."""

    staff_id: int
    expires: date | None = None


def renewal_form(
    *, ref: ClearanceRef, name: str, level: str | None, years: int, today: date
) -> Form:
    expiry = (
        f"{'expired' if ref.expires < today else 'expires'} {long_day(ref.expires)} "
        f"({relative(ref.expires, today)})"
        if ref.expires
        else "no expiry date on record"
    )
    level_text = f" · {escape(clip(level, 50))}" if level else ""
    return Form(
        id=FORM_ID,
        title="Record a renewal",
        submit="Record",
        payload=ref,
        parts=(
            Note(f"*{escape(clip(name, 200))}*{level_text} · {expiry}"),
            Field(
                VettingField.RENEWED_ON,
                "Renewed on",
                Kind.DATE,
                hint=f"The date the new clearance was granted. It then runs for {years} years.",
                initial=today,
            ),
            Note(
                "Nolan records who recorded it and when, tells them their new "
                "expiry date, and reminds you both before it.",
                small=True,
            ),
        ),
    )
