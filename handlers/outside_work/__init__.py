"""/outside-work: ask the head of office's permission before taking up other work."""

from __future__ import annotations

from slack_bolt import App

from bot.rules.refusal import NOT_IN_ORG_CHART_SHORT
from bot.usecases.kinds import Kind
from handlers.context import known
from handlers.outside_work.ids import CALLBACK_ID, Field
from handlers.outside_work.kind import KIND
from handlers.outside_work.listeners import outside_work_form_for, submit_outside_work
from handlers.replies import form_command

# The kind of declaration this feature adds, for the approval engine (bot.usecases.kinds).
KINDS: dict[str, Kind] = {"outside_work": KIND}


def register(app: App) -> None:
    app.command("/outside-work")(form_command(outside_work_form_for))
    app.view(CALLBACK_ID, middleware=[known(NOT_IN_ORG_CHART_SHORT, field=Field.ORGANISATION)])(
        submit_outside_work
    )
