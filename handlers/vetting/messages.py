"""What Nolan says about vetting: the reminder to the member of staff, the vetting officer's
list of renewals due and weekly list of lapsed clearances (each person with "Renewed on…"),
and the confirmations once a renewal is recorded. Confidential: these go in DMs only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.notifier import Message
from bot.rules import vetting as rules
from bot.ui.text import long_day, relative
from handlers.text import clip, escape
from handlers.vetting.ids import RENEW_ACTION, ClearanceRef, person_block
from storage.vetting import Holder

# People per message: Slack allows 50 blocks; each person is one, plus a heading and a footer.
PER_MESSAGE = 40
# Names in a notification's plain text (the blocks carry everyone).
TEXT_NAMES = 10


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


def _section(
    text: str, *, block_id: str | None = None, accessory: ButtonElement | None = None
) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=clip(text, 3000)), block_id=block_id, accessory=accessory
    )


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, 3000))])


def names_list(names: Sequence[str]) -> str:
    shown = list(names[:TEXT_NAMES])
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


# -- to the member of staff -------------------------------------------------------------------


def member_reminder(
    holder: Holder,
    today: date,
    *,
    overseer_names: Sequence[str],
    officer_title: str,
    leads: Sequence[int],
    years: int,
) -> Message:
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
    return Message(
        text=f"{head}{when}.",
        blocks=(
            _section(f":hourglass_flowing_sand: *{head}*{when}.\n{body}"),
            _context(
                f"Nolan reminds you {leads_words(leads)}. Your clearance is renewed every "
                f"{years} years; once {who} records the renewal, Nolan tells you your new "
                "expiry date."
            ),
        ),
    )


def member_renewed(
    level: str | None, renewed_on: date, new_expiry: date, *, by_name: str, leads: Sequence[int]
) -> Message:
    lvl = level_words(level)
    head = f"Your {lvl}vetting renewal is recorded: your clearance now expires on " + long_day(
        new_expiry
    )
    return Message(
        text=head + ".",
        blocks=(
            _section(
                f":white_check_mark: *{head}.*\nRenewed on {long_day(renewed_on)}, recorded by "
                f"{escape(by_name)}."
            ),
            _context(f"Nolan will remind you {leads_words(leads)}."),
        ),
    )


# -- to the vetting officer -------------------------------------------------------------------


def _renew_button(holder: Holder) -> ButtonElement:
    return ButtonElement(
        text="Renewed on…",
        action_id=RENEW_ACTION,
        value=ClearanceRef(staff_id=holder.id, expires=holder.expires).encode(),
    )


def _person_line(holder: Holder, detail: str) -> str:
    name = escape(clip(holder.name, 200))
    level = f" · {escape(clip(holder.level, 50))}" if holder.level else ""
    no_slack = "\n_Not on Slack: Nolan can't remind them, so please tell them._"
    return f"*{name}*{level} · {detail}" + ("" if holder.slack_user_id else no_slack)


def _interval_note(holders: Sequence[Holder], intervals: Mapping[str, int]) -> str:
    years = sorted({rules.interval_years(h.level, intervals) for h in holders})
    span = " or ".join(f"{y} years" for y in years)
    return (
        "Record a renewal with *Renewed on…*: Nolan sets the next expiry "
        f"({span} after the renewal, by level), tells the person, and reminds you both again "
        "before it. Confidential: keep this list out of channels."
    )


def _parts(items: Sequence[Holder]) -> list[Sequence[Holder]]:
    return [items[i : i + PER_MESSAGE] for i in range(0, len(items), PER_MESSAGE)] or [[]]


def renewal_list(
    holders: Sequence[Holder], today: date, intervals: Mapping[str, int], *, part: str = ""
) -> Message:
    """The vetting officer's list of clearances whose reminder fell due today (at most
    PER_MESSAGE people: the caller splits longer lists)."""
    n = len(holders)
    head = f"{n} vetting clearance{' is' if n == 1 else 's are'} due for renewal"
    blocks: list[Block] = [_section(f":hourglass_flowing_sand: *{head}*{part}")]
    for h in holders:
        verb = "expired" if h.expires < today else "expires"
        when = f"{verb} *{long_day(h.expires)}* ({relative(h.expires, today)})"
        blocks.append(
            _section(_person_line(h, when), block_id=person_block(h.id), accessory=_renew_button(h))
        )
    blocks.append(_context(_interval_note(holders, intervals)))
    names = [f"{h.name} ({long_day(h.expires)})" for h in holders]
    return Message(text=clip(f"{head}: {names_list(names)}.", 3000), blocks=tuple(blocks))


def lapsed_lists(
    holders: Sequence[Holder], monday: date, today: date, intervals: Mapping[str, int]
) -> list[Message]:
    """The weekly list of lapsed clearances: how many, by level, then each person with how
    long ago it lapsed; split into messages of at most PER_MESSAGE people."""
    n = len(holders)
    by_level = Counter(h.level or "no level given" for h in holders)
    counts = ", ".join(f"{escape(clip(level, 50))}: {c}" for level, c in sorted(by_level.items()))
    head = f"{n} vetting clearance{' has' if n == 1 else 's have'} lapsed"
    chunks = _parts(holders)
    messages = []
    for i, chunk in enumerate(chunks, start=1):
        part = f" (part {i} of {len(chunks)})" if len(chunks) > 1 else ""
        blocks: list[Block] = [
            _section(
                f":warning: *{head}* — week of {long_day(monday)}{part}\nBy level: {counts}. "
                "Each needs re-vetting: their posts call for a current clearance."
            )
        ]
        for h in chunk:
            days = rules.days_lapsed(h.expires, today)
            detail = f"expired *{long_day(h.expires)}* ({days} day{'' if days == 1 else 's'} ago)"
            blocks.append(
                _section(
                    _person_line(h, detail), block_id=person_block(h.id), accessory=_renew_button(h)
                )
            )
        blocks.append(
            _context(
                _interval_note(chunk, intervals)
                + " This list comes each Monday while any clearance is lapsed."
            )
        )
        names = [h.name for h in chunk]
        text = f"{head} (week of {long_day(monday)}){part}: {names_list(names)}."
        messages.append(Message(text=clip(text, 3000), blocks=tuple(blocks)))
    return messages


def officer_renewed(
    name: str, level: str | None, renewed_on: date, new_expiry: date, years: int, told: bool
) -> Message:
    lvl = level_words(level)
    tell = (
        "Nolan has told them their new expiry date."
        if told
        else "They are not on Slack, or Nolan couldn't reach them: please tell them."
    )
    text = (
        f"Recorded: {escape(name)}'s {lvl}clearance was renewed on {long_day(renewed_on)} and "
        f"now expires on {long_day(new_expiry)} ({years} years)."
    )
    return Message(
        text=text,
        blocks=(_section(f":white_check_mark: {text}"), _context(tell)),
    )


def recorded_by(confirmation: Message, name: str) -> Message:
    """The confirmation, as told to another vetting officer: who recorded it."""
    text = confirmation.text + f" Recorded by {escape(name)}."
    return Message(text=text, blocks=(_section(f":white_check_mark: {text}"),))
