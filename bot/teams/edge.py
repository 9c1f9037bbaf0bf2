"""POST /api/messages: what Teams sends, admitted or refused before anything is stored.

In order: the Bot Framework's token (401), the body's size (413) and form (400: not JSON, or
not an activity the Teams SDK's models know), the token's service URL against the activity's
(401); then the person acting (`from.aadObjectId` in the org chart), where their 1:1 chat is,
and the router. Never a 500 or a traceback per request: an unexpected error is logged once
with a reference the person is told.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Protocol

from pydantic import ValidationError

from bot import outbox
from bot.settings import Settings
from bot.teams.auth import Unauthorized
from bot.teams.paths import MAX_BODY as MAX_BODY
from bot.teams.paths import MESSAGES_PATH as MESSAGES_PATH
from bot.teams.router import Reply, Router, Turn, unavailable
from storage import staff, touched
from storage.db import Database

log = logging.getLogger(__name__)

NOT_IN_ORG_CHART = "not_in_org_chart"


class Gate(Protocol):
    """Who may post activities: bot.teams.auth.Verifier (the Bot Framework's JWT). Each
    method raises Unauthorized to refuse."""

    def admit(self, environ: dict[str, Any]) -> dict[str, Any]:
        """The request's claims, before its body is read."""
        ...

    def check_service_url(self, claims: dict[str, Any], service_url: Any) -> None:
        """The activity's serviceUrl is one the claims vouch for."""
        ...


class Edge:
    """The WSGI side of POST /api/messages."""

    def __init__(
        self,
        verifier: Gate,
        router: Router,
        db: Database,
        settings: Settings,
        clock: Callable[[], datetime],
    ) -> None:
        self.verifier, self.router, self.db = verifier, router, db
        self.settings, self.clock = settings, clock

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        reply = self.handle(environ)
        body = b"" if reply.body is None else json.dumps(reply.body).encode()
        headers = [("Content-Type", "application/json; charset=utf-8")] if body else []
        start_response(_status_line(reply.status), [*headers, ("Content-Length", str(len(body)))])
        return _ThenSettle([body], self.db)

    def handle(self, environ: dict[str, Any]) -> Reply:
        if environ.get("REQUEST_METHOD") != "POST":
            return Reply(405, {"error": "POST only"})
        try:
            claims = self.verifier.admit(environ)
        except Unauthorized as refused:
            log.warning("Refused an activity (401): %s", refused)
            return Reply(401, {"error": "unauthorized"})
        raw = _read(environ)
        if raw is None:
            return Reply(413, {"error": f"body over {MAX_BODY} bytes"})
        parsed = _activity(raw)
        if isinstance(parsed, str):
            log.warning("Refused an activity (400): %s", parsed)
            return Reply(400, {"error": parsed})
        body, activity = parsed
        try:
            self.verifier.check_service_url(claims, body.get("serviceUrl"))
        except Unauthorized as refused:
            log.warning("Refused an activity (401): %s", refused)
            return Reply(401, {"error": "unauthorized"})
        try:
            return self._admitted(body, activity)
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("Teams activity %s failed (ref %s)", body.get("type"), ref)
            if body.get("type") != "invoke":
                return Reply(200)  # Teams would only send it again
            said = f"Something went wrong (ref {ref}). Nothing was recorded; please try again."
            return Reply(200, unavailable(str(body.get("name") or ""), said))
        finally:
            touched.settle(self.db)  # deferred work (Home refreshes) after the change

    def _admitted(self, body: dict[str, Any], activity: Any) -> Reply:
        object_id = str((body.get("from") or {}).get("aadObjectId") or "")
        with self.db.session() as session:
            actor = staff.by_teams_id(session, teams_id=object_id)
            if actor is not None and actor.id is not None and _personal(body):
                changed = staff.note_teams_chat(
                    session,
                    staff_id=actor.id,
                    conversation_id=str(body["conversation"]["id"]),
                    service_url=str(body["serviceUrl"]),
                )
                if changed or installed(body):
                    outbox.unpark(session, outbox.to_staff(actor.id))
            session.commit()  # the session keeps what it loaded and changed: no reload
            if actor is not None:
                session.expunge(actor)
        turn = Turn(activity, body, actor, self.db, self.settings, self.clock)
        if actor is None and body.get("type") in ("message", "invoke"):
            return self._stranger(turn)
        return self.router.dispatch(turn)

    def _stranger(self, turn: Turn) -> Reply:
        """Someone Nolan does not know: told so, nothing else done."""
        said = "You're not in Nolan's org chart yet, so there is nothing Nolan can do for you."
        if turn.raw.get("type") == "invoke":
            return Reply(200, unavailable(str(turn.raw.get("name") or ""), said))
        with self.db.session() as session:
            turn.tell(session, NOT_IN_ORG_CHART)
            session.commit()
        return Reply(200)


def _read(environ: dict[str, Any]) -> bytes | None:
    """The body, or None when it is over MAX_BODY (what is past it stays unread)."""
    try:
        length = max(int(environ.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return None
    stream = environ.get("wsgi.input")
    return stream.read(length) if stream is not None and length else b""


def _activity(raw: bytes) -> tuple[dict[str, Any], Any] | str:
    """The activity as JSON and as the Teams SDK's model, or why it is not one."""
    from microsoft_teams.api.activities import ActivityTypeAdapter

    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return "the body is not JSON"
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    try:
        return body, ActivityTypeAdapter.validate_python(_as_the_sdk_knows(body))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = "/".join(str(p) for p in first.get("loc", ()))
        return f"not an activity: {where}: {first.get('msg', '')}"[:300]


def _as_the_sdk_knows(body: dict[str, Any]) -> dict[str, Any]:
    """Teams runs a card's refresh with the trigger "automatic" (Universal Actions), which the
    Teams SDK's model of the invoke (microsoft-teams-api 2.1.1) does not list beside "manual":
    checked without it. The activity handled is the one Teams sent."""
    value = body.get("value")
    if not (body.get("type") == "invoke" and isinstance(value, dict)):
        return body
    if value.get("trigger") != "automatic":
        return body
    return {**body, "value": {k: v for k, v in value.items() if k != "trigger"}}


def _personal(body: dict[str, Any]) -> bool:
    conversation = body.get("conversation")
    return (
        isinstance(conversation, dict)
        and conversation.get("conversationType") == "personal"
        and isinstance(conversation.get("id"), str)
    )


def installed(body: dict[str, Any]) -> bool:
    """Nolan installed for the person: the bot among the members added, or an install."""
    if body.get("type") == "installationUpdate":
        return body.get("action") in ("add", "add-upgrade")
    if body.get("type") != "conversationUpdate":
        return False
    bot_id = (body.get("recipient") or {}).get("id")
    added = body.get("membersAdded") or []
    return any(isinstance(m, dict) and m.get("id") == bot_id for m in added)


def _status_line(status: int) -> str:
    from http import HTTPStatus

    return f"{status} {HTTPStatus(status).phrase}"


class _ThenSettle(list[bytes]):
    """The response body; once the server has sent it (WSGI calls `close`), the work a change
    defers — the Home refreshes it queues (bot.usecases.homes) — is done, after the answer."""

    def __init__(self, body: list[bytes], db: Database) -> None:
        super().__init__(body)
        self.db = db

    def close(self) -> None:
        touched.settle(self.db)
