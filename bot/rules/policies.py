"""Policy review: the office's policies, each reviewed on a cycle, and when each falls due.

The codes put review dates on themselves: avon-and-somerset ("Process for Review": "reviewed
every 2 years"; its table gives a date to be reviewed and the date the last review was
completed), derbyshire §15 ("Policy review date": every three years; its version table records
each review and "the next review date"), warwickshire (a printed "Review Date: 01/03/2018").
So a policy carries either an interval in months (from the last review) or an explicit next
review date; given both, the date is used for the coming review and the interval after it.

Pure: no Slack, no SQL.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from bot.rules.refusal import Invalid

TITLE_MAX = 200
URL_MAX = 500
NOTE_MAX = 1000
MONTHS_MAX = 120  # ten years: anything longer is a typing slip


class Field(StrEnum):
    """The form's fields; also the modal's block ids, so an error lands on its field."""

    TITLE = "title"
    OWNER = "owner"
    URL = "url"
    LAST_REVIEWED = "last_reviewed"
    REVIEW_MONTHS = "review_months"
    NEXT_REVIEW = "next_review"
    CHANNEL = "channel"
    FLAGS = "flags"


class ReviewField(StrEnum):
    """The "Mark reviewed" form's fields (block ids)."""

    REVIEWED_ON = "reviewed_on"
    NEXT_REVIEW = "review_next"
    NOTE = "note"


class InvalidPolicy(Invalid):
    """The form's answers failed these rules (refusal.Invalid); each message ≤150 characters."""


@dataclass(frozen=True)
class PolicyForm:
    """What the admin typed, unchecked."""

    title: str | None
    owner_chosen: bool  # a person was picked
    owner_in_org: bool  # …and they are in the org chart
    url: str | None
    last_reviewed: date | None
    review_months: str | None  # number inputs arrive as text
    next_review: date | None
    channel: str | None
    is_code_of_conduct: bool = False
    retired: bool = False


@dataclass(frozen=True)
class ValidPolicy:
    title: str
    url: str
    last_reviewed: date | None
    review_months: int | None
    next_review: date
    channel_id: str | None
    is_code_of_conduct: bool
    active: bool


def add_months(start: date, months: int) -> date:
    """`start` plus whole months; a day the target month lacks becomes its last day
    (31 January + 1 month = 28 or 29 February)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def next_review_date(
    *, last_reviewed: date | None, review_months: int | None, explicit: date | None
) -> date | None:
    """The explicit date if there is one, else the last review plus the interval."""
    if explicit is not None:
        return explicit
    if last_reviewed is not None and review_months is not None:
        return add_months(last_reviewed, review_months)
    return None


_URL = re.compile(r"^https?://", re.IGNORECASE)


def valid_url(raw: str) -> bool:
    """An http or https address with a host and no spaces (an intranet host without dots
    is fine: policies often live on the office's intranet)."""
    # <, > and | would break Slack's <url|text> link syntax.
    if not _URL.match(raw) or any(c.isspace() or c in '<>|"' for c in raw) or len(raw) > URL_MAX:
        return False
    try:
        parts = urlsplit(raw)
    except ValueError:
        return False
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    host = parts.hostname or ""
    return bool(host) and not host.startswith(".") and not host.endswith("..")


# Slack channel ids: C… public, G… private (older private channels). A DM (D…) or a user
# cannot take a channel's reminders.
_CHANNEL = re.compile(r"^[CG][A-Z0-9]{2,31}$")
# A Teams channel's conversation id: 19:…@thread.tacv2 (or @thread.skype, older teams). A
# group chat (@thread.v2) or a 1:1 chat is not a channel.
_TEAMS_CHANNEL = re.compile(r"^19:[A-Za-z0-9_.=-]{1,200}@thread\.(?:tacv2|skype)$")
CHANNEL_EXAMPLE = {"slack": "C0123ABCDEF", "teams": "19:…@thread.tacv2"}


def valid_channel(raw: str, platform: str = "slack") -> bool:
    """A channel's id as `platform` ("slack" or "teams") names it: where the governance digest
    and a policy's review reminders go (issue 12: the same settings on Teams)."""
    pattern = _TEAMS_CHANNEL if platform == "teams" else _CHANNEL
    return bool(pattern.match(raw))


def _months(raw: str | None, errors: dict[str, str]) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MONTHS_MAX:
        errors[Field.REVIEW_MONTHS] = (
            f"Give a whole number of months from 1 to {MONTHS_MAX}, e.g. 24 for every two years."
        )
        return None
    return int(text)


def validate(form: PolicyForm, today: date, platform: str = "slack") -> ValidPolicy:
    """Check the policy form; raise InvalidPolicy with a message per field.

    A policy has a title and an owner from the org chart (the person reminded). It needs a
    next review date: given outright, or worked out from the last review and an interval.
    The last review cannot be in the future; a next review date may be in the past (a
    printed date long passed is exactly what reminders are for: it shows as overdue).
    """
    errors: dict[str, str] = {}
    title = " ".join((form.title or "").split())
    if not title:
        errors[Field.TITLE] = "Give the policy's title, e.g. Staff Code of Conduct."
    elif len(title) > TITLE_MAX:
        errors[Field.TITLE] = f"Please keep the title to {TITLE_MAX} characters or fewer."
    if not form.owner_chosen:
        errors[Field.OWNER] = "Choose who owns the policy: they are reminded when it is due."
    elif not form.owner_in_org:
        errors[Field.OWNER] = "That person isn't in the org chart: choose someone who is."
    url = (form.url or "").strip()
    if url and not valid_url(url):
        errors[Field.URL] = "Give the full address of the policy, starting https:// or http://."
    if form.last_reviewed is not None and form.last_reviewed > today:
        errors[Field.LAST_REVIEWED] = "The last review can't be in the future."
    months = _months(form.review_months, errors)
    channel = (form.channel or "").strip() or None
    if channel is not None and not valid_channel(channel, platform):
        errors[Field.CHANNEL] = (
            "Choose a channel (not a direct message) for the reminders."
            if platform != "teams"
            else "Paste the link to a channel of a team Nolan is in (not a chat)."
        )
    next_review = next_review_date(
        last_reviewed=form.last_reviewed, review_months=months, explicit=form.next_review
    )
    if next_review is None and Field.REVIEW_MONTHS not in errors:
        if months is not None:
            errors[Field.LAST_REVIEWED] = (
                "Give the date of the last review, so the interval gives the next one."
            )
        else:
            errors[Field.NEXT_REVIEW] = (
                "Give a next review date, or an interval in months and the last review date."
            )
    elif (
        next_review is not None
        and form.last_reviewed is not None
        and next_review <= form.last_reviewed
    ):
        errors[Field.NEXT_REVIEW] = "The next review must come after the last one."
    if errors:
        raise InvalidPolicy(errors)
    assert next_review is not None
    return ValidPolicy(
        title=title,
        url=url,
        last_reviewed=form.last_reviewed,
        review_months=months,
        next_review=next_review,
        channel_id=channel,
        is_code_of_conduct=form.is_code_of_conduct and not form.retired,
        active=not form.retired,
    )


# -- marking a review done ------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewForm:
    reviewed_on: date | None
    next_review: date | None  # needed when the policy has no interval
    note: str | None


@dataclass(frozen=True)
class Review:
    reviewed_on: date
    next_review: date
    note: str


def validate_review(form: ReviewForm, *, review_months: int | None, today: date) -> Review:
    """The review was done on a day no later than today; the next one is the given date, or
    the interval from the day of this review, and must be after today (else it would be
    overdue at once: a slip in the dates)."""
    errors: dict[str, str] = {}
    reviewed_on = form.reviewed_on or today
    if reviewed_on > today:
        errors[ReviewField.REVIEWED_ON] = "The review can't be in the future."
    note = (form.note or "").strip()
    if len(note) > NOTE_MAX:
        errors[ReviewField.NOTE] = f"Please keep the note to {NOTE_MAX} characters or fewer."
    next_review = next_review_date(
        last_reviewed=reviewed_on, review_months=review_months, explicit=form.next_review
    )
    if next_review is None:
        errors[ReviewField.NEXT_REVIEW] = (
            "This policy has no review interval: give the date of its next review."
        )
    elif form.next_review is not None and next_review <= today:
        errors[ReviewField.NEXT_REVIEW] = "The next review must be after today."
    elif next_review <= today and ReviewField.REVIEWED_ON not in errors:
        errors[ReviewField.REVIEWED_ON] = (
            f"That puts the next review ({long_date(next_review)}) in the past: check the "
            "date, or give the next review date."
        )
    if errors:
        raise InvalidPolicy(errors)
    assert next_review is not None
    return Review(reviewed_on=reviewed_on, next_review=next_review, note=note)


# -- where a policy stands ------------------------------------------------------------------


class Standing(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"  # within the longest lead time
    CURRENT = "current"
    NO_DATE = "no_date"


def standing(next_review: date | None, today: date, leads: tuple[int, ...]) -> Standing:
    if next_review is None:
        return Standing.NO_DATE
    if next_review < today:
        return Standing.OVERDUE
    if next_review - timedelta(days=max(leads, default=0)) <= today:
        return Standing.DUE
    return Standing.CURRENT


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def interval_words(months: int | None) -> str:
    """ "every 2 years", "every 18 months", "" (no interval)."""
    if not months:
        return ""
    if months % 12 == 0:
        years = months // 12
        return "every year" if years == 1 else f"every {years} years"
    return "every month" if months == 1 else f"every {months} months"
