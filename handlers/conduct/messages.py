"""What /conduct shows: help, and a person's own declarations."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.notifier import Message
from bot.rules.gifts import format_pounds
from bot.settings import Policy
from handlers.text import clip, escape
from storage.declarations import GiftRecord

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
}


def help_message(policy: Policy, unknown: str | None = None) -> Message:
    lines = [
        f"*Nolan* helps you follow the staff code of conduct of {escape(policy.office_name)}.",
        "• `/gift [what was offered]` — declare an offer of a gift or hospitality, whether or "
        "not you accepted it. Hospitality needs your line manager's authorisation *before* the "
        "event; cash, vouchers and legacies are always refused.",
        "• `/conduct mine` — your own declarations and where each one has got to.",
        "• `/conduct help` — this message.",
    ]
    if policy.code_of_conduct_url:
        lines.append(f"The code of conduct: <{policy.code_of_conduct_url}|read it here>.")
    else:
        lines.append("Ask the monitoring officer for a copy of the office's code of conduct.")
    if unknown:
        lines.insert(
            0, f"Nolan doesn't know `/conduct {escape(unknown[:50])}`. Here's what it can do:"
        )
    text = "\n".join(lines)
    return Message(text=clip(text, 3000), blocks=[SectionBlock(text=clip(text, 3000))])


MINE_LIMIT = 20


def mine_message(records: list[GiftRecord], *, known: bool) -> Message:
    if not known:
        text = (
            "Nolan can't find you in the org chart yet, so you have no declarations here. "
            "Please ask an admin to add you."
        )
        return Message(text=text)
    if not records:
        text = "You have no declarations yet. Use `/gift` to declare an offer."
        return Message(text=text)
    blocks = [HeaderBlock(text="Your declarations")]
    for record in records[:MINE_LIMIT]:
        offer = record.offer
        status = STATUS_WORDS.get(record.declaration.status, record.declaration.status)
        if record.declaration.status == "pending":
            waiting = [s for s in record.steps if s.status == "pending"]
            if waiting and waiting[0].approver_id in record.people:
                status += f" from {escape(record.people[waiting[0].approver_id].display_name)}"
        decided = record.decisive_step
        if decided and decided.decided_by_id in record.people:
            status += f" by {escape(record.people[decided.decided_by_id].display_name)}"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=clip(
                        f"*{record.declaration.reference}* · {offer.kind.capitalize()} from "
                        f"{escape(offer.offered_by)} · {format_pounds(offer.value_pence)} · "
                        f"offered {offer.date_offered:%d %b %Y}\n"
                        f"{escape(clip(offer.description, 200))}\n_{status}_",
                        3000,
                    )
                )
            )
        )
        blocks.append(DividerBlock())
    if len(records) > MINE_LIMIT:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"Showing your latest {MINE_LIMIT}.")])
        )
    return Message(text=f"Your declarations ({len(records)})", blocks=blocks[:50])
