"""The officers' register export form, described once. The registers and file formats on offer
are given by the caller (bot.registers, bot.export sit above this layer)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from bot.ui.forms import Choice, Field, Form, Kind, Note

FORM_ID = "registers_export_form"


class ExportField(StrEnum):
    REGISTER = "register"
    FORMAT = "format"
    CONTENT = "content"
    DATE_FROM = "date_from"
    DATE_TO = "date_to"


# Values of the CONTENT choice.
PUBLIC = "public"
FULL = "full"

# What each register is called in the form (the keys are bot.registers.REGISTERS').
REGISTER_NAMES = {
    "gifts": "Gifts and hospitality",
    "interests": "Interests",
    "outside-work": "Outside work",
}
DATE_HINTS = {
    "gifts": "the date offered",
    "interests": "the day declared",
    "outside-work": "the day requested",
}


IN_THE_DM = "The file arrives in your DM with Nolan."


def export_form(
    *, registers: Sequence[str], formats: Sequence[str], arrives: str = IN_THE_DM
) -> Form:
    """The form; `arrives`: where the platform sends the file."""
    f = ExportField
    dates = "; ".join(f"{REGISTER_NAMES[k].lower()} by {v}" for k, v in DATE_HINTS.items())
    return Form(
        id=FORM_ID,
        title="Export a register",
        submit="Export",
        parts=(
            Field(
                f.REGISTER,
                "Register",
                Kind.CHOICE,
                menu=True,
                choices=tuple(Choice(r, REGISTER_NAMES.get(r, r)) for r in registers),
                initial=registers[0],
            ),
            Field(
                f.FORMAT,
                "Format",
                Kind.CHOICE,
                choices=tuple(Choice(fmt, fmt.upper()) for fmt in formats),
                initial=formats[0],
            ),
            Field(
                f.CONTENT,
                "What to include",
                Kind.CHOICE,
                choices=(
                    Choice(
                        PUBLIC,
                        "For publication",
                        "Only the columns and entries that may be published",
                    ),
                    Choice(
                        FULL, "Full register", "Every column, personal data included: keep it safe"
                    ),
                ),
                initial=PUBLIC,
            ),
            Field(f.DATE_FROM, "From (optional)", Kind.DATE, required=False),
            Field(f.DATE_TO, "To (optional)", Kind.DATE, required=False),
            Note(
                f"Dates are inclusive: {dates}. {arrives}",
                small=True,
            ),
        ),
    )


def refusal_form(text: str) -> Form:
    """The form's place, when the person may not export (text: marked)."""
    return Form(id="", title="Export a register", submit="", close="Close", parts=(Note(text),))
