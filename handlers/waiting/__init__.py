"""Decisions waiting: a morning digest to each approver of what has waited more than a day,
with its decision buttons (issue 4, "Waiting decisions"). A job of the daily sweep
(handlers.waiting.jobs, its JOBS); presses go to the approvals decision listener, so
there is nothing to register here."""

from handlers.waiting.jobs import JOBS

__all__ = ["JOBS"]
