"""The bodies Nolan answers Teams' invokes with (docs/teams-design.md, "Answering invokes"):
a dialog's `task/fetch` and `task/submit`, and a card's `adaptiveCard/action`. Plain dicts in
the shapes of microsoft_teams.api's TaskModuleResponse and AdaptiveCard*Response models."""

from __future__ import annotations

from typing import Any

from bot.teams import adaptive
from bot.teams.forms import dialog_card
from bot.ui.forms import Answers, FieldErrors, Form
from bot.ui.text import clip

MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
ERROR_TYPE = "application/vnd.microsoft.error"
TITLE_MAX = 100


def dialog_size(form: Form) -> tuple[str, str]:
    """(width, height) for a form: a reason box is small, a declaration large."""
    fields = len(form.fields)
    if fields <= 1:
        return "medium", "small"
    return ("medium", "medium") if fields <= 4 else ("large", "large")


def dialog(
    form: Form,
    *,
    answers: Answers | None = None,
    errors: FieldErrors | None = None,
    **card_options: Any,
) -> dict[str, Any]:
    """Open a form in a dialog (`task/fetch`), or show it again after a refused `task/submit`
    with every answer kept and each error at its field. `card_options`: forms.dialog_card's."""
    card = dialog_card(form, answers=answers, errors=errors, **card_options)
    return continue_with(card, title=form.title, size=dialog_size(form))


def continue_with(
    card: dict[str, Any], *, title: str, size: tuple[str, str] = ("medium", "medium")
) -> dict[str, Any]:
    """A dialog showing `card` (an Adaptive Card's content)."""
    width, height = size
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": clip(title, TITLE_MAX),
                "width": width,
                "height": height,
                "card": adaptive.attachment(card),
            },
        }
    }


def dialog_message(text: str) -> dict[str, Any]:
    """Close the dialog's form and show a line of text in its place (`type: message`)."""
    return {"task": {"type": "message", "value": text}}


def card_replaced(card: dict[str, Any]) -> dict[str, Any]:
    """`adaptiveCard/action` answered with a card that replaces the pressed one in place."""
    return {"statusCode": 200, "type": adaptive.CONTENT_TYPE, "value": card}


def action_message(text: str) -> dict[str, Any]:
    """`adaptiveCard/action` answered with a note to the presser; the card stays as it is (a
    press on a decided or moved card, a non-approver's press)."""
    return {"statusCode": 200, "type": MESSAGE_TYPE, "value": text}


def action_error(message: str, *, code: str = "BadRequest", status: int = 400) -> dict[str, Any]:
    """`adaptiveCard/action` refused: a press that did not come from one of Nolan's cards."""
    # innerHttpError: Teams shows code and message; the Teams SDK's HttpError model requires it.
    inner = {"statusCode": status, "body": message}
    error = {"code": code, "message": message, "innerHttpError": inner}
    return {"statusCode": status, "type": ERROR_TYPE, "value": error}
