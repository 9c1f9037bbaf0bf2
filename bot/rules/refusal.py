"""A typed refusal: what a flow says when it will not do what it was asked.

Raised by a flow (or the middleware in front of it) and turned, in one place (the adapter's
error handler), into the platform's answer: an ephemeral reply to a command or a button, or
an error on `field` of a form. Platform-neutral: no chat library here.
"""

from __future__ import annotations

from collections.abc import Mapping

# Slack shows a form's field error in at most 150 characters.
FIELD_ERROR_MAX = 150


class Refused(Exception):
    """`text` is said to the person who asked; `field` names the form input it is about
    (None: the form as a whole, or no form). A form with several answers wrong at once is
    refused with all of them (`on_fields`), each shown on its own field."""

    def __init__(
        self, text: str, field: str | None = None, *, errors: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(text)
        self.text = text
        self.field = field
        self.errors: dict[str, str] = dict(errors or ({field: text} if field else {}))

    @classmethod
    def on_fields(cls, errors: Mapping[str, str]) -> Refused:
        """Several fields at once: said as the first, where one message is all there is."""
        field, text = next(iter(errors.items()))
        return cls(text, field, errors=errors)

    def __repr__(self) -> str:
        return f"Refused({self.text!r}, field={self.field!r})"


class Invalid(ValueError):
    """A form's answers failed the rules; `errors` maps each field to its message (each of
    at most FIELD_ERROR_MAX characters), all shown at once on their fields."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# The refusals every flow shares, worded once.
STALE_BUTTON = "That button is from an older message Nolan can't read."
# A button in the person's own list (/conduct mine), which they can ask for again.
STALE_IN_MINE = f"{STALE_BUTTON} Try `/conduct mine` again."
STALE_FORM = "This form is out of date: close it and press the button again."
NOT_IN_ORG_CHART = (
    "Nolan can't find you in the office's org chart. Please ask an admin to add you "
    "(python -m bot staff import), then try again."
)
NOT_IN_ORG_CHART_SHORT = (
    "Nolan can't find you in the org chart. Ask an admin to add you, then try again."
)
