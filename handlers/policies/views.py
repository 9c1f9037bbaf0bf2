"""The /conduct policies modals: the list, the add/edit form, and "Mark reviewed". Pure:
built from plain values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.ui import policies as ui
from handlers import slack_ui
from handlers.policies.ids import (
    Action,
    Callback,
    FormMeta,
    PolicyRef,
    ReviewMeta,
)
from storage.models import Policy

# A modal holds at most 100 blocks: the list shows this many policies and counts the rest.
LIST_LIMIT = 90


def _policy_line(
    policy: Policy, owner_name: str | None, today: date, leads: tuple[int, ...]
) -> str:
    return ui.policy_line(policy, owner_name, today, leads, channel=f"<#{policy.channel_id}>")


def _edit_button(policy: Policy) -> ButtonElement:
    assert policy.id is not None
    return ButtonElement(
        text="Edit", action_id=Action.EDIT, value=PolicyRef(policy_id=policy.id).encode()
    )


def list_modal(
    policies: Sequence[Policy],
    owner_names: Mapping[int, str],
    *,
    today: date,
    leads: tuple[int, ...],
) -> View:
    lead_words = ui.lead_words(leads)
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="The office's policies and their review dates. Nolan posts in each "
                f"policy's channel {lead_words} days before its review is due, and each week "
                "once it is overdue, and sends its owner a message each time."
            )
        )
    ]
    active = [p for p in policies if p.active]
    retired = [p for p in policies if not p.active]
    if not active:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="_No policies yet._ Start with the office's code of conduct: "
                    "*Add a policy*, give its link, owner and review date, and tick "
                    "*This is the office's code of conduct*."
                )
            )
        )

    def row(policy: Policy) -> SectionBlock:
        owner = owner_names.get(policy.owner_id or 0)
        return SectionBlock(
            block_id=f"policy_{policy.id}",
            text=MarkdownTextObject(text=_policy_line(policy, owner, today, leads)),
            accessory=_edit_button(policy),
        )

    listed = active[:LIST_LIMIT]
    blocks += [row(p) for p in listed]
    if retired and len(listed) < LIST_LIMIT:
        blocks += [DividerBlock(), ContextBlock(elements=[MarkdownTextObject(text="*Retired*")])]
        also = retired[: LIST_LIMIT - len(listed)]
        blocks += [row(p) for p in also]
        listed += also
    shown = len(listed)
    if shown < len(policies):
        more = len(policies) - shown
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"…and {more} more not shown (a modal holds no more).")
                ]
            )
        )
    blocks.append(
        ActionsBlock(
            block_id="policy_list_actions",
            elements=[
                ButtonElement(
                    text="Add a policy", action_id=Action.ADD, value="add", style="primary"
                )
            ],
        )
    )
    return View(
        type="modal",
        callback_id=Callback.LIST,
        title=PlainTextObject(text="Policies"),
        close=PlainTextObject(text="Done"),
        blocks=blocks,
    )


def policy_form(
    *,
    policy: Policy | None,
    owner_slack_id: str | None,
    meta: FormMeta,
) -> View:
    """Add a policy (policy None) or edit one."""
    return slack_ui.modal(ui.policy_form(policy=policy, owner_id=owner_slack_id, payload=meta))


def review_modal(policy: Policy, *, meta: ReviewMeta, owner_name: str | None, today: date) -> View:
    """The owner (or an admin) records that the review is done."""
    return slack_ui.modal(ui.review_form(policy, payload=meta, owner_name=owner_name, today=today))
