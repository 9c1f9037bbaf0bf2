"""The words people read for each status and kind of declaration — in Slack (/conduct mine,
the Home, the registers' records) and in the annual report alike, so they always agree."""

from __future__ import annotations

from bot.rules.status import DeclarationStatus

STATUS_WORDS = {
    DeclarationStatus.RECORDED: "Recorded",
    DeclarationStatus.PENDING: "Waiting for a decision",
    DeclarationStatus.APPROVED: "Approved",
    DeclarationStatus.DECLINED: "Declined",
    DeclarationStatus.REFUSED: "Refused (must always be refused)",
    DeclarationStatus.RETURNED: "To be returned",
    DeclarationStatus.KEPT: "Kept for the office",
    DeclarationStatus.HANDED_ON: "To be handed on",
    DeclarationStatus.WITHDRAWN: "Withdrawn",
    DeclarationStatus.NOTED: "Noted",
    DeclarationStatus.ACTION_REQUIRED: "Noted, with action needed",
    DeclarationStatus.ACKNOWLEDGED: "Acknowledged",
    "ended": "Ended",  # an interest ended (not a status of the declaration)
}

KIND_WORDS = {
    "gift": "Gift or hospitality",
    "interest": "Interest",
    "outside_work": "Outside work",
    "notice": "Notification",
}
