"""What /conduct shows: help, and a person's own declarations."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.rules.status import INTEREST_NOTED, DeclarationStatus
from bot.rules.words import KIND_WORDS, STATUS_WORDS
from bot.settings import Policy
from bot.usecases.kinds import kind_of
from handlers.conduct.ids import Action
from handlers.metadata import DeclarationRef
from handlers.notifier import Message
from handlers.text import clip, escape
from storage.declarations import Record


def help_message(policy: Policy, unknown: str | None = None) -> Message:
    lines = [
        f"*Nolan* helps you follow the staff code of conduct of {escape(policy.office_name)}.",
        "• `/gift [what was offered]` — declare an offer of a gift or hospitality, whether or "
        "not you accepted it. Hospitality needs your line manager's authorisation *before* the "
        "event; cash, vouchers and legacies are always refused.",
        "• `/interest` — declare an interest: financial, a membership, a relationship with a "
        "contractor or a colleague, political activity… Keep it up to date as things change.",
        "• `/outside-work` — ask permission *before* taking any other job, appointment or "
        "voluntary work; your line manager recommends and the "
        f"{escape(policy.head_of_office_title)} decides.",
        "• `/conduct mine` — your own declarations and where each one has got to; withdraw one "
        "still waiting, or end an interest.",
        "• `/conduct notify` — tell the "
        f"{escape(policy.head_of_office_title)} and the {escape(policy.vetting_officer_title)}, "
        "in confidence, of criminal charges, legal proceedings or anything that could affect "
        "your vetting.",
        "• `/conduct delegate @person until YYYY-MM-DD` — approvers: hand your approvals to a "
        "deputy while you are away (`/conduct delegate end` to stop).",
        "• `/conduct reassign` — admins: move a waiting decision to someone else.",
        "• `/conduct policies` — admins: the office's policies and their review dates.",
        "• `/conduct annual [year]` — the monitoring officer: who has not yet made the annual "
        "declaration.",
        "• `/conduct undertaking` — your code of conduct undertaking (admins: `send-all`).",
        "• `/conduct search` — the monitoring officer and the head of office: search the "
        "registers, open a record and its audit trail, withhold an item from publication.",
        "• `/conduct report [year]` — the monitoring officer and head of office: the annual "
        "report for the audit committee, with its charts, in your DM.",
        "• `/conduct export` — the monitoring officer and head of office: a register as CSV or "
        "XLSX, in your DM.",
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


def _button(record: Record) -> ButtonElement | None:
    """Withdraw while waiting; end an interest once it is on the register."""
    ref = DeclarationRef(declaration_id=record.declaration.id or 0).encode()
    if (
        record.declaration.status == DeclarationStatus.PENDING
        and record.declaration.kind != "notice"
    ):
        return ButtonElement(
            text="Withdraw",
            action_id=Action.WITHDRAW,
            value=ref,
            confirm=ConfirmObject(
                title="Withdraw this?",
                text=f"Withdraw {record.declaration.reference}? It stays on the register "
                "as withdrawn, and whoever is deciding it will be told.",
                confirm="Withdraw",
                deny="Back",
            ),
        )
    detail = record.detail
    if (
        record.declaration.kind == "interest"
        and record.declaration.status in INTEREST_NOTED
        and getattr(detail, "ended_on", None) is None
    ):
        return ButtonElement(text="End this interest…", action_id=Action.END_INTEREST, value=ref)
    return None


def mine_message(records: list[Record], *, known: bool) -> Message:
    if not known:
        text = (
            "Nolan can't find you in the org chart yet, so you have no declarations here. "
            "Please ask an admin to add you."
        )
        return Message(text=text)
    if not records:
        text = (
            "You have no declarations yet. Use `/gift` to declare an offer of a gift or "
            "hospitality, `/interest` to declare an interest, or `/outside-work` to ask "
            "permission for other work."
        )
        return Message(text=text)
    blocks: list[Block] = [HeaderBlock(text="Your declarations")]
    for record in records[:MINE_LIMIT]:
        status = STATUS_WORDS.get(record.declaration.status, record.declaration.status)
        waiting = record.pending_steps
        if waiting:
            names = [record.name_of(s.approver_id) or "an approver" for s in waiting]
            status += f" from {escape(' and '.join(names))}"
        elif (decided := record.decisive_step) is not None and decided.decided_by_id:
            status += f" by {escape(record.name_of(decided.decided_by_id) or 'an approver')}"
        what = kind_of(record.declaration.kind).describe(record)
        kind = KIND_WORDS.get(record.declaration.kind, record.declaration.kind)
        section = SectionBlock(
            text=MarkdownTextObject(
                text=clip(
                    f"*{record.declaration.reference}* · {kind} · declared "
                    f"{record.declaration.created_at:%d %b %Y}\n"
                    f"{escape(clip(what, 300))}\n_{status}_",
                    3000,
                )
            ),
            accessory=_button(record),
        )
        blocks += [section, DividerBlock()]
    if len(records) > MINE_LIMIT:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"Showing your latest {MINE_LIMIT}.")])
        )
    return Message(text=f"Your declarations ({len(records)})", blocks=blocks[:50])
