"""The /conduct policies modals: the list, the add/edit form, and "Mark reviewed". Pure:
built from plain values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    DatePickerElement,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    UrlInputElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.rules.policies import (
    MONTHS_MAX,
    NOTE_MAX,
    TITLE_MAX,
    URL_MAX,
    Field,
    ReviewField,
    Standing,
    add_months,
    interval_words,
    long_date,
    standing,
)
from handlers.policies.ids import (
    CODE_OF_CONDUCT,
    RETIRED,
    Action,
    Callback,
    FormMeta,
    PolicyRef,
    ReviewMeta,
    action_id,
)
from handlers.text import clip, escape
from storage.models import Policy

# A modal holds at most 100 blocks: the list shows this many policies and counts the rest.
LIST_LIMIT = 90

STANDING_MARKS = {
    Standing.OVERDUE: ":warning: *Overdue*",
    Standing.DUE: ":hourglass_flowing_sand: Due soon",
    Standing.CURRENT: "",
    Standing.NO_DATE: "No review date",
}


def title_link(policy: Policy) -> str:
    """The title, linked to the policy where it has an address (mrkdwn)."""
    title = escape(policy.title)
    return f"<{policy.url}|{title}>" if policy.url else title


def _policy_line(
    policy: Policy, owner_name: str | None, today: date, leads: tuple[int, ...]
) -> str:
    head = f"*{title_link(policy)}*"
    if policy.is_code_of_conduct:
        head += "  · _the code of conduct_"
    mark = STANDING_MARKS[standing(policy.next_review, today, leads)] if policy.active else ""
    if mark:
        head += f"  {mark}"
    details = [f"Owner: {escape(owner_name) if owner_name else 'nobody'}"]
    if policy.next_review:
        details.append(f"next review {long_date(policy.next_review)}")
    if policy.review_months:
        details.append(interval_words(policy.review_months))
    details.append(f"<#{policy.channel_id}>" if policy.channel_id else "no channel")
    return clip(f"{head}\n{' · '.join(details)}", 3000)


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
    numbers = [str(n) for n in leads]
    lead_words = " and ".join(
        [", ".join(numbers[:-1]), numbers[-1]] if len(numbers) > 1 else numbers
    )
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
    shown = 0
    for policy in active:
        if shown >= LIST_LIMIT:
            break
        blocks.append(
            SectionBlock(
                block_id=f"policy_{policy.id}",
                text=MarkdownTextObject(
                    text=_policy_line(policy, owner_names.get(policy.owner_id or 0), today, leads)
                ),
                accessory=_edit_button(policy),
            )
        )
        shown += 1
    if retired and shown < LIST_LIMIT:
        blocks += [DividerBlock(), ContextBlock(elements=[MarkdownTextObject(text="*Retired*")])]
        for policy in retired:
            if shown >= LIST_LIMIT:
                break
            blocks.append(
                SectionBlock(
                    block_id=f"policy_{policy.id}",
                    text=MarkdownTextObject(
                        text=_policy_line(
                            policy, owner_names.get(policy.owner_id or 0), today, leads
                        )
                    ),
                    accessory=_edit_button(policy),
                )
            )
            shown += 1
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


FLAG_CODE = Option(
    value=CODE_OF_CONDUCT,
    label="This is the office's code of conduct",
    description="Only one policy can be: ticking this clears it from any other.",
)
FLAG_RETIRED = Option(
    value=RETIRED,
    label="Retired",
    description="No more reminders. It stays on the list, and can be brought back.",
)


def policy_form(
    *,
    policy: Policy | None,
    owner_slack_id: str | None,
    meta: FormMeta,
) -> View:
    """Add a policy (policy None) or edit one."""
    options = [FLAG_CODE] if policy is None else [FLAG_CODE, FLAG_RETIRED]
    ticked = []
    if policy is not None and policy.is_code_of_conduct:
        ticked.append(FLAG_CODE)
    if policy is not None and not policy.active:
        ticked.append(FLAG_RETIRED)
    blocks: list[Block] = [
        InputBlock(
            block_id=Field.TITLE,
            label="Title",
            element=PlainTextInputElement(
                action_id=action_id(Field.TITLE),
                max_length=TITLE_MAX,
                placeholder="e.g. Staff Code of Conduct",
                initial_value=policy.title if policy else None,
            ),
        ),
        InputBlock(
            block_id=Field.OWNER,
            label="Owner",
            hint="The person who reviews it. They are sent each reminder.",
            element=UserSelectElement(
                action_id=action_id(Field.OWNER),
                placeholder="Choose a person",
                initial_user=owner_slack_id,
            ),
        ),
        InputBlock(
            block_id=Field.URL,
            label="Link to the policy",
            optional=True,
            hint="Its address on the intranet or website, starting https://.",
            element=UrlInputElement(
                action_id=action_id(Field.URL),
                initial_value=(policy.url[:URL_MAX] or None) if policy else None,
            ),
        ),
        InputBlock(
            block_id=Field.LAST_REVIEWED,
            label="Last reviewed on",
            optional=True,
            element=DatePickerElement(
                action_id=action_id(Field.LAST_REVIEWED),
                initial_date=_iso(policy.last_reviewed) if policy else None,
            ),
        ),
        InputBlock(
            block_id=Field.REVIEW_MONTHS,
            label="Reviewed every … months",
            optional=True,
            hint="Give this, or the next review date below. Avon and Somerset reviews every "
            "2 years (24), Derbyshire every 3 (36).",
            element=NumberInputElement(
                action_id=action_id(Field.REVIEW_MONTHS),
                is_decimal_allowed=False,
                min_value=1,
                max_value=MONTHS_MAX,
                initial_value=(
                    str(policy.review_months) if policy and policy.review_months else None
                ),
            ),
        ),
        InputBlock(
            block_id=Field.NEXT_REVIEW,
            label="Next review date",
            optional=True,
            hint="Or the review date printed on the policy (Warwickshire prints one). Given "
            "both, this date comes first and the interval after it.",
            element=DatePickerElement(
                action_id=action_id(Field.NEXT_REVIEW),
                initial_date=_iso(policy.next_review) if policy else None,
            ),
        ),
        InputBlock(
            block_id=Field.CHANNEL,
            label="Channel for reminders",
            optional=True,
            hint="Nolan posts the reminders here: invite it to the channel (/invite @Nolan). "
            "Without a channel, only the owner is reminded.",
            element=ConversationSelectElement(
                action_id=action_id(Field.CHANNEL),
                placeholder="Choose a channel",
                initial_conversation=policy.channel_id if policy else None,
                filter=ConversationFilter(include=["public", "private"], exclude_bot_users=True),
            ),
        ),
        InputBlock(
            block_id=Field.FLAGS,
            label="Also",
            optional=True,
            element=CheckboxesElement(
                action_id=action_id(Field.FLAGS),
                options=options,
                initial_options=ticked or None,
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.FORM,
        private_metadata=meta.encode(),
        title=PlainTextObject(text="Add a policy" if policy is None else "Edit a policy"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Back"),
        blocks=blocks,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def review_modal(policy: Policy, *, meta: ReviewMeta, owner_name: str | None, today: date) -> View:
    """The owner (or an admin) records that the review is done."""
    due = f"due for review on {long_date(policy.next_review)}" if policy.next_review else ""
    owner = f" Owner: {escape(owner_name)}." if owner_name else ""
    if policy.review_months:
        nxt = add_months(today, policy.review_months)
        next_hint = (
            f"Leave empty to review it {interval_words(policy.review_months)} from the day "
            f"of this review (from today: {long_date(nxt)})."
        )
    else:
        next_hint = "This policy has no review interval: give the date of its next review."
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(text=clip(f"*{title_link(policy)}*, {due}.{owner}", 3000))
        ),
        InputBlock(
            block_id=ReviewField.REVIEWED_ON,
            label="Reviewed on",
            element=DatePickerElement(
                action_id=action_id(ReviewField.REVIEWED_ON), initial_date=today.isoformat()
            ),
        ),
        InputBlock(
            block_id=ReviewField.NEXT_REVIEW,
            label="Next review date",
            optional=bool(policy.review_months),
            hint=next_hint,
            element=DatePickerElement(action_id=action_id(ReviewField.NEXT_REVIEW)),
        ),
        InputBlock(
            block_id=ReviewField.NOTE,
            label="Note",
            optional=True,
            hint="What changed, if anything. Kept in the audit trail.",
            element=PlainTextInputElement(
                action_id=action_id(ReviewField.NOTE), multiline=True, max_length=NOTE_MAX
            ),
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.REVIEW,
        private_metadata=meta.encode(),
        title=PlainTextObject(text="Mark reviewed"),
        submit=PlainTextObject(text="Mark reviewed"),
        close=PlainTextObject(text="Cancel"),
        blocks=blocks,
    )
