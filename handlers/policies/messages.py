"""The policy review reminders (in the policy's channel and to its owner), and what they
become once the review is marked done."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ui.policy_reminders import WHEN_DONE, channel_line, owner_line, reviewed_line
from handlers.notifier import Message
from handlers.policies.ids import Action, ReviewRef
from handlers.text import clip, escape
from storage.models import Policy, Staff

NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found", "is_archived"}


def _button(policy: Policy) -> ActionsBlock:
    assert policy.id is not None
    return ActionsBlock(
        block_id=f"policy_review_{policy.id}",
        elements=[
            ButtonElement(
                text="Mark reviewed…",
                action_id=Action.MARK_REVIEWED,
                value=ReviewRef(policy_id=policy.id, due=policy.next_review).encode(),
                style="primary",
            )
        ],
    )


def _owner_words(owner: Staff | None) -> str:
    if owner is None:
        return "nobody (an admin can set one with `/conduct policies`)"
    return f"<@{owner.slack_user_id}>" if owner.slack_user_id else escape(owner.display_name)


def channel_reminder(policy: Policy, *, owner: Staff | None, today: date) -> Message:
    """Posted in the policy's channel: a lead-time reminder, or overdue."""
    line, plain = channel_line(policy, owner=_owner_words(owner), today=today)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=clip(line, 3000))),
        ContextBlock(elements=[MarkdownTextObject(text=WHEN_DONE)]),
        _button(policy),
    ]
    return Message(text=clip(plain, 3000), blocks=blocks)


def owner_reminder(policy: Policy, *, today: date, channel_problem: str | None = None) -> Message:
    """The owner's own copy, with the same button (so a policy whose channel Nolan can't
    post in can still be marked reviewed)."""
    line, plain = owner_line(policy, today=today)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=clip(line, 3000)))]
    if channel_problem:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=channel_problem)]))
    blocks.append(_button(policy))
    return Message(text=clip(plain, 3000), blocks=blocks)


def channel_problem(channel_id: str, error: str) -> str:
    """What the owner is told when the channel post failed."""
    if error in NOT_IN_CHANNEL:
        return (
            f":exclamation: Nolan couldn't post this reminder in <#{channel_id}>: it isn't a "
            "member of that channel. Invite it there (`/invite @Nolan`) so the channel sees "
            "the reminders, or ask an admin to choose another channel in `/conduct policies`."
        )
    return (
        f":exclamation: Nolan couldn't post this reminder in <#{channel_id}> just now (Slack "
        f"answered {escape(error[:80])}); it will try again on its next run."
    )


def reviewed_message(
    policy: Policy,
    *,
    reviewed_on: date,
    next_review: date,
    marked_by: Staff,
) -> Message:
    """What each reminder of the cycle becomes once the review is marked done: no button."""
    who = (
        f"<@{marked_by.slack_user_id}>"
        if marked_by.slack_user_id
        else escape(marked_by.display_name)
    )
    line, plain = reviewed_line(
        policy, reviewed_on=reviewed_on, next_review=next_review, marked_by=who
    )
    return Message(
        text=clip(plain, 3000),
        blocks=[SectionBlock(text=MarkdownTextObject(text=clip(line, 3000)))],
    )
