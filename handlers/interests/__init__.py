"""/interest: declare an interest (the Register of Interests), and end one from /conduct mine."""

from __future__ import annotations

from slack_bolt import App

from bot.rules.refusal import NOT_IN_ORG_CHART_SHORT, STALE_IN_MINE
from bot.usecases.kinds import Kind
from handlers.context import known, meta

# The Slack drawers of the messages an interest owes, registered on import.
from handlers.interests import owed as owed
from handlers.interests.ending import open_end_interest, submit_end_interest
from handlers.interests.ids import CALLBACK_ID, END_ACTION, END_CALLBACK_ID, END_DATE, Field
from handlers.interests.kind import KIND
from handlers.interests.listeners import interest_form_for, submit_interest
from handlers.metadata import DeclarationRef
from handlers.replies import form_command

# The kind of declaration this feature adds, for the approval engine (bot.usecases.kinds).
KINDS: dict[str, Kind] = {"interest": KIND}


def register(app: App) -> None:
    app.command("/interest")(form_command(interest_form_for))
    app.view(CALLBACK_ID, middleware=[known(NOT_IN_ORG_CHART_SHORT, field=Field.CATEGORY)])(
        submit_interest
    )
    app.action(END_ACTION, middleware=[meta(DeclarationRef, stale=STALE_IN_MINE)])(
        open_end_interest
    )
    app.view(END_CALLBACK_ID, middleware=[meta(DeclarationRef, field=END_DATE)])(
        submit_end_interest
    )
