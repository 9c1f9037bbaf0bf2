"""Decisions waiting: a morning digest to each approver of what has waited more than a day,
with its decision buttons (issue 4, "Waiting decisions"). A job of the daily sweep
(bot.jobs.waiting); its Slack drawer is handlers.waiting.owed; presses
go to the approvals decision listener, so there is nothing to register here."""

from handlers.waiting import owed as owed  # the digest's Slack drawer, registered on import

