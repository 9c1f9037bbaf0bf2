"""The statuses a declaration and each step of its approval go through. Pure: no Slack, no SQL.

Storage keeps them as text (a StrEnum equals its value), so these names are the only place
the values are spelt outside storage's column mapping.
"""

from __future__ import annotations

from enum import StrEnum


class StepStatus(StrEnum):
    """A step waits, then holds its approver's decision (bot.rules.approvals lists which
    decisions each purpose allows), or was closed or withdrawn without one."""

    PENDING = "pending"
    # Another seat of its stage decided (an interest noted by one of two officers, say).
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"  # the declarant withdrew it while it waited
    # Authorising a gift or hospitality (combined-authority §15.2).
    APPROVED = "approved"
    DECLINED = "declined"
    # A gift received without warning (combined-authority §15.6).
    RETURNED = "returned"
    KEPT = "kept"
    HANDED_ON = "handed_on"
    # An interest (combined-authority §8).
    NOTED = "noted"
    ACTION_REQUIRED = "action_required"
    # Outside work: the manager's recommendation, then the head of office's permission
    # (derbyshire §12).
    SUPPORTED = "supported"
    NOT_SUPPORTED = "not_supported"
    GRANTED = "granted"
    REFUSED = "refused"
    # A notice that cannot wait (derbyshire §11).
    ACKNOWLEDGED = "acknowledged"


class DeclarationStatus(StrEnum):
    """Pending while a step waits; then what its decisive step decided (granted outside work
    is APPROVED), or recorded with nothing to decide, or withdrawn."""

    PENDING = "pending"
    # A declined offer, or a token gift of use at work: in the register, no one to decide.
    RECORDED = "recorded"
    WITHDRAWN = "withdrawn"
    APPROVED = "approved"
    DECLINED = "declined"
    # Cash, vouchers and legacies are always refused (combined-authority §15.7), and refused
    # outside work.
    REFUSED = "refused"
    RETURNED = "returned"
    KEPT = "kept"
    HANDED_ON = "handed_on"
    NOTED = "noted"
    ACTION_REQUIRED = "action_required"
    ACKNOWLEDGED = "acknowledged"
    # Only when an office's chain ends at a recommendation (no one grants after it).
    SUPPORTED = "supported"
    NOT_SUPPORTED = "not_supported"


# A declaration with no decision on it: still waiting, or taken back before one.
UNDECIDED = frozenset({DeclarationStatus.PENDING, DeclarationStatus.WITHDRAWN})
# An interest in the register (whether or not it needs action).
INTEREST_NOTED = (DeclarationStatus.NOTED, DeclarationStatus.ACTION_REQUIRED)


class OutboxStatus(StrEnum):
    """A message in the outbox (storage.outbox), a scheduled reminder included. A change's
    message is queued, then claimed by the delivery worker and sent; a failed one waits out
    its back-off and is claimed again (a reminder, by a later sweep), as is a claim whose
    worker or sweep died. Skipped: nothing left to say (a card for a step decided before it
    went). Dead: an error no retry can mend (a user who has left, a message that is gone).
    Parked: the recipient cannot be reached until they do something (Teams: install Nolan);
    queued again then."""

    QUEUED = "queued"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    DEAD = "dead"
    PARKED = "parked"


# The reminder ledger's rows are rows of the outbox: one set of statuses. A reminder is
# claimed by its sweep (never queued), then sent or failed.
ReminderStatus = OutboxStatus
