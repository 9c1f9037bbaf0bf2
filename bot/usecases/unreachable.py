"""Who Nolan cannot reach: people (or channels) whose messages are parked because the platform
refused them for want of Nolan installed for them (Teams answers 403), so that an admin can
have IT install it for everyone. Their messages go as soon as it is installed (bot.outbox
.unpark, on the install's conversationUpdate); nothing is lost meanwhile."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from storage import outbox, staff

ADVICE = "ask IT to pre-install Nolan with an app setup policy"


@dataclass(frozen=True)
class Unreachable:
    name: str  # the person's name and email, or the channel's id
    waiting: int  # messages parked for them


def unreachable(session: Session) -> list[Unreachable]:
    """Everyone with parked messages, most waiting first."""
    parked = outbox.parked(session)
    ids = {int(r.removeprefix("staff:")) for r in parked if r.startswith("staff:")}
    people = staff.by_ids(session, ids=ids)
    found = []
    for recipient, waiting in parked.items():
        staff_id = recipient.removeprefix("staff:")
        person = people.get(int(staff_id)) if recipient.startswith("staff:") else None
        name = f"{person.name} <{person.email}>" if person is not None else recipient
        found.append(Unreachable(name, waiting))
    return found


def people_unreachable(session: Session) -> int:
    """How many people have messages parked (the governance digest's count: no names)."""
    return sum(1 for recipient in outbox.parked(session) if recipient.startswith("staff:"))


def told(session: Session) -> list[str]:
    """What to tell an admin: a headline and a line per person; nothing when all are reached."""
    found = unreachable(session)
    if not found:
        return []
    n = len(found)
    headline = f"{n} {'person' if n == 1 else 'people'} can't be reached: {ADVICE}."
    lines = [
        f"  {u.name}: {u.waiting} {'message' if u.waiting == 1 else 'messages'} waiting"
        for u in found
    ]
    return [headline, *lines]
