"""The registers for the officers who keep them: search (`/conduct search` or the Home button
`registers_search`), a declaration's full record with its audit trail (`registers_record`,
for anyone the access rule lets see it), and withholding an item from publication."""

from __future__ import annotations

import re

from slack_bolt import App

from handlers.conduct import Subcommand
from handlers.context import meta
from handlers.registers.ids import Action, Callback, Field, WithholdMeta
from handlers.registers.listeners import (
    STALE,
    open_record,
    open_search,
    page_results,
    page_trail,
    refine,
    search_command,
    submit_search,
)
from handlers.registers.withholding import open_withhold, submit_republish, submit_withhold

SUBCOMMANDS: dict[str, Subcommand] = {"search": search_command}


def register(app: App) -> None:
    app.action(Action.SEARCH.value)(open_search)
    app.action(Action.RECORD.value)(open_record)
    app.action(re.compile(f"^{Action.PAGE.value}_"))(page_results)
    app.action(Action.REFINE.value)(refine)
    app.action(re.compile(f"^{Action.TRAIL_PAGE.value}_"))(page_trail)
    app.action(Action.WITHHOLD.value)(open_withhold)
    app.action(Action.REPUBLISH.value)(open_withhold)
    app.view(Callback.SEARCH.value)(submit_search)
    app.view(
        Callback.WITHHOLD.value, middleware=[meta(WithholdMeta, stale=STALE, field=Field.NOTE)]
    )(submit_withhold)
    app.view(
        Callback.REPUBLISH.value, middleware=[meta(WithholdMeta, stale=STALE, field=Field.REASON)]
    )(submit_republish)
