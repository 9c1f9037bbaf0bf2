"""Accepting the code of conduct undertaking, and `/conduct undertaking [send-all]`."""

from __future__ import annotations

from bot.usecases.answers import accept_undertaking, my_undertaking
from bot.usecases.yearly import send_to_everyone, send_undertaking_to
from handlers.annual.common import long_date, pressed
from handlers.conduct import ConductRequest
from handlers.context import Turn
from handlers.text import slack_date
from handlers.undertaking.ids import UndertakingRef

USAGE = (
    "Usage: `/conduct undertaking` — your own undertaking (accepted, or sent to you now); "
    "`/conduct undertaking send-all` — admins: send it to everyone who has not accepted it."
)


def accept(turn: Turn, meta: UndertakingRef) -> None:
    """Record the acceptance with its time, once (bot.usecases.answers), with the DM's
    redrawing as its receipt owed in the same transaction. Acked once both are committed,
    as "Nothing has changed" is."""
    accept_undertaking(
        turn.db, actor=turn.staff, version=meta.version, now=turn.now(), pressed=pressed(turn.body)
    )
    turn.ack()


def conduct_undertaking(request: ConductRequest) -> None:
    words = [w.lower() for w in request.args]
    if words == ["send-all"]:
        _send_all(request)
    elif words:
        request.reply(USAGE)
    else:
        _own(request)


def _own(request: ConductRequest) -> None:
    """Your own undertaking: when you accepted it, or a DM with it to accept now. Admins and
    the monitoring officer also see how many have accepted."""
    mine = my_undertaking(request.db, actor=request.actor)
    assert request.actor is not None
    counts = ""
    if mine.counts is not None:
        n, of = mine.counts
        counts = (
            f"\n{n} of {of} active members of staff have accepted it. "
            "`/conduct undertaking send-all` (admins) sends it to everyone who has not."
        )
    if mine.accepted_at is not None:
        request.reply(
            f"You accepted the code of conduct undertaking on {slack_date(mine.accepted_at)}."
            + counts
        )
        return
    send_undertaking_to(request.db, actor=request.actor)
    request.reply(
        "Nolan is sending you the code of conduct undertaking in a DM: please read it and "
        "press the button." + counts
    )


def _send_all(request: ConductRequest) -> None:
    """An admin sends the undertaking to every active member of staff who has not accepted
    it (when the office adopts Nolan). The request is recorded first (the sweep reads it),
    then each DM is owed through the outbox (bot.jobs.undertaking), sent by the bot's worker
    in its recipient's working hours; any that fail go again, under the same ledger keys."""
    policy = request.settings.policy
    now = request.clock()
    today = now.astimezone(policy.tz).date()
    n = send_to_everyone(request.db, actor=request.actor, now=now, policy=policy)
    if not n:
        request.reply(
            "Nobody is waiting for the undertaking: everyone with a Slack account has accepted "
            "it or was sent it today."
        )
        return
    request.reply(
        f"Queued the code of conduct undertaking for {n} "
        f"{'person' if n == 1 else 'people'} who have not accepted it. Nolan is sending the "
        "DMs now (each in its recipient's working hours); any that fail go with the next "
        f"daily sweep. You asked on {long_date(today)}; `/conduct undertaking` shows how many "
        "have accepted."
    )
