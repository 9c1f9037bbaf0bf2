"""The policy form (add or edit) and the "Mark reviewed" form, described once. Field ids are the
rule's field names (bot.rules.policies.Field / ReviewField), so an error lands on its field."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Protocol

from bot.rules.policies import (
    MONTHS_MAX,
    NOTE_MAX,
    TITLE_MAX,
    URL_MAX,
    PolicyForm,
    ReviewField,
    ReviewForm,
    Standing,
    add_months,
    interval_words,
    long_date,
    standing,
)
from bot.rules.policies import (
    Field as PolicyField,
)
from bot.ui.forms import Answers, Choice, Field, Form, Kind, Note
from bot.ui.payload import Payload
from bot.ui.text import clip, escape

FORM_ID = "policy_form"
REVIEW_FORM_ID = "policy_review"

# Values of the form's FLAGS field.
CODE_OF_CONDUCT = "code_of_conduct"
RETIRED = "retired"

FLAG_CODE = Choice(
    CODE_OF_CONDUCT,
    "This is the office's code of conduct",
    "Only one policy can be: ticking this clears it from any other.",
)
FLAG_RETIRED = Choice(
    RETIRED, "Retired", "No more reminders. It stays on the list, and can be brought back."
)


class PolicyShown(Protocol):
    """What the forms show of a policy (storage.models.Policy has it)."""

    title: str
    url: str | None
    last_reviewed: date | None
    review_months: int | None
    next_review: date | None
    channel_id: str | None
    is_code_of_conduct: bool
    active: bool


def title_link(policy: PolicyShown) -> str:
    """The title, linked to the policy where it has an address (marked text)."""
    title = escape(policy.title)
    return f"<{policy.url}|{title}>" if policy.url else title


STANDING_MARKS = {
    Standing.OVERDUE: ":warning: *Overdue*",
    Standing.DUE: ":hourglass_flowing_sand: Due soon",
    Standing.CURRENT: "",
    Standing.NO_DATE: "No review date",
}


def policy_line(
    policy: PolicyShown,
    owner_name: str | None,
    today: date,
    leads: tuple[int, ...],
    *,
    channel: str,
) -> str:
    """One policy in the list (marked text): its title, whether its review is due, its owner,
    next review, interval and channel (`channel`: the platform's words for it)."""
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
    details.append(channel if policy.channel_id else "no channel")
    return clip(f"{head}\n{' · '.join(details)}", 3000)


def lead_words(leads: tuple[int, ...]) -> str:
    """"60, 30 and 7": the days before a review that reminders go."""
    numbers = [str(n) for n in leads]
    return " and ".join([", ".join(numbers[:-1]), numbers[-1]] if len(numbers) > 1 else numbers)


def policy_form(*, policy: PolicyShown | None, owner_id: str | None, payload: Payload) -> Form:
    """Add a policy (policy None) or edit one; `owner_id`: the owner's id on the platform."""
    f = PolicyField
    ticked = set()
    if policy is not None and policy.is_code_of_conduct:
        ticked.add(CODE_OF_CONDUCT)
    if policy is not None and not policy.active:
        ticked.add(RETIRED)
    return Form(
        id=FORM_ID,
        title="Add a policy" if policy is None else "Edit a policy",
        submit="Save",
        close="Back",
        payload=payload,
        parts=(
            Field(
                f.TITLE,
                "Title",
                Kind.SHORT_TEXT,
                max_length=TITLE_MAX,
                placeholder="e.g. Staff Code of Conduct",
                initial=policy.title if policy else None,
            ),
            Field(
                f.OWNER,
                "Owner",
                Kind.PERSON,
                hint="The person who reviews it. They are sent each reminder.",
                placeholder="Choose a person",
                initial=owner_id,
            ),
            Field(
                f.URL,
                "Link to the policy",
                Kind.LINK,
                hint="Its address on the intranet or website, starting https://.",
                required=False,
                max_length=URL_MAX,
                initial=(policy.url or None) if policy else None,
            ),
            Field(
                f.LAST_REVIEWED,
                "Last reviewed on",
                Kind.DATE,
                required=False,
                initial=policy.last_reviewed if policy else None,
            ),
            Field(
                f.REVIEW_MONTHS,
                "Reviewed every … months",
                Kind.NUMBER,
                hint="Give this, or the next review date below. Avon and Somerset reviews every "
                "2 years (24), Derbyshire every 3 (36).",
                required=False,
                min_value=1,
                max_value=MONTHS_MAX,
                initial=str(policy.review_months) if policy and policy.review_months else None,
            ),
            Field(
                f.NEXT_REVIEW,
                "Next review date",
                Kind.DATE,
                hint="Or the review date printed on the policy (Warwickshire prints one). Given "
                "both, this date comes first and the interval after it.",
                required=False,
                initial=policy.next_review if policy else None,
            ),
            Field(
                f.CHANNEL,
                "Channel for reminders",
                Kind.CHANNEL,
                hint="Nolan posts the reminders here: invite it to the channel (/invite @Nolan). "
                "Without a channel, only the owner is reminded.",
                required=False,
                placeholder="Choose a channel",
                initial=policy.channel_id if policy else None,
            ),
            Field(
                f.FLAGS,
                "Also",
                Kind.CHOICES,
                required=False,
                choices=(FLAG_CODE,) if policy is None else (FLAG_CODE, FLAG_RETIRED),
                initial=ticked,
            ),
        ),
    )


def review_form(
    policy: PolicyShown, *, payload: Payload, owner_name: str | None, today: date
) -> Form:
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
    return Form(
        id=REVIEW_FORM_ID,
        title="Mark reviewed",
        submit="Mark reviewed",
        payload=payload,
        parts=(
            Note(f"*{title_link(policy)}*, {due}.{owner}"),
            Field(ReviewField.REVIEWED_ON, "Reviewed on", Kind.DATE, initial=today),
            Field(
                ReviewField.NEXT_REVIEW,
                "Next review date",
                Kind.DATE,
                hint=next_hint,
                required=not policy.review_months,
            ),
            Field(
                ReviewField.NOTE,
                "Note",
                Kind.LONG_TEXT,
                hint="What changed, if anything. Kept in the audit trail.",
                required=False,
                max_length=NOTE_MAX,
            ),
        ),
    )


# -- reading them back (every platform's reader gives the neutral answers) --------------------


@dataclass(frozen=True)
class PolicyAnswers:
    """The policy form as typed; the owner is the platform's id of a person still to be found
    in the org chart."""

    title: str | None
    owner: str | None
    url: str | None
    last_reviewed: date | None
    review_months: str | None
    next_review: date | None
    channel: str | None
    is_code_of_conduct: bool
    retired: bool

    def form(self, *, owner_in_org: bool) -> PolicyForm:
        """What the rules check (bot.rules.policies.validate): these answers as they are, but
        the owner, who the rules know only as chosen and found in the org chart or not."""
        typed = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "owner"}
        return PolicyForm(**typed, owner_chosen=bool(self.owner), owner_in_org=owner_in_org)


def read_policy(answers: Answers) -> PolicyAnswers:
    f = PolicyField
    ticked = answers.choices(f.FLAGS)
    return PolicyAnswers(
        title=answers.text(f.TITLE),
        owner=answers.person(f.OWNER),
        url=answers.text(f.URL),
        last_reviewed=answers.date(f.LAST_REVIEWED),
        review_months=answers.text(f.REVIEW_MONTHS),
        next_review=answers.date(f.NEXT_REVIEW),
        channel=answers.channel(f.CHANNEL),
        is_code_of_conduct=CODE_OF_CONDUCT in ticked,
        retired=RETIRED in ticked,
    )


def read_review(answers: Answers) -> ReviewForm:
    return ReviewForm(
        reviewed_on=answers.date(ReviewField.REVIEWED_ON),
        next_review=answers.date(ReviewField.NEXT_REVIEW),
        note=answers.text(ReviewField.NOTE),
    )
