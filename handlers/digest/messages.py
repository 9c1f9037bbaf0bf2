"""The governance digest: counts only, never a name (handlers.digest.jobs)."""

from __future__ import annotations

from datetime import date, timedelta

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.notifier import Message
from handlers.text import clip, escape
from storage.governance import Counts

# The kinds always shown (at zero too), in this order, and how each is counted.
KIND_WORDS: dict[str, tuple[str, str]] = {
    "gift": ("gift or hospitality offer", "gifts and hospitality offers"),
    "interest": ("interest", "interests"),
    "outside_work": ("outside work request", "outside work requests"),
}


def short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _n(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _week(start: date) -> str:
    end = start + timedelta(days=6)
    if start.month == end.month:
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


def digest(counts: Counts, *, office: str) -> Message:
    made = dict(counts.declarations)
    parts = [_n(made.pop(kind, 0), *words) for kind, words in KIND_WORDS.items()]
    parts += [
        _n(n, kind.replace("_", " "), kind.replace("_", " ")) for kind, n in sorted(made.items())
    ]
    total = sum(counts.declarations.values())
    lines = [
        f"*Declarations made last week* ({_week(counts.week_start)}): {total} — "
        + ", ".join(parts)
        + ".",
        f"*Decisions waiting*: {counts.waiting}"
        + (f", {counts.waiting_long} of them for more than a week." if counts.waiting else "."),
        f"*Vetting clearances*: {counts.vetting_lapsed} lapsed, {counts.vetting_soon} "
        "expiring in the next 30 days.",
        f"*Policies*: {counts.policies_overdue} overdue for review, {counts.policies_due} due "
        f"in the next {counts.policy_window_days} days.",
    ]
    body = "\n".join(lines)
    heading = (
        f"Governance digest: week beginning {short_day(counts.week_start + timedelta(days=7))}"
    )
    return Message(
        text=clip(f"{heading}. {body}".replace("*", ""), 3000),
        blocks=[
            HeaderBlock(text=clip(heading, 150)),
            SectionBlock(text=MarkdownTextObject(text=clip(body, 3000))),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=clip(
                            f"Counts only, for {escape(office)}: who declared what stays with "
                            "their approvers and the register keepers.",
                            3000,
                        )
                    )
                ]
            ),
        ],
    )
