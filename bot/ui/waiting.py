"""A decision waiting for an approver, in words: the morning digest's and the Home's."""

from __future__ import annotations

from datetime import date

from bot.ui.text import clip, escape, short_day


def working_days_words(n: int) -> str:
    """ "1 working day", "3 working days"."""
    return f"{n} working day{'' if n == 1 else 's'}"


def waiting_lines(
    *,
    reference: str,
    what: str,
    declarant: str,
    since: date,
    working_days: int,
    deputy_for: str | None,
) -> list[str]:
    """A decision waiting for an approver, as marked text (bot.ui.text): one line each."""
    waited = f" ({working_days_words(working_days)})" if working_days else ""
    said, who = escape(clip(what, 300)), escape(declarant)
    # Kinds describe a declaration to its declarant ("your interest in…"): say whose it is.
    said = f"{who}'s {said[5:]}" if said.startswith("your ") else f"{said} ({who})"
    lines = [f"*{reference}* — {said}", f"Waiting since {short_day(since)}{waited}."]
    if deputy_for:
        lines.append(f"You are deciding it as deputy for {escape(deputy_for)}.")
    return lines
