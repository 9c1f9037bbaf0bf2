"""`conduct policies` on Teams (admins): the office's policies and their review dates, as a
card in the chat, drawn when sent. Adding, editing and marking a review from Teams are not
here yet: the card says so."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Queued
from bot.rules.refusal import Refused
from bot.teams.conduct import subcommand, tell
from bot.teams.drawers import Drawn, drawer
from bot.teams.home import screen_card
from bot.teams.home_flow import office_policy, office_today
from bot.teams.router import Router, Turn
from bot.ui.forms import Note
from bot.ui.policies import lead_words, policy_line
from bot.ui.screens import Entry, Part, Screen, Section
from bot.usecases import policies as usecase
from storage import policies as store
from storage import staff
from storage.models import Policy

WORD = "policies"
CARD = "policies_list"
LIST_LIMIT = 40  # a card's size limit: the rest are counted
NOT_HERE_YET = "Adding and editing policies, and marking a review, are not on Teams yet."


def register(_router: Router) -> None:
    subcommand(WORD, conduct_policies, "admins: the office's policies and their review dates")


def conduct_policies(turn: Turn) -> None:
    try:  # only admins: anyone else is told why, nothing else
        usecase.list_policies(
            turn.db, actor=turn.actor, settings=turn.settings, now=turn.clock()
        )
    except Refused as refused:
        tell(turn, refused.text)
        return
    with turn.db.session() as session:
        turn.tell(session, CARD)
        session.commit()


@drawer(CARD)
def draw_policies(session: Session, _message: Queued) -> Drawn:
    policy = office_policy()
    today = office_today()
    listed = store.listed(session)
    names = {i: s.display_name for i, s in staff.by_ids(session, ids=store.owners(listed)).items()}
    leads = policy.policy_lead_days

    def entry(p: Policy) -> Entry:
        owner = names.get(p.owner_id or 0)
        return Entry(policy_line(p, owner, today, leads, channel="its channel"))

    active = [p for p in listed if p.active]
    retired = [p for p in listed if not p.active]
    intro = (
        "The office's policies and their review dates. Nolan posts in each policy's channel "
        f"{lead_words(leads)} days before its review is due, and each week once it is "
        "overdue, and sends its owner a message each time."
    )
    sections: list[Section] = [Section("", (Note(intro), Note(NOT_HERE_YET, small=True)))]
    parts: list[Part] = [entry(p) for p in active[:LIST_LIMIT]]
    if not active:
        parts.append(Note("_No policies yet._"))
    sections.append(Section("Policies", tuple(parts)))
    room = max(LIST_LIMIT - len(active), 0)
    if retired and room:
        sections.append(Section("Retired", tuple(entry(p) for p in retired[:room])))
    hidden = len(listed) - min(len(active), LIST_LIMIT) - min(len(retired), room)
    if hidden > 0:
        sections.append(Section("", (Note(f"…and {hidden} more not shown.", small=True),)))
    screen = Screen("Policies", tuple(sections))
    return Drawn(f"The office's policies ({len(listed)})", screen_card(screen))

