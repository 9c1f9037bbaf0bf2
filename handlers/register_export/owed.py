"""The register export the officer asked for, in their DM (bot.usecases.exports.FILE): once
the outbox draws it, the file is made off its thread (bot.making); made, the note and the
file follow as one message's parts, so a retry never says it twice."""

from __future__ import annotations

from sqlmodel import Session

from bot.making import delivered, made
from bot.outbox import Posted, Queued
from bot.usecases import exports as usecase
from handlers.notifier import Message
from handlers.outgoing import Drawn, Upload, card
from handlers.register_export import messages


def _sent(_session: Session, message: Queued, _sent: Posted | None) -> None:
    delivered(message)  # the file is in Slack now: not kept on the server


@card(usecase.FILE, after=_sent)
def draw_file(_session: Session, message: Queued) -> Drawn | None:
    wanted = usecase.request_of(message.payload)
    by = str(message.payload.get("by") or message.recipient)  # the officer's Slack id
    found = made(message, usecase.maker(wanted, destination=f"slack:{by}"))
    if found is None:
        return None
    if isinstance(found, str):
        return Drawn(Message(text=found))
    rows = int(str(found.detail.get("rows", 0)))

    def refused(why: str) -> Message:
        return messages.failed(wanted, f"Slack did not take the file ({why})")

    upload = Upload(found.path, wanted.filename, messages.title(wanted), refused=refused)
    return Drawn(messages.ready(wanted, rows), files=(upload,))
