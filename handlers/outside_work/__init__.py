"""/outside-work: ask the head of office's permission before taking up other work."""

from __future__ import annotations

from slack_bolt import App

from handlers.approvals.kinds import Kind
from handlers.outside_work.ids import CALLBACK_ID
from handlers.outside_work.kind import KIND
from handlers.outside_work.listeners import open_outside_work_modal, submit_outside_work

# The kind of declaration this feature adds, for the approval engine (handlers.approvals.kinds).
KINDS: dict[str, Kind] = {"outside_work": KIND}


def register(app: App) -> None:
    app.command("/outside-work")(open_outside_work_modal)
    app.view(CALLBACK_ID)(submit_outside_work)
