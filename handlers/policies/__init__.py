"""Policy review: admins keep the office's policies in `/conduct policies`; the sweep
reminds each policy's channel and owner before its review date and while it is overdue
(bot.jobs.policies); the owner marks the review done from the reminder."""

from __future__ import annotations

from slack_bolt import App

from bot.rules.policies import Field, ReviewField
from bot.usecases.policies import OUT_OF_DATE
from handlers.conduct import Subcommand
from handlers.context import meta
from handlers.policies.ids import Action, Callback, FormMeta, ReviewMeta, ReviewRef
from handlers.policies.listeners import (
    open_add,
    open_edit,
    open_review,
    policies_command,
    submit_policy,
    submit_review,
)

SUBCOMMANDS: dict[str, Subcommand] = {"policies": policies_command}


def register(app: App) -> None:
    app.action(Action.ADD.value)(open_add)
    app.action(Action.EDIT.value)(open_edit)
    app.action(Action.MARK_REVIEWED.value, middleware=[meta(ReviewRef)])(open_review)
    app.view(
        Callback.FORM.value, middleware=[meta(FormMeta, stale=OUT_OF_DATE, field=Field.TITLE)]
    )(submit_policy)
    app.view(
        Callback.REVIEW.value,
        middleware=[meta(ReviewMeta, stale=OUT_OF_DATE, field=ReviewField.REVIEWED_ON)],
    )(submit_review)
