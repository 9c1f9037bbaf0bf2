"""Policies on Teams: `conduct policies` (admins) lists the office's policies and their review
dates, with "Add a policy…" and each policy's "Edit…" opening the policy form in a dialog;
"Mark reviewed…" on a review reminder (in the policy's channel or the owner's chat) opens
the "Mark reviewed" form. The flows and their refusals are bot.usecases.policies, as on
Slack; the reminders are drawn in bot.teams.policy_reminders."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Queued
from bot.rules import policies as rules
from bot.rules.policies import InvalidPolicy
from bot.rules.refusal import Refused
from bot.teams import adaptive
from bot.teams import policy_reminders as policy_reminders  # the reminders' drawers, on import
from bot.teams.channels import note_configured
from bot.teams.conduct import subcommand, tell
from bot.teams.dialogs import Asked, Submitted, at_fields, dialog, submit
from bot.teams.drawers import Drawn, drawer
from bot.teams.home import screen_card
from bot.teams.home_flow import office_policy, office_today
from bot.teams.router import Router, Turn
from bot.ui.cards import Button, Style
from bot.ui.forms import Form, Note
from bot.ui.payload import Payload
from bot.ui.policies import (
    FORM_ID,
    REVIEW_FORM_ID,
    lead_words,
    policy_form,
    policy_line,
    read_policy,
    read_review,
    review_form,
)
from bot.ui.policy_reminders import MARK_REVIEWED, ReviewRef
from bot.ui.screens import Buttons, Entry, Part, Screen, Section
from bot.usecases import policies as usecase
from storage import policies as store
from storage import staff
from storage.models import Policy

WORD = "policies"
CARD = "policies_list"
LIST_LIMIT = 40  # a card's size limit: the rest are counted
ADD = "policy_add"  # the buttons' ids (Slack's action ids too)
EDIT = "policy_edit"


class PolicyRef(Payload):
    """An "Edit…" button of the list, and the policy form it opens (none: a new policy)."""

    policy_id: int | None = None


def register(router: Router) -> None:
    subcommand(WORD, conduct_policies, "admins: the office's policies and their review dates")
    dialog(router, ADD, _form)
    dialog(router, EDIT, _form)
    submit(router, FORM_ID, save, form=_form)
    dialog(router, MARK_REVIEWED, _review_form)
    submit(router, REVIEW_FORM_ID, mark_reviewed, form=_review_form)


def conduct_policies(turn: Turn) -> None:
    try:  # only admins: anyone else is told why, nothing else
        usecase.list_policies(
            turn.db, actor=turn.actor, settings=turn.settings, now=turn.clock()
        )
    except Refused as refused:
        tell(turn, refused.text)
        return
    turn.tell_now(CARD)


# -- adding and editing ------------------------------------------------------------------------


def _form(asked: Asked) -> Form:
    """The policy form, for an admin: empty to add one, or the policy the button names."""
    ref = asked.payload(PolicyRef) if asked.data.get(adaptive.PAYLOAD_KEY) else PolicyRef()
    policy, owner = usecase.policy_to_edit(asked.turn.db, actor=asked.me, policy_id=ref.policy_id)
    return policy_form(
        policy=policy,
        owner_id=owner.teams_id if owner else None,
        payload=PolicyRef(policy_id=policy.id if policy else None),
    )


def save(submitted: Submitted) -> str:
    """Save it (bot.usecases.policies.save_policy): refusals and the rules' errors come back
    at their fields, nothing saved."""
    typed = read_policy(submitted.answers)
    ref = submitted.payload(PolicyRef)
    with submitted.turn.db.session() as session:
        owner = staff.by_teams_id(session, teams_id=typed.owner) if typed.owner else None
    form = typed.form(owner_in_org=owner is not None)
    turn = submitted.turn
    with at_fields(InvalidPolicy):
        listed = usecase.save_policy(
            turn.db,
            actor=submitted.me,
            policy_id=ref.policy_id,
            form=form,
            owner_id=owner.id if owner else None,
            settings=turn.settings,
            now=submitted.now,
        )
    with turn.db.session() as session:  # where the channel's posts are to go
        note_configured(session, turn, (form.channel or "").strip() or None)
        session.commit()
    title = " ".join((form.title or "").split())
    turn.tell_now(CARD)  # the list as it now stands, in the chat
    return f"Saved “{title}”. The office now has {len(listed.policies)} policies listed."


# -- "Mark reviewed…" --------------------------------------------------------------------------


def _review_form(asked: Asked) -> Form:
    """The "Mark reviewed" form, for the policy's owner or an admin, while the reminder's
    review is still the one due."""
    ref = asked.payload(ReviewRef)
    turn = asked.turn
    reviewing = usecase.start_review(
        turn.db,
        actor=asked.me,
        policy_id=ref.policy_id,
        due=ref.due,
        settings=turn.settings,
        now=turn.clock(),
    )
    return review_form(
        reviewing.policy, payload=ref, owner_name=reviewing.owner_name, today=reviewing.today
    )


def mark_reviewed(submitted: Submitted) -> str:
    """Record the review (bot.usecases.policies.mark_reviewed): each reminder of it is then
    replaced in place by "Reviewed" (bot.teams.policy_reminders)."""
    ref = submitted.payload(ReviewRef)
    turn = submitted.turn
    with at_fields(InvalidPolicy):
        done = usecase.mark_reviewed(
            turn.db,
            actor=submitted.me,
            policy_id=ref.policy_id,
            due=ref.due,
            form=read_review(submitted.answers),
            pressed=None,  # each reminder Nolan sent is known to the outbox, and updated
            settings=turn.settings,
            now=submitted.now,
        )
    return f"Marked reviewed. The next review is due {rules.long_date(done.review.next_review)}."


# -- the list ----------------------------------------------------------------------------------


@drawer(CARD)
def draw_policies(session: Session, _message: Queued) -> Drawn:
    policy = office_policy()
    today = office_today()
    listed = store.listed(session)
    names = {i: s.display_name for i, s in staff.by_ids(session, ids=store.owners(listed)).items()}
    leads = policy.policy_lead_days

    def entry(p: Policy) -> Entry:
        owner = names.get(p.owner_id or 0)
        edit = Button(EDIT, "Edit…", PolicyRef(policy_id=p.id))
        return Entry(policy_line(p, owner, today, leads, channel="its channel"), button=edit)

    active = [p for p in listed if p.active]
    retired = [p for p in listed if not p.active]
    intro = (
        "The office's policies and their review dates. Nolan posts in each policy's channel "
        f"{lead_words(leads)} days before its review is due, and each week once it is "
        "overdue, and sends its owner a message each time."
    )
    add = Buttons((Button(ADD, "Add a policy…", style=Style.PRIMARY),))
    sections: list[Section] = [Section("", (Note(intro), add))]
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
