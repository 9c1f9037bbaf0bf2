"""Sending a file to an officer on Teams, by the file-consent card Teams provides for bots
(Microsoft Learn, "Send and receive files using bot": personal chats only, `supportsFiles`
in the app manifest). The file lands in the officer's OneDrive.

1. A feature's drawer has the file made (bot.making: on a thread of its own, under
   bot.file_store) and draws `consent(...)`: a message holding a FileConsentCard
   attachment (description, sizeInBytes, acceptContext, declineContext — not an Adaptive
   Card), whose contexts carry the file's token.
2. The officer presses Allow or Decline: Teams sends the `fileConsent/invoke` invoke. On
   `accept`, Nolan takes the file, keeps where it is to go beside it, owes the upload through
   the outbox and answers 200 at once: a large register takes longer to upload than Teams
   waits for an invoke's answer. The outbox's drawing PUTs the file to `uploadInfo.uploadUrl`
   (a OneDrive upload session: bot.teams.onedrive) on a thread of its own (bot.making), then
   sends the FileInfoCard, or says why OneDrive did not take it. On `decline`, it says the
   file was not sent. Either way the file is removed from the server once done with (one
   never answered is swept: bot.file_store), and the consent card (its outbox message named
   in the card's contexts) is replaced in place by what became of it, so it cannot be
   pressed again; a press on an old one is told what was answered, and nothing goes twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bot import file_store
from bot.making import CouldNotMake, delivered, in_background, made
from bot.outbox import Queued, queue, to_staff
from bot.teams import onedrive
from bot.teams.conduct import said, tell
from bot.teams.drawers import Drawn, Where, drawer
from bot.teams.onedrive import SessionEnded, UploadFailed
from bot.teams.router import Router, Turn
from bot.usecases.exports import officer_id
from storage import outbox
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

INVOKE = "fileConsent/invoke"
CONSENT_TYPE = "application/vnd.microsoft.teams.card.file.consent"
INFO_TYPE = "application/vnd.microsoft.teams.card.file.info"
FILE_INFO = "file_info"  # the card of a file sent (queued by earlier versions, once uploaded)
UPLOAD = "file_upload"  # a file allowed: uploaded as it is drawn, then its card
ANSWERED = "file_consent_answered"  # a consent card replaced by what became of its file

GONE = (
    "That file is no longer on Nolan's server (files wait a day for you to allow them, and "
    "each is sent once). Ask for it again."
)
ALREADY = (
    "That card has been answered already ({earlier}), and the file is no longer on Nolan's "
    "server: each file is sent once. Ask for it again if you need it."
)
NOT_YOURS = "That file was made for someone else: Nolan has not sent it."
ON_ITS_WAY = (
    "Nolan is putting {name} in your OneDrive: its card comes in this chat once it is there."
)
_NOT_TAKEN = (
    "Nolan could not put {name} in your OneDrive ({why}). Nothing was kept on Nolan's "
    "server: ask for the file again."
)
_REFUSED = "Not sent: {name}. OneDrive did not take it; ask again."  # the consent card's
NO_LONGER = (
    "Only the monitoring officer and the head of office can have the registers' files, and "
    "you no longer hold either role: Nolan has not sent the file, and has deleted it."
)


def register(router: Router) -> None:
    router.invoke(INVOKE, answer)


# -- making the file ---------------------------------------------------------------------------


def offered(
    message: Queued,
    make: Callable[[str, int], None],
    offer: Callable[[file_store.Held], Drawn],
) -> Drawn | None:
    """A file's consent card, drawn: the file made by `make(token, officer)` (the request's
    token, the officer it goes to: bot.making.made), then `offer(file)`'s card; if it could
    not be made, why. None for someone who is not a member of staff."""
    found = made(message, make)
    if found is None:
        return None
    return said(found) if isinstance(found, str) else offer(found)


def offered_sent(_session: Session, message: Queued, _where: Where | None) -> None:
    """The after-hook of a file's consent card: the file waits for the officer's answer;
    a failure, now said, is cleared."""
    delivered(message, file_waits=True)


# -- the consent card --------------------------------------------------------------------------


def consent(
    found: file_store.Held, message: Queued, *, text: str, description: str
) -> Drawn:
    """The message asking the officer to allow the file into their OneDrive; its contexts
    name the file and the outbox message (`message`) the card is, to replace once answered."""
    context = {"file": found.token, "card": message.id}
    card = {
        "contentType": CONSENT_TYPE,
        "name": found.name,
        "content": {
            "description": description[:1000],
            "sizeInBytes": found.path.stat().st_size,
            "acceptContext": context,
            "declineContext": context,
        },
    }
    return Drawn(text, attachment=card)


# -- the officer's answer ----------------------------------------------------------------------


def answer(turn: Turn) -> None:
    """`fileConsent/invoke`: Allow (the upload owed, then the file's card) or Decline.
    Answered 200 with no body whatever happened; what happened is said in the chat, and on
    the card."""
    value = turn.value if isinstance(turn.value, Mapping) else {}
    context = value.get("context")
    context = context if isinstance(context, Mapping) else {}
    token = context.get("file")
    found = file_store.held(token) if isinstance(token, str) else None
    me = turn.actor
    if me is None:
        tell(turn, GONE)
        return None
    pressed = _Pressed(turn, context)
    going = file_store.upload_of(token) if isinstance(token, str) else None
    if found is None and going is not None:  # allowed already, and not yet done with
        tell(turn, ON_ITS_WAY.format(name=going.get("name") or "the file"))
        return None
    if found is None:
        earlier = pressed.earlier()
        tell(turn, ALREADY.format(earlier=earlier) if earlier else GONE)
        if earlier is None:
            pressed.settle("Not sent: the file is no longer on Nolan's server.")
        return None
    if found.owner != me.id:
        log.warning("File consent for %s's file answered by staff %s", found.owner, me.id)
        tell(turn, NOT_YOURS)
        return None
    if value.get("action") == "accept" and officer_id(me) is None:
        file_store.discard(found.token)  # the role was taken away since it was made
        tell(turn, NO_LONGER)
        pressed.settle(f"Not sent: {found.name}. You no longer hold the officer's role.")
        return None
    if value.get("action") != "accept":
        file_store.discard(found.token)
        tell(turn, f"Nolan has not sent {found.name}: you declined it. The file is deleted "
                   "from Nolan's server; ask again whenever you want it.")
        pressed.settle(f"Not sent: you declined {found.name}.")
        return None
    info = value.get("uploadInfo")
    _accepted(turn, found, info if isinstance(info, Mapping) else {}, pressed)
    return None


@dataclass(frozen=True)
class _Pressed:
    """The consent card pressed: the outbox message its contexts name, if it is the one that
    offered this file to the person pressing."""

    turn: Turn
    context: Mapping[str, Any]

    def _card(self, session: Session) -> OutboxMessage | None:
        me = self.turn.actor
        if me is None or me.id is None:
            return None
        card_id, token = self.context.get("card"), self.context.get("file")
        return _card_offering(session, card_id, to_staff(me.id), token)

    def earlier(self) -> str | None:
        """What became of the file, if this card was answered already."""
        with self.turn.db.session() as session:
            row = self._card(session)
            if row is None or row.id is None:
                return None
            answers = outbox.updates_of(session, message_id=row.id, kind=ANSWERED)
        return json.loads(answers[0].payload or "{}").get("text") if answers else None

    def settle(self, text: str) -> None:
        """Replace the card by `text` (what became of the file): it cannot be pressed again."""
        with self.turn.db.session() as session:
            _settle(session, self._card(session), text)
            session.commit()


def _card_offering(
    session: Session, card_id: object, recipient: str, token: object
) -> OutboxMessage | None:
    """The consent card `card_id`, if it offered the file `token` to `recipient`."""
    if not isinstance(card_id, int):
        return None
    row = session.get(OutboxMessage, card_id)
    if row is None or row.recipient != recipient or row.payload is None:
        return None
    return row if json.loads(row.payload).get("file") == token else None


def _settle(session: Session, row: OutboxMessage | None, text: str) -> None:
    if row is not None:
        queue(session, ANSWERED, subject=row.recipient, recipient=row.recipient,
              updates_id=row.id, text=text)


def _accepted(
    turn: Turn, found: file_store.Held, info: Mapping[str, Any], pressed: _Pressed
) -> None:
    """The file taken and its upload owed, committed before the invoke is answered."""
    url = str(info.get("uploadUrl") or "")
    try:
        onedrive.check(url)
    except UploadFailed as failed:
        file_store.discard(found.token)
        log.warning("Uploading %s to the officer's OneDrive: %s", found.name, failed)
        tell(turn, _NOT_TAKEN.format(name=found.name, why=failed))
        pressed.settle(_REFUSED.format(name=found.name))
        return
    if file_store.take(found) is None:  # a second press at the same moment: the first sends it
        tell(turn, ON_ITS_WAY.format(name=found.name))
        return
    file_store.note_upload(
        found.token,
        {
            "name": found.name,
            "upload_url": url,
            "file_name": str(info.get("name") or found.name),
            "content_url": str(info.get("contentUrl") or ""),
            "unique_id": str(info.get("uniqueId") or ""),
            "file_type": str(info.get("fileType") or Path(found.name).suffix.lstrip(".")),
        },
    )
    try:
        with turn.db.session() as session:
            turn.tell(session, UPLOAD, file=found.token, consent=pressed.context.get("card"))
            session.commit()
    except BaseException:
        file_store.give_back(found)  # nothing owed: the officer can press Allow again
        raise


def upload_sent(session: Session, message: Queued, _where: Where | None) -> None:
    """The upload's message sent (the file's card, or why it is not there): the file
    removed, and its consent card replaced by what became of it."""
    token = str(message.payload.get("file") or "")
    going = file_store.upload_of(token) or {}
    name = going.get("name", "the file")
    if file_store.uploaded(token):
        text = f"Sent to your OneDrive: {name}"
    else:
        text = _REFUSED.format(name=name)
    file_store.discard(token)
    consent = message.payload.get("consent")
    _settle(session, _card_offering(session, consent, message.recipient, token), text)


@drawer(UPLOAD, after=upload_sent)
def draw_upload(_session: Session, message: Queued) -> Drawn:
    """The file allowed, uploaded (once, off the outbox's thread), then its card; or why
    OneDrive did not take it."""
    token = str(message.payload.get("file") or "")
    going = file_store.upload_of(token)
    if going is None:  # swept, or its directory lost
        return said(_NOT_TAKEN.format(name="the file", why="it is no longer on Nolan's server"))
    name = going.get("name", "the file")
    went = in_background(
        token,
        lambda: _upload(token),
        finished=lambda: file_store.uploaded(token),
        waiting="the file is going to OneDrive",
    )
    if isinstance(went, str):
        return said(_NOT_TAKEN.format(name=name, why=went))
    return _info_card(went)


def _upload(token: str) -> None:
    going, path = file_store.upload_of(token), file_store.sending(token)
    if going is None or path is None:
        raise CouldNotMake("it is no longer on Nolan's server")
    try:
        onedrive.upload(
            path, going["upload_url"], last_piece=lambda: file_store.mark_last_piece(token)
        )
    except UploadFailed as failed:
        # A session gone once the last piece went, before a restart, ended by taking it: the
        # file is in the officer's OneDrive.
        if not (isinstance(failed, SessionEnded) and file_store.last_piece_sent(token)):
            log.warning("Uploading %s to the officer's OneDrive: %s", going.get("name"), failed)
            raise CouldNotMake(str(failed)) from failed
    file_store.mark_uploaded(token)


# -- the file's card, once sent ----------------------------------------------------------------


@drawer(FILE_INFO)
def draw_file_info(_session: Session, message: Queued) -> Drawn:
    return _info_card(message.payload)


def _info_card(p: Mapping[str, Any]) -> Drawn:
    """The FileInfoCard of a file in the officer's OneDrive, from where it went."""
    name = str(p.get("file_name") or "")
    card = {
        "contentType": INFO_TYPE,
        "contentUrl": str(p.get("content_url") or ""),
        "name": name,
        "content": {
            "uniqueId": str(p.get("unique_id") or ""),
            "fileType": str(p.get("file_type") or ""),
        },
    }
    return Drawn(f"{name} is in your OneDrive.", attachment=card)


@drawer(ANSWERED)
def draw_answered(_session: Session, message: Queued) -> Drawn | None:
    """The consent card, answered: what became of its file, with nothing to press."""
    if message.updates is None:
        return None
    return replace(said(str(message.payload.get("text") or "")), update=Where(*message.updates))
