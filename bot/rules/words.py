"""The words people read for each status and kind of declaration — in Slack (/conduct mine,
the Home, the registers' records) and in the annual report alike, so they always agree."""

from __future__ import annotations

STATUS_WORDS = {
    "recorded": "Recorded",
    "pending": "Waiting for a decision",
    "approved": "Approved",
    "declined": "Declined",
    "refused": "Refused (must always be refused)",
    "returned": "To be returned",
    "kept": "Kept for the office",
    "handed_on": "To be handed on",
    "withdrawn": "Withdrawn",
    "noted": "Noted",
    "action_required": "Noted, with action needed",
    "acknowledged": "Acknowledged",
    "ended": "Ended",
}

KIND_WORDS = {
    "gift": "Gift or hospitality",
    "interest": "Interest",
    "outside_work": "Outside work",
    "notice": "Notification",
}
