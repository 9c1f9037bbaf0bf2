"""What Nolan says about vetting, described once: the reminder to the member of staff, the
vetting officer's list of renewals due and weekly list of lapsed clearances (each person
with "Renewed on…"), and the confirmations once a renewal is recorded. Confidential: these
go in DMs only. Slack draws them as Block Kit (handlers/vetting/messages.py), Teams as
Adaptive Cards (bot/teams/vetting.py); `platform` names the one a person may not be on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.rules import vetting as rules
from bot.ui.cards import Button, Card
from bot.ui.screens import Entry
from bot.ui.text import clip, escape, long_day, relative
from bot.ui.vetting import PER_MESSAGE, ClearanceRef, names_list

RENEW_ACTION = "vetting_renewed_on"  # "Renewed on…" beside each person in the lists
RENEW_LABEL = "Renewed on…"


class Cleared(Protocol):
    """A member of staff with a clearance (storage.vetting.Holder)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def level(self) -> str | None: ...
    @property
    def expires(self) -> date: ...
    @property
    def slack_user_id(self) -> str | None: ...
    @property
    def teams_id(self) -> str | None: ...


def on(person: Cleared, platform: str) -> bool:
    """Whether `person` has an account on `platform` ("Slack" or "Teams")."""
    return bool(person.teams_id if platform == "Teams" else person.slack_user_id)


@dataclass(frozen=True)
class Listing:
    """A list for an overseer: its heading (marked), a line per person with its button, the
    small print under it, and the notification's text."""

    summary: str
    head: str
    people: tuple[Entry, ...]
    footer: str


def level_words(level: str | None) -> str:
    return f"{escape(clip(level, 50))} " if level else ""


def leads_words(leads: Sequence[int]) -> str:
    """(90, 30, 7, 0) -> "90, 30 and 7 days before it expires, and on the day"."""
    before = [str(d) for d in leads if d > 0]
    parts = []
    if before:
        listed = before[0] if len(before) == 1 else ", ".join(before[:-1]) + " and " + before[-1]
        parts.append(f"{listed} day{'' if before == ['1'] else 's'} before it expires")
    if 0 in leads:
        parts.append("on the day")
    return ", and ".join(parts)


def person_block(staff_id: int) -> str:
    """One person's line in a list (Slack: block ids must be unique within a message)."""
    return f"vetting_person_{staff_id}"


# -- to the member of staff -------------------------------------------------------------------


def member_reminder(
    holder: Cleared,
    today: date,
    *,
    overseer_names: Sequence[str],
    officer_title: str,
    leads: Sequence[int],
    years: int,
) -> Card:
    level = level_words(holder.level)
    if holder.expires > today:
        head = f"Your {level}vetting clearance expires on {long_day(holder.expires)}"
        when = f" ({relative(holder.expires, today)})"
    elif holder.expires == today:
        head, when = f"Your {level}vetting clearance expires today", ""
    else:
        head = f"Your {level}vetting clearance expired on {long_day(holder.expires)}"
        when = f" ({relative(holder.expires, today)})"
    who = (
        " or ".join(escape(n) for n in overseer_names)
        if overseer_names
        else f"the {escape(officer_title)}"
    )
    body = (
        "Re-vetting takes time, and your post needs a current clearance: please contact "
        f"{who} to arrange your renewal, if you haven't already."
        if holder.expires >= today
        else f"Please contact {who} about your renewal straight away."
    )
    return Card(
        title="",
        summary=f"{head}{when}.",
        intro=f":hourglass_flowing_sand: *{head}*{when}.\n{body}",
        note=f"Nolan reminds you {leads_words(leads)}. Your clearance is renewed every "
        f"{years} years; once {who} records the renewal, Nolan tells you your new expiry date.",
    )


def member_renewed(
    level: str | None, renewed_on: date, new_expiry: date, *, by_name: str, leads: Sequence[int]
) -> Card:
    lvl = level_words(level)
    head = f"Your {lvl}vetting renewal is recorded: your clearance now expires on " + long_day(
        new_expiry
    )
    return Card(
        title="",
        summary=head + ".",
        intro=f":white_check_mark: *{head}.*\nRenewed on {long_day(renewed_on)}, recorded by "
        f"{escape(by_name)}.",
        note=f"Nolan will remind you {leads_words(leads)}.",
    )


# -- to the vetting officer -------------------------------------------------------------------


def renew_button(holder: Cleared) -> Button:
    return Button(
        id=RENEW_ACTION,
        label=RENEW_LABEL,
        payload=ClearanceRef(staff_id=holder.id, expires=holder.expires),
    )


def _person(holder: Cleared, detail: str, platform: str) -> Entry:
    name = escape(clip(holder.name, 200))
    level = f" · {escape(clip(holder.level, 50))}" if holder.level else ""
    not_on = f"Not on {platform}: Nolan can't remind them, so please tell them."
    not_on = "\n" + (f"_{not_on}_" if platform == "Slack" else not_on)  # Slack's italics
    return Entry(
        text=f"*{name}*{level} · {detail}" + ("" if on(holder, platform) else not_on),
        button=renew_button(holder),
        id=person_block(holder.id),
    )


def _interval_note(holders: Sequence[Cleared], intervals: Mapping[str, int]) -> str:
    years = sorted({rules.interval_years(h.level, intervals) for h in holders})
    span = " or ".join(f"{y} years" for y in years)
    return (
        "Record a renewal with *Renewed on…*: Nolan sets the next expiry "
        f"({span} after the renewal, by level), tells the person, and reminds you both again "
        "before it. Confidential: keep this list out of channels."
    )


def _parts(items: Sequence[Cleared]) -> list[Sequence[Cleared]]:
    return [items[i : i + PER_MESSAGE] for i in range(0, len(items), PER_MESSAGE)] or [[]]


def renewal_list(
    holders: Sequence[Cleared],
    today: date,
    intervals: Mapping[str, int],
    *,
    platform: str,
    part: str = "",
) -> Listing:
    """The vetting officer's list of clearances whose reminder fell due today (at most
    PER_MESSAGE people: the sweep splits longer lists)."""
    n = len(holders)
    head = f"{n} vetting clearance{' is' if n == 1 else 's are'} due for renewal"
    people = []
    for h in holders:
        verb = "expired" if h.expires < today else "expires"
        when = f"{verb} *{long_day(h.expires)}* ({relative(h.expires, today)})"
        people.append(_person(h, when, platform))
    names = [f"{h.name} ({long_day(h.expires)})" for h in holders]
    return Listing(
        summary=clip(f"{head}: {names_list(names)}.", 3000),
        head=f":hourglass_flowing_sand: *{head}*{part}",
        people=tuple(people),
        footer=_interval_note(holders, intervals),
    )


def lapsed_lists(
    holders: Sequence[Cleared],
    monday: date,
    today: date,
    intervals: Mapping[str, int],
    *,
    platform: str,
) -> list[Listing]:
    """The weekly list of lapsed clearances: how many, by level, then each person with how
    long ago it lapsed; in parts of at most PER_MESSAGE people."""
    n = len(holders)
    by_level = Counter(h.level or "no level given" for h in holders)
    counts = ", ".join(f"{escape(clip(level, 50))}: {c}" for level, c in sorted(by_level.items()))
    head = f"{n} vetting clearance{' has' if n == 1 else 's have'} lapsed"
    chunks = _parts(holders)
    listings = []
    for i, chunk in enumerate(chunks, start=1):
        part = f" (part {i} of {len(chunks)})" if len(chunks) > 1 else ""
        people = []
        for h in chunk:
            days = rules.days_lapsed(h.expires, today)
            detail = f"expired *{long_day(h.expires)}* ({days} day{'' if days == 1 else 's'} ago)"
            people.append(_person(h, detail, platform))
        names = [h.name for h in chunk]
        text = f"{head} (week of {long_day(monday)}){part}: {names_list(names)}."
        listings.append(
            Listing(
                summary=clip(text, 3000),
                head=f":warning: *{head}* — week of {long_day(monday)}{part}\nBy level: "
                f"{counts}. Each needs re-vetting: their posts call for a current clearance.",
                people=tuple(people),
                footer=_interval_note(chunk, intervals)
                + " This list comes each Monday while any clearance is lapsed.",
            )
        )
    return listings


def officer_renewed(
    name: str,
    level: str | None,
    renewed_on: date,
    new_expiry: date,
    years: int,
    told: bool,
    *,
    platform: str,
) -> Card:
    lvl = level_words(level)
    tell = (
        "Nolan has told them their new expiry date."
        if told
        else f"They are not on {platform}, or Nolan couldn't reach them: please tell them."
    )
    text = (
        f"Recorded: {escape(name)}'s {lvl}clearance was renewed on {long_day(renewed_on)} and "
        f"now expires on {long_day(new_expiry)} ({years} years)."
    )
    return Card(title="", summary=text, intro=f":white_check_mark: {text}", note=tell)


def recorded_by(confirmation: Card, name: str) -> Card:
    """The confirmation, as told to another vetting officer: who recorded it."""
    text = confirmation.summary + f" Recorded by {escape(name)}."
    return Card(title="", summary=text, intro=f":white_check_mark: {text}")
