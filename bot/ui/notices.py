"""The /conduct notify form, described once, and its answers read into the rule's plain form.
Field ids are the rule's field names, so a validation error from bot.rules.notices lands on
its own field."""

from __future__ import annotations

from enum import StrEnum

from bot.rules.notices import CATEGORY_LABELS, DESCRIPTION_MAX, NoticeForm
from bot.ui.forms import Answers, Choice, Field, Form, Kind, Note
from bot.ui.text import escape

FORM_ID = "notice_send"


class NoticeField(StrEnum):
    CATEGORY = "category"
    DESCRIPTION = "description"
    OCCURRED_ON = "occurred_on"


def notice_form(*, audience: str) -> Form:
    """`audience`: who it goes to, in words ("the Chief Executive and the Vetting Officer")."""
    f = NoticeField
    return Form(
        id=FORM_ID,
        title="Confidential notice",
        submit="Send in confidence",
        parts=(
            Note(
                ":lock: *Confidential.* Tell the office without delay about a criminal "
                "charge, legal proceedings, or anything that could affect your vetting. "
                f"This goes only to {escape(audience)}, in a direct message. It is "
                "never posted in a channel and never published."
            ),
            Field(
                f.CATEGORY,
                "What are you notifying?",
                Kind.CHOICE,
                choices=Choice.all_of(CATEGORY_LABELS),
            ),
            Field(
                f.DESCRIPTION,
                "What happened?",
                Kind.LONG_TEXT,
                hint="The facts, briefly: e.g. the charge or claim, the court, what changed.",
                max_length=DESCRIPTION_MAX,
            ),
            Field(
                f.OCCURRED_ON,
                "When did it happen?",
                Kind.DATE,
                hint="Leave blank if you are not sure.",
                required=False,
            ),
            Note("Each of them will acknowledge it, and you'll be told when they do.", small=True),
        ),
    )


def read_notice(answers: Answers) -> NoticeForm:
    f = NoticeField
    return NoticeForm(
        category=answers.choice(f.CATEGORY),
        description=answers.text(f.DESCRIPTION),
        occurred_on=answers.date(f.OCCURRED_ON),
    )
