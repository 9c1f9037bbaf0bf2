"""The governance digest's words, once for every platform: counts only, never a name
(bot.jobs.digest). Slack draws them as Block Kit (handlers.digest.messages), Teams as a card
(bot.teams.digest)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from bot.ui.cards import Card
from bot.ui.text import clip, escape


class Counts(Protocol):
    """What the digest counts (storage.governance.Counts has it)."""

    @property
    def week_start(self) -> date: ...  # the Monday of the week counted
    @property
    def declarations(self) -> dict[str, int]: ...
    @property
    def waiting(self) -> int: ...
    @property
    def waiting_long(self) -> int: ...
    @property
    def vetting_lapsed(self) -> int: ...
    @property
    def vetting_soon(self) -> int: ...
    @property
    def policies_due(self) -> int: ...
    @property
    def policies_overdue(self) -> int: ...
    @property
    def policy_window_days(self) -> int: ...

# The kinds always shown (at zero too), in this order, and how each is counted.
KIND_WORDS: dict[str, tuple[str, str]] = {
    "gift": ("gift or hospitality offer", "gifts and hospitality offers"),
    "interest": ("interest", "interests"),
    "outside_work": ("outside work request", "outside work requests"),
}
UNREACHABLE_ADVICE = "ask IT to pre-install Nolan with an app setup policy"


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


def heading(counts: Counts) -> str:
    return f"Governance digest: week beginning {short_day(counts.week_start + timedelta(days=7))}"


def lines(counts: Counts, *, unreachable: int = 0) -> list[str]:
    """The digest's lines (marked text); `unreachable`: people whose messages wait for Nolan
    to be installed for them (Teams), said only when there are some."""
    made = dict(counts.declarations)
    parts = [_n(made.pop(kind, 0), *words) for kind, words in KIND_WORDS.items()]
    parts += [
        _n(n, kind.replace("_", " "), kind.replace("_", " ")) for kind, n in sorted(made.items())
    ]
    total = sum(counts.declarations.values())
    said = [
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
    if unreachable:
        people = _n(unreachable, "person", "people")
        said.append(f"*{people} can't be reached*: {UNREACHABLE_ADVICE}.")
    return said


def footnote(office: str) -> str:
    return (
        f"Counts only, for {escape(office)}: who declared what stays with their approvers and "
        "the register keepers."
    )


def digest_card(counts: Counts, *, office: str, unreachable: int = 0) -> Card:
    body = "\n".join(lines(counts, unreachable=unreachable))
    title = heading(counts)
    return Card(
        title=clip(title, 150),
        summary=clip(f"{title}. {body}".replace("*", ""), 250),
        intro=clip(body, 3000),
        footnotes=(clip(footnote(office), 3000),),
    )
