"""What approvers and declarants are shown about a gift or hospitality declaration."""

from __future__ import annotations

from bot.rules.gifts import Flag, OfferKind, format_pounds
from bot.rules.status import StepStatus
from bot.rules.words import offer_words, relationship_word, response_word
from handlers.approvals.messages import ApprovalCard, receipt, step_card
from handlers.notifier import Message
from handlers.text import clip, escape
from storage.declarations import GiftRecord
from storage.models import ApprovalStep

FLAG_WARNINGS = {
    Flag.RETROSPECTIVE: "Retrospective: the event had already happened when this was declared; "
    "hospitality should be authorised before the event.",
    Flag.BIDDER: "The giver is bidding, or likely to bid, for a contract: take special care "
    "that no improper motive could be inferred.",
}


def what_it_was(record: GiftRecord) -> str:
    """Name the offer in words a person recognises, not just a reference."""
    offer = record.offer
    noun = "hospitality" if offer.kind == OfferKind.HOSPITALITY else "gift"
    return f"the {noun} from {offer.offered_by}: {clip(offer.description, 150)}"


def _kind_label(record: GiftRecord) -> str:
    return offer_words(record.offer.kind, record.offer.gift_type)


def gift_card(
    record: GiftRecord, step: ApprovalStep | None, history: list[str] | None = None
) -> ApprovalCard:
    offer = record.offer
    facts = [
        ("Who", record.declarant.display_name),
        ("What", _kind_label(record)),
        ("Value", format_pounds(offer.value_pence)),
        ("Offered by", offer.offered_by),
        ("Relationship", relationship_word(offer.relationship)),
        ("Date offered", offer.date_offered.strftime("%d %b %Y")),
        ("Response", response_word(offer.response)),
    ]
    if offer.event_date:
        facts.insert(6, ("Date of event", offer.event_date.strftime("%d %b %Y")))
    warnings = [FLAG_WARNINGS[Flag(f)] for f in sorted(offer.flag_set) if f in set(Flag)]
    if offer.use_at_work:
        warnings.append("Declared as of use at work.")
    heading = f"{_kind_label(record).split(' (')[0]} offered to {record.declarant.display_name}"
    return step_card(
        record,
        step,
        history,
        heading=heading,
        facts=facts,
        details=[("Description", offer.description), ("Why", offer.reason)],
        warnings=warnings,
    )


def declarant_receipt(record: GiftRecord, explanation: str, next_step: str) -> Message:
    """What the member of staff is told straight after declaring."""
    ref = record.declaration.reference
    recorded = f"Thank you: your declaration of {escape(what_it_was(record))} is recorded as {ref}."
    return receipt(recorded, explanation, next_step)


def advice(record: GiftRecord, step: ApprovalStep) -> str:
    if step.status == StepStatus.DECLINED:
        return "Please decline the offer, or return it if you already have it."
    if step.status == StepStatus.RETURNED:
        return "Please return it to the giver; the monitoring officer can help with a letter."
    return ""
