"""Interests on Teams: declaring one (naming a colleague in Teams' people picker) and ending
one ("End this interest…" on its receipt), each a dialog (bot.teams.dialogs) with the forms
of bot/ui/interests.py, the rule of bot/rules/interests.py and the use cases of
bot/usecases/interests.py."""

from __future__ import annotations

from bot.rules import interests as rules
from bot.teams.declare import recorded
from bot.teams.dialogs import Asked, Submitted, at_fields, dialog, picked, submit
from bot.teams.router import Router
from bot.ui.forms import Form
from bot.ui.home_model import Action
from bot.ui.interests import (
    END_DATE,
    END_FORM_ID,
    FORM_ID,
    InterestField,
    end_form,
    interest_form,
    read_interest,
)
from bot.ui.payload import DeclarationRef
from bot.usecases.declare import office_day
from bot.usecases.interests import COLLEAGUE_UNKNOWN, declare_interest, end_interest, endable

# The button that opens the end-an-interest form (Slack's "End this interest…" in /conduct
# mine has the same id; payload: DeclarationRef).
END_BUTTON = "conduct_end_interest"


def register(router: Router) -> None:
    dialog(router, Action.DECLARE_INTEREST, interest_form_for)
    submit(router, FORM_ID, take_interest, form=interest_form_for)
    dialog(router, END_BUTTON, end_form_for)
    submit(router, END_FORM_ID, take_end, form=end_form_for)


def interest_form_for(asked: Asked) -> Form:
    return interest_form(description=asked.text)


def take_interest(sub: Submitted) -> str:
    settings = sub.turn.settings
    with at_fields(rules.InvalidInterest):
        # The colleague is picked by Entra object id: the declarant is compared by theirs.
        declared = rules.validate(
            read_interest(sub.answers),
            office_day(settings, sub.now),
            declarant=sub.me.teams_id or "",
        )
    with sub.turn.db.session() as session:
        colleague = picked(session, declared.colleague, InterestField.COLLEAGUE, COLLEAGUE_UNKNOWN)
    return recorded(
        declare_interest(
            sub.turn.db,
            declarant=sub.me,
            declared_interest=declared,
            colleague_id=colleague.id if colleague else None,
            settings=settings,
            now=sub.now,
        )
    )


def end_form_for(asked: Asked) -> Form:
    """Asks for the end date of an interest its declarant may end now; otherwise the dialog
    says why not (still waiting to be noted, already ended, someone else's)."""
    assert asked.me.id is not None
    ref = asked.payload(DeclarationRef)
    interest = endable(asked.turn.db, actor_id=asked.me.id, declaration_id=ref.declaration_id)
    return end_form(
        declaration_id=interest.declaration_id,
        reference=interest.reference,
        what=interest.what,
        today=office_day(asked.turn.settings, asked.turn.clock()),
    )


def take_end(sub: Submitted) -> str:
    ref = sub.payload(DeclarationRef)
    ended = end_interest(
        sub.turn.db,
        actor_id=sub.me_id,
        declaration_id=ref.declaration_id,
        ended_on=sub.answers.date(END_DATE),
        settings=sub.turn.settings,
        now=sub.now,
    )
    return f"{ended.reference} ended on {ended.ended_on:%d %b %Y}. It stays on the register."
