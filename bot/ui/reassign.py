"""The admins' form that moves a waiting approval to someone else, described once."""

from __future__ import annotations

from enum import StrEnum

from bot.ui.forms import Field, Form, Kind, Note
from bot.ui.text import escape

FORM_ID = "reassign_submit"
REASON_MAX = 500
REFERENCE_MAX = 32


class ReassignField(StrEnum):
    REFERENCE = "reference"
    CURRENT = "current_approver"  # whose step, when several people are deciding at once
    APPROVER = "new_approver"
    REASON = "reason"


def reassign_form(*, reference: str = "") -> Form:
    f = ReassignField
    return Form(
        id=FORM_ID,
        title="Reassign an approval",
        submit="Reassign",
        parts=(
            Note(
                "Move a declaration that is waiting for a decision to someone else. "
                "The person it was with, the new approver and the member of staff are told."
            ),
            Field(
                f.REFERENCE,
                "Reference",
                Kind.SHORT_TEXT,
                hint="As in the messages, e.g. GH-00001.",
                max_length=REFERENCE_MAX,
                placeholder="GH-00001",
                initial=reference[:REFERENCE_MAX] or None,
            ),
            Field(
                f.CURRENT,
                "Whose step moves",
                Kind.PERSON,
                hint="Only needed when several people are deciding it at once.",
                required=False,
                placeholder="Choose a person",
            ),
            Field(f.APPROVER, "New approver", Kind.PERSON, placeholder="Choose a person"),
            Field(
                f.REASON,
                "Why?",
                Kind.LONG_TEXT,
                hint="Kept in the audit trail, and shown to the person it was with.",
                max_length=REASON_MAX,
            ),
        ),
    )


def done_form(text: str) -> Form:
    """What the form turns into once the approval has moved."""
    return Form(id="", title="Reassigned", submit="", close="Done", parts=(Note(escape(text)),))
