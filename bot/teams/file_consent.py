"""Sending a file to an officer on Teams, by the file-consent card Teams provides for bots
(Microsoft Learn, "Send and receive files using bot": personal chats only, `supportsFiles`
in the app manifest). The file lands in the officer's OneDrive.

1. A feature's drawer has the file made (bot.making: on a thread of its own, under
   bot.file_store) and draws `consent(...)`: a message holding a FileConsentCard
   attachment (description, sizeInBytes, acceptContext, declineContext — not an Adaptive
   Card), whose contexts carry the file's token.
2. The officer presses Allow or Decline: Teams sends the `fileConsent/invoke` invoke. On
   `accept`, Nolan PUTs the file to `uploadInfo.uploadUrl` (a OneDrive upload session) in
   ranges under 4 MB with Content-Range, sends a FileInfoCard to the chat (through the
   outbox) and answers 200; on `decline`, it says the file was not sent. Either way the file
   is removed from the server (one never answered is swept: bot.file_store), and the
   consent card (its outbox message named in the card's contexts) is replaced in place by
   what became of it, so it cannot be pressed again; a press on an old one is told what
   was answered, and nothing goes twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session

from bot import file_store
from bot.making import delivered, made
from bot.outbox import Queued, queue, to_staff
from bot.platform import service_url
from bot.teams import tls
from bot.teams.conduct import said, tell
from bot.teams.drawers import Drawn, Where, drawer
from bot.teams.router import Router, Turn
from bot.usecases.exports import officer_id
from storage import outbox
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

INVOKE = "fileConsent/invoke"
CONSENT_TYPE = "application/vnd.microsoft.teams.card.file.consent"
INFO_TYPE = "application/vnd.microsoft.teams.card.file.info"
FILE_INFO = "file_info"  # the card of a file sent, queued once it is in the OneDrive
ANSWERED = "file_consent_answered"  # a consent card replaced by what became of its file
# OneDrive's upload sessions take ranges in multiples of 320 KiB; Teams' docs ask for pieces
# under 4 MB. Ten times 320 KiB: 3,276,800 bytes a PUT, read from disk one at a time.
PIECE = 10 * 320 * 1024
UPLOAD_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

GONE = (
    "That file is no longer on Nolan's server (files wait a day for you to allow them, and "
    "each is sent once). Ask for it again."
)
ALREADY = (
    "That card has been answered already ({earlier}), and the file is no longer on Nolan's "
    "server: each file is sent once. Ask for it again if you need it."
)
NOT_YOURS = "That file was made for someone else: Nolan has not sent it."
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


class UploadFailed(Exception):
    """The upload session did not take the file."""


def answer(turn: Turn) -> None:
    """`fileConsent/invoke`: Allow (upload, then the file's card) or Decline. Answered 200
    with no body whatever happened; what happened is said in the chat, and on the card."""
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
        card_id, me = self.context.get("card"), self.turn.actor
        if not isinstance(card_id, int) or me is None or me.id is None:
            return None
        row = session.get(OutboxMessage, card_id)
        if row is None or row.recipient != to_staff(me.id) or row.payload is None:
            return None
        return row if json.loads(row.payload).get("file") == self.context.get("file") else None

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
            row = self._card(session)
            if row is None:
                return
            queue(session, ANSWERED, subject=row.recipient, recipient=row.recipient,
                  updates_id=row.id, text=text)
            session.commit()


def _accepted(
    turn: Turn, found: file_store.Held, info: Mapping[str, Any], pressed: _Pressed
) -> None:
    path = file_store.take(found)
    if path is None:  # a second press at the same moment: the first one sends it
        tell(turn, GONE)
        return
    try:
        upload(path, str(info.get("uploadUrl") or ""))
    except UploadFailed as failed:
        log.warning("Uploading %s to the officer's OneDrive: %s", found.name, failed)
        tell(turn, f"Nolan could not put {found.name} in your OneDrive ({failed}). Nothing "
                   "was kept on Nolan's server: ask for the file again.")
        pressed.settle(f"Not sent: {found.name}. OneDrive did not take it; ask again.")
        return
    finally:
        file_store.discard(found.token)
    with turn.db.session() as session:
        turn.tell(
            session,
            FILE_INFO,
            file_name=str(info.get("name") or found.name),
            content_url=str(info.get("contentUrl") or ""),
            unique_id=str(info.get("uniqueId") or ""),
            file_type=str(info.get("fileType") or Path(found.name).suffix.lstrip(".")),
        )
        session.commit()
    pressed.settle(f"Sent to your OneDrive: {found.name}")


_uploads: list[httpx.Client] = []  # one client, made when the first file goes


def _http() -> httpx.Client:
    if not _uploads:
        _uploads.append(tls.client(timeout=UPLOAD_TIMEOUT, follow_redirects=False))
    return _uploads[0]


def upload(path: Path, url: str) -> None:
    """PUT the file to a OneDrive upload session, PIECE bytes at a time, each with its
    Content-Range (no Authorization header: the session's URL is its own credential)."""
    try:
        service_url(url)
    except ValueError as bad:
        raise UploadFailed("Teams gave no upload address Nolan can use") from bad
    size = path.stat().st_size
    if size == 0:
        raise UploadFailed("the file is empty")
    start = 0
    with path.open("rb") as fh:
        while start < size:
            piece = fh.read(PIECE)
            if not piece:
                raise UploadFailed("the file changed while it was sent")
            end = start + len(piece) - 1
            headers = {"Content-Range": f"bytes {start}-{end}/{size}"}
            try:
                response = _http().put(url, content=piece, headers=headers)
            except httpx.HTTPError as exc:
                raise UploadFailed(f"OneDrive not reached: {type(exc).__name__}") from exc
            last = end + 1 == size
            if response.status_code not in ((200, 201) if last else (202,)):
                raise UploadFailed(f"OneDrive answered {response.status_code}")
            start = end + 1


# -- the file's card, once sent ----------------------------------------------------------------


@drawer(FILE_INFO)
def draw_file_info(_session: Session, message: Queued) -> Drawn:
    p = message.payload
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
