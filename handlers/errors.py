"""The one place a listener's failure becomes an answer to the person who acted.

A `Refused` is said to them where they acted: an ephemeral reply to a command or a button, an
error on a form's field (or the form's first input) for a submission; a form's answers that
failed the rules (`Invalid`) are shown each on its field. Anything else is a bug:
they are told "Something went wrong (ref ABC123)" and the log holds the same reference with
the traceback. Bolt calls this for errors raised in middleware and in listeners, before their
ack (`response` is the HTTP answer still to be sent) or after it (`response` is None).
"""

from __future__ import annotations

import json
import logging
import secrets
import string
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.rules.refusal import Invalid, Refused
from handlers.replies import notice_view
from handlers.slack_ui import field_errors

log = logging.getLogger(__name__)

REF_ALPHABET = string.ascii_uppercase + string.digits

# Work to undo when a request fails (e.g. a submission's replay claim): context["on_failure"].
ON_FAILURE = "on_failure"


def new_reference() -> str:
    return "".join(secrets.choice(REF_ALPHABET) for _ in range(6))


def something_went_wrong(reference: str) -> str:
    return f"Something went wrong (ref {reference}). Please try again, or tell an admin."


def slack_failed(error: Exception, reference: str) -> str:
    if isinstance(error, SlackApiError) and "views." in str(error.response.api_url):
        return (
            f"Slack would not open the form ({_said(error)}). Please try again (ref {reference})."
        )
    return f"Nolan couldn't reach Slack just now. Please try again (ref {reference})."


def _said(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    return type(error).__name__


def handle_error(
    error: Exception,
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    response: BoltResponse | None,
) -> BoltResponse | None:
    for undo in context.get(ON_FAILURE) or ():
        _quietly(undo)
    kind = str(body.get("type") or body.get("command") or "request")
    if isinstance(error, Invalid) and error.errors:
        error = Refused.on_fields(error.errors)
    if isinstance(error, Refused):
        log.info("Refused %s: %s", kind, error.text)
        text, field, errors = error.text, error.field, error.errors
    elif isinstance(error, (SlackApiError, SlackClientError, OSError)):
        # Slack refused a call or could not be reached (e.g. views.open after the ack): the
        # platform's failure, not a bug, so one line and no traceback.
        reference = new_reference()
        log.warning("Slack call failed in %s (ref %s): %s", kind, reference, _said(error))
        text, field, errors = slack_failed(error, reference), None, {}
    else:
        reference = new_reference()
        log.error("Unexpected error in %s (ref %s)", kind, reference, exc_info=error)
        text, field, errors = something_went_wrong(reference), None, {}
    if kind == "event_callback":
        return None  # nobody pressed anything: the log is the answer
    if errors and body.get("type") == "view_submission" and response is not None:
        return _json(field_errors(errors))
    return answer(body, context, client, text, field, acked=response is None)


def answer(
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    text: str,
    field: str | None,
    *,
    acked: bool,
) -> BoltResponse | None:
    """Tell the person `text` where they acted; the HTTP answer to return if not yet acked."""
    kind = body.get("type")
    if kind == "view_submission":
        if not acked:
            return _form_answer(body, text, field)
        return _send(lambda: client.chat_postMessage(channel=_user(body), text=text))
    if kind is None and body.get("command"):  # a slash command
        if not acked:
            return _json({"response_type": "ephemeral", "text": text})
        return _send(lambda: _ephemeral(body, context, client, text))
    if kind in ("block_actions", "shortcut", "message_action"):
        _send(lambda: _ephemeral(body, context, client, text))
        return None if acked else BoltResponse(status=200, body="")
    return None if acked else BoltResponse(status=200, body="")


def _form_answer(body: dict[str, Any], text: str, field: str | None) -> BoltResponse:
    view = body.get("view") or {}
    block = field or _first_input(view.get("blocks") or [])
    if block is None:  # a form with nothing to hang the error on: say it in its place
        notice = notice_view(text).to_dict()
        return _json({"response_action": "update", "view": notice})
    return _json(field_errors({block: text}))


def _first_input(blocks: list[Any]) -> str | None:
    for block in blocks:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def _ephemeral(body: dict[str, Any], context: BoltContext, client: WebClient, text: str) -> None:
    """An ephemeral reply where the person acted: response_url if there is one, else an
    ephemeral message in the channel, else (the App Home) a small modal."""
    if context.respond is not None and (body.get("response_url") or body.get("command")):
        context.respond(text=text, response_type="ephemeral", replace_original=False)
        return
    channel = context.channel_id
    if channel:
        client.chat_postEphemeral(channel=channel, user=_user(body), text=text)
        return
    client.views_open(trigger_id=body.get("trigger_id") or "", view=notice_view(text))


def _user(body: dict[str, Any]) -> str:
    user = body.get("user")
    return str(user.get("id") if isinstance(user, dict) else body.get("user_id") or "")


def _json(content: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200, body=json.dumps(content), headers={"content-type": "application/json"}
    )


def _send(send: Callable[[], Any]) -> None:
    """Telling them is best effort: Slack may refuse (an expired trigger, a closed DM)."""
    try:
        send()
    except (SlackApiError, SlackClientError, OSError) as failed:
        log.warning("Could not tell the person about a failed request: %s", failed)


def _quietly(undo: Callable[[], Any]) -> None:
    try:
        undo()
    except Exception:  # the request is failing already; its undo must not hide why
        log.exception("Undoing a failed request's work failed too")
