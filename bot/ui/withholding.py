"""The forms that withhold a declaration from the published register and publish it again,
described once."""

from __future__ import annotations

from enum import StrEnum

from bot.rules.withholding import LABEL, Ground
from bot.ui.forms import Choice, Field, Form, Kind, Note
from bot.ui.payload import Payload
from bot.ui.text import escape

WITHHOLD_FORM_ID = "registers_withhold_form"
REPUBLISH_FORM_ID = "registers_republish_form"
NOTE_MAX = 1000


class WithholdField(StrEnum):
    GROUND = "ground"
    NOTE = "note"
    REASON = "reason"


class WithholdMeta(Payload):
    """The withhold / publish-again form: which declaration, and the record view beneath it,
    refreshed after the change."""

    declaration_id: int
    record_view_id: str | None = None


def ground_label(raw: str | None) -> str:
    try:
        return LABEL[Ground(raw or "")]
    except ValueError:
        return raw or "no ground given"


def withhold_form(meta: WithholdMeta, reference: str, what: str) -> Form:
    f = WithholdField
    return Form(
        id=WITHHOLD_FORM_ID,
        title="Withhold",
        submit="Withhold",
        payload=meta,
        parts=(
            Note(
                f"*{reference}* · {escape(what)}\nThe published register leaves it out "
                "and says only how many entries were withheld, and on what ground."
            ),
            Field(
                f.GROUND,
                "Ground",
                Kind.CHOICE,
                menu=True,
                choices=tuple(Choice(g.value, LABEL[g]) for g in Ground),
            ),
            Field(
                f.NOTE,
                "Why, for the record",
                Kind.LONG_TEXT,
                hint="Kept in the audit trail; never published.",
                max_length=NOTE_MAX,
            ),
        ),
    )


def republish_form(meta: WithholdMeta, reference: str, ground: str) -> Form:
    return Form(
        id=REPUBLISH_FORM_ID,
        title="Publish again",
        submit="Publish again",
        payload=meta,
        parts=(
            Note(
                f"*{reference}* is withheld from publication ({ground_label(ground)}). "
                "Published again, it appears in the next published register."
            ),
            Field(
                WithholdField.REASON,
                "Why it can be published now",
                Kind.LONG_TEXT,
                max_length=NOTE_MAX,
            ),
        ),
    )
