"""/interest: declare an interest (the Register of Interests), and end one from /conduct mine."""

from __future__ import annotations

from slack_bolt import App

from handlers.approvals.kinds import Kind
from handlers.interests.ending import open_end_interest, submit_end_interest
from handlers.interests.ids import CALLBACK_ID, END_ACTION, END_CALLBACK_ID
from handlers.interests.kind import KIND
from handlers.interests.listeners import open_interest_modal, submit_interest

# The kind of declaration this feature adds, for the approval engine (handlers.approvals.kinds).
KINDS: dict[str, Kind] = {"interest": KIND}


def register(app: App) -> None:
    app.command("/interest")(open_interest_modal)
    app.view(CALLBACK_ID)(submit_interest)
    app.action(END_ACTION)(open_end_interest)
    app.view(END_CALLBACK_ID)(submit_end_interest)
