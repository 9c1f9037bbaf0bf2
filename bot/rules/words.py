"""The words people read for the coded values of the registers: the same on the Slack cards,
in `/conduct mine`, in the annual report and on the public register, so nobody meets
`contractor` or `handed_on` where a word was meant."""

from __future__ import annotations

from bot.rules.gifts import GiftType, OfferKind, Relationship, Response
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
RELATIONSHIP_WORDS = {
    Relationship.CONTRACTOR: "Contractor or supplier",
    Relationship.BIDDER: "Bidding, or likely to bid, for a contract",
    Relationship.PARTNER: "Partner organisation",
    Relationship.PUBLIC: "Member of the public",
    Relationship.OTHER: "Other",
}
RESPONSE_WORDS = {
    Response.DECLINED: "Declined",
    Response.ACCEPTED: "Accepted",
    Response.WANTS_TO_ACCEPT: "Would like to accept",
}
GIFT_TYPE_WORDS = {
    GiftType.ITEM: "Item",
    GiftType.MONETARY: "Cash, vouchers or monetary",
    GiftType.LEGACY: "Legacy in a will",
}
OFFER_KIND_WORDS = {OfferKind.GIFT: "Gift", OfferKind.HOSPITALITY: "Hospitality"}


def _lookup(words: dict[str, str], code: str) -> str:
    # Codes may arrive as stored ("handed_on") or as exported ("wants to accept").
    key = code.strip().replace(" ", "_")
    return words.get(key) or code.replace("_", " ").capitalize()


def status_word(status: str) -> str:
    return _lookup(STATUS_WORDS, status)


def relationship_word(relationship: str) -> str:
    return _lookup(RELATIONSHIP_WORDS, relationship)


def response_word(response: str) -> str:
    return _lookup(RESPONSE_WORDS, response)


def gift_type_word(gift_type: str) -> str:
    return _lookup(GIFT_TYPE_WORDS, gift_type)


def offer_kind_word(kind: str) -> str:
    return _lookup(OFFER_KIND_WORDS, kind)


def offer_words(kind: str, gift_type: str | None) -> str:
    """What was offered, as the approver's card heads it: "Hospitality", "Gift", or
    "Gift (cash, vouchers or monetary)"."""
    if kind == OfferKind.HOSPITALITY:
        return offer_kind_word(kind)
    if not gift_type or gift_type == GiftType.ITEM:
        return "Gift"
    return f"Gift ({gift_type_word(gift_type).lower()})"
