"""The weekly governance digest in GOVERNANCE_CHANNEL (counts only): a sweep job, no
listeners (handlers.digest.jobs.post_governance_digest)."""

from handlers.digest import owed as owed  # registers the digest's drawer
from handlers.digest.jobs import JOBS

__all__ = ["JOBS"]
