"""The weekly governance digest in GOVERNANCE_CHANNEL (counts only): a sweep job, no
listeners (bot.jobs.digest.post_governance_digest); its Slack drawing here."""

from handlers.digest import owed as owed  # registers the digest's drawer

