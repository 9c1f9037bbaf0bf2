"""The weekly governance digest in GOVERNANCE_CHANNEL (counts only): a sweep job, no
listeners (bot.jobs.digest.post_governance_digest); its Slack drawing here."""

from bot.jobs.digest import JOBS
from handlers.digest import owed as owed  # registers the digest's drawer

__all__ = ["JOBS"]
