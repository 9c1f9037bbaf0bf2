"""A policy review's reminders, described once for the platforms that draw them from cards
(Teams: bot.teams.policy_reminders; Slack keeps its Block Kit in handlers.policies.messages,
with the same words): the post in the policy's channel, the owner's own copy, and what each
becomes once the review is marked done. The button opens the "Mark reviewed" form."""

from __future__ import annotations

from datetime import date

from bot.rules.policies import long_date
from bot.ui.cards import Button, Card, Style
from bot.ui.payload import Payload
from bot.ui.policies import PolicyShown, title_link
from bot.ui.text import clip, escape

MARK_REVIEWED = "policy_mark_reviewed"  # the button's id (Slack's action id too)
WHEN_DONE = (
    "When the review is done, the owner (or an admin) marks it here: Nolan then counts to "
    "the next one."
)


class ReviewRef(Payload):
    """The "Mark reviewed…" button of a reminder: which policy, and the review date it was
    about (if the policy has moved on since, the button is out of date)."""

    policy_id: int
    due: date | None = None


def days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def when(next_review: date, today: date) -> str:
    """ "on 18 June 2027 (in 60 days)", or "today, …"."""
    left = (next_review - today).days
    if left == 0:
        return f"today, {long_date(next_review)}"
    return f"on {long_date(next_review)} (in {days(left)})"


def _button(policy_id: int, due: date | None) -> Button:
    return Button(
        MARK_REVIEWED, "Mark reviewed…", ReviewRef(policy_id=policy_id, due=due), Style.PRIMARY
    )


def _review_words(policy: PolicyShown, today: date) -> tuple[bool, str]:
    """Whether the review is overdue, and its date as both reminders word it: "was due for
    review on 1 May 2027, 3 days ago" or "is due for review on … (in 7 days)"."""
    assert policy.next_review is not None
    if policy.next_review < today:
        late = (today - policy.next_review).days
        return True, f"was due for review on {long_date(policy.next_review)}, {days(late)} ago"
    return False, f"is due for review {when(policy.next_review, today)}"


def _mark(overdue: bool) -> str:
    return ":warning:" if overdue else ":spiral_calendar_pad:"


def channel_line(policy: PolicyShown, *, owner: str, today: date) -> tuple[str, str]:
    """The channel's reminder (marked text) and its plain summary; `owner`: marked text."""
    overdue, words = _review_words(policy, today)
    head = "Policy review overdue" if overdue else "Policy review due"
    line = f"{_mark(overdue)} *{head}*: {title_link(policy)} {words}. Owner: {owner}."
    return line, f"{head}: {policy.title}"


def owner_line(policy: PolicyShown, *, today: date) -> tuple[str, str]:
    """The owner's reminder (marked text) and its plain summary."""
    overdue, words = _review_words(policy, today)
    line = f"{_mark(overdue)} Your policy {title_link(policy)} {words}"
    line += ": it is overdue." if overdue else "."
    plain = f"Your policy {policy.title} is {'overdue' if overdue else 'due'} for review"
    return line + " When the review is done, mark it reviewed here.", plain


def reviewed_line(
    policy: PolicyShown, *, reviewed_on: date, next_review: date, marked_by: str
) -> tuple[str, str]:
    """What a reminder becomes once the review is marked done; `marked_by`: marked text."""
    line = (
        f":white_check_mark: *Reviewed*: {title_link(policy)} was reviewed on "
        f"{long_date(reviewed_on)} (marked by {marked_by}). Next review: "
        f"{long_date(next_review)}."
    )
    return line, f"Reviewed: {policy.title}. Next review {long_date(next_review)}."


def channel_card(
    policy: PolicyShown, *, policy_id: int, owner_name: str | None, today: date, fix_it: str
) -> Card:
    """Posted in the policy's channel: a lead-time reminder, or overdue. `fix_it`: where an
    admin sets the owner, in the platform's words."""
    owner = escape(owner_name) if owner_name else f"nobody (an admin can set one with {fix_it})"
    line, summary = channel_line(policy, owner=owner, today=today)
    return Card(
        title="",
        summary=clip(summary, 250),
        intro=clip(line, 3000),
        note=WHEN_DONE,
        actions=(_button(policy_id, policy.next_review),),
    )


def owner_card(
    policy: PolicyShown, *, policy_id: int, today: date, channel_problem: str | None = None
) -> Card:
    """The owner's own copy, with the same button (so a policy whose channel Nolan can't post
    in can still be marked reviewed)."""
    line, summary = owner_line(policy, today=today)
    return Card(
        title="",
        summary=clip(summary, 250),
        intro=clip(line, 3000),
        note=channel_problem or "",
        actions=(_button(policy_id, policy.next_review),),
    )


def channel_problem(error: str, *, not_installed: bool, fix_it: str) -> str:
    """What the owner is told when the channel post failed (Teams' words)."""
    if not_installed:
        return (
            ":exclamation: Nolan couldn't post this reminder in the policy's channel: it isn't "
            "installed in that channel's team. Add it to the team so the channel sees the "
            f"reminders, or ask an admin to choose another channel in {fix_it}."
        )
    return (
        ":exclamation: Nolan couldn't post this reminder in the policy's channel just now "
        f"({escape(error[:80])}); it will try again on its next run."
    )


def reviewed_card(
    policy: PolicyShown, *, reviewed_on: date, next_review: date, marked_by: str
) -> Card:
    """What each reminder of the cycle becomes once the review is marked done: no button."""
    line, summary = reviewed_line(
        policy, reviewed_on=reviewed_on, next_review=next_review, marked_by=escape(marked_by)
    )
    return Card(title="", summary=clip(summary, 250), intro=clip(line, 3000))
