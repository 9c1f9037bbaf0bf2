"""Declaring on Teams: a gift or hospitality, outside work and a confidential notice, each a
dialog (bot.teams.dialogs) with the form every platform shares (bot/ui), checked by the same
rule as on Slack (bot/rules) and recorded by the same use case (bot/usecases). Interests are
in bot.teams.interests; the receipts in bot.teams.receipts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.rules import gifts as gift_rules
from bot.rules import notices as notice_rules
from bot.rules import outside_work as outside_work_rules
from bot.teams.dialogs import Asked, Submitted, at_fields, dialog, picked, submit
from bot.teams.router import Router
from bot.ui.forms import Form
from bot.ui.gifts import FORM_ID as GIFT_FORM
from bot.ui.gifts import gift_form, read_gift
from bot.ui.home_model import Action
from bot.ui.manager import FIELD_ID as MANAGER_FIELD
from bot.ui.notices import FORM_ID as NOTICE_FORM
from bot.ui.notices import notice_form, read_notice
from bot.ui.outside_work import FORM_ID as OUTSIDE_WORK_FORM
from bot.ui.outside_work import outside_work_form, read_outside_work
from bot.usecases import manager
from bot.usecases.declare import Declared, office_day
from bot.usecases.gifts import declare_gift, limits_of
from bot.usecases.notices import give_notice, titles_of
from bot.usecases.outside_work import request_outside_work


def register(router: Router) -> None:
    dialog(router, Action.DECLARE_GIFT, gift_form_for)
    submit(router, GIFT_FORM, take_gift, form=gift_form_for)
    dialog(router, Action.ASK_OUTSIDE_WORK, outside_work_form_for)
    submit(router, OUTSIDE_WORK_FORM, take_outside_work, form=outside_work_form_for)
    dialog(router, Action.NOTIFY, notice_form_for)
    submit(router, NOTICE_FORM, take_notice, form=notice_form_for)


def recorded(declared: Declared) -> str:
    """The line the dialog closes with; the receipt follows in the chat."""
    return f"Recorded as {declared.reference}. Nolan has sent you a receipt in this chat."


def asks_for_manager(asked: Asked) -> bool:
    """Whether the form asks for the line manager: the org chart names none (or the form
    that was sent asked, and its answer is there to read)."""
    return manager.needs_choice(asked.session, asked.me) or MANAGER_FIELD in asked.data


def manager_pick(sub: Submitted) -> tuple[bool, int | None]:
    """Whether the form asked for the manager, and the staff id of the person picked in
    Teams' people picker (by their Entra object id)."""
    if not sub.asked(MANAGER_FIELD):
        return False, None
    with sub.turn.db.session() as session:
        chosen = picked(
            session, sub.answers.person(MANAGER_FIELD), MANAGER_FIELD, manager.NOT_IN_ORG_CHART
        )
    return True, chosen.id if chosen else None


def routed(sub: Submitted, declare: Callable[..., Declared], **what: Any) -> str:
    """Record a declaration whose first approver is the line manager, picked on the form
    when the org chart names none (`declare`: the kind's use case, taking `what`)."""
    asked, chosen_id = manager_pick(sub)
    return recorded(
        declare(
            sub.turn.db,
            declarant=sub.me,
            settings=sub.turn.settings,
            now=sub.now,
            manager_asked=asked,
            chosen_manager_id=chosen_id,
            **what,
        )
    )


# -- a gift or hospitality (combined-authority §15) ------------------------------------------


def gift_form_for(asked: Asked) -> Form:
    return gift_form(
        description=asked.text,
        ask_for_manager=asks_for_manager(asked),
        token_threshold_pence=asked.turn.settings.policy.token_gift_threshold_pence,
    )


def take_gift(sub: Submitted) -> str:
    settings = sub.turn.settings
    with at_fields(gift_rules.InvalidGift):
        offer = gift_rules.validate(
            read_gift(sub.answers)[0], limits_of(settings), office_day(settings, sub.now)
        )
    return routed(sub, declare_gift, offer=offer)


# -- outside work (line manager recommends, the head of office decides) -----------------------


def outside_work_form_for(asked: Asked) -> Form:
    organisation, notes = outside_work_rules.prefill(asked.text)
    return outside_work_form(
        organisation=organisation,
        notes=notes,
        ask_for_manager=asks_for_manager(asked),
        head_title=asked.turn.settings.policy.head_of_office_title,
    )


def take_outside_work(sub: Submitted) -> str:
    with at_fields(outside_work_rules.InvalidOutsideWork):
        request = outside_work_rules.validate(
            read_outside_work(sub.answers)[0], office_day(sub.turn.settings, sub.now)
        )
    return routed(sub, request_outside_work, request=request)


# -- a confidential notice (conduct notify) ---------------------------------------------------


def notice_form_for(asked: Asked) -> Form:
    policy = asked.turn.settings.policy
    return notice_form(audience=notice_rules.audience(policy.chain("notice"), titles_of(policy)))


def take_notice(sub: Submitted) -> str:
    settings = sub.turn.settings
    with at_fields(notice_rules.InvalidNotice):
        details = notice_rules.validate(read_notice(sub.answers), office_day(settings, sub.now))
    return recorded(
        give_notice(sub.turn.db, declarant=sub.me, details=details, settings=settings, now=sub.now)
    )
