"""The HTTP edge: a request from Slack is signed, then well-formed, then handed to Bolt.

Checked in that order so that anything unsigned or badly signed is a 401 whatever its body,
and a signed body that is not a payload Nolan reads is a 400 — each with one log line, never
a traceback or a 500.
"""

from __future__ import annotations

import codecs
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from handlers.payloads import Malformed, Payload, parse

log = logging.getLogger(__name__)

# Slack's largest payloads (a view submission carrying a modal's 100 blocks) are well under
# this; anything bigger is not from Slack.
MAX_BODY = 1_000_000
SKEW = 60 * 5  # Slack's replay window for a signature's timestamp


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


@dataclass(frozen=True)
class Accepted:
    """A signed, well-formed request: its body as Bolt reads one (`fields`: the JSON object, or
    the form's fields, or its `payload` field's JSON) and as Nolan's models type it."""

    fields: dict[str, Any]
    payload: Payload


def admit(
    raw: bytes,
    headers: Mapping[str, str],
    secret: str,
    *,
    now: Callable[[], float] = time.time,
) -> Accepted | Refusal:
    """The request's body and typed payload, or why it is refused (logged once here)."""
    verdict = _admit(raw, {k.lower(): v for k, v in headers.items()}, secret, now())
    if isinstance(verdict, Refusal):
        log.warning("Refused a request to the Slack endpoint (%d): %s", *vars(verdict).values())
    return verdict


def _admit(raw: bytes, headers: dict[str, str], secret: str, now: float) -> Accepted | Refusal:
    stamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        return Refusal(401, "missing or non-numeric timestamp")
    if abs(now - int(stamp)) > SKEW:
        return Refusal(401, "timestamp outside the five-minute window")
    if len(raw) > MAX_BODY:
        # Past the timestamp but before hashing megabytes: signed or not, it is not Slack's.
        return Refusal(401, f"body of {len(raw)} bytes is over the limit")
    if not hmac.compare_digest(
        _signature(secret, stamp, raw), signature.encode("utf-8", "replace")
    ):
        return Refusal(401, "bad signature")
    try:
        fields = _decode(raw.decode("utf-8"), headers.get("content-type", ""))
        payload = parse(fields)
    except UnicodeDecodeError:
        return Refusal(400, "body is not UTF-8")
    except Malformed as malformed:
        return Refusal(400, malformed.reason)
    assert isinstance(fields, dict)  # parse refuses anything else
    return Accepted(fields=fields, payload=payload)


def _signature(secret: str, stamp: str, raw: bytes) -> bytes:
    """Slack's v0 signature, over the bytes as sent (slack_sdk's verifier wants text)."""
    base = b"v0:" + stamp.encode() + b":" + raw
    return b"v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest().encode()


def _decode(body: str, content_type: str) -> object:
    """Bolt's reading of a body (JSON, or form fields, or form fields with a JSON `payload`),
    raising Malformed instead of the parser's own errors. Bolt is given this reading
    (bot.server); where its own differs — any form whose text contains "payload" read as an
    interaction's, and found empty — this one is right."""
    try:
        if content_type.split(";")[0].strip() == "application/json" or body.startswith("{"):
            return json.loads(body)
        fields = _form(body)
        if "payload" in fields:
            return json.loads(fields["payload"])
        return fields
    except (ValueError, RecursionError) as bad:
        raise Malformed(f"not form data or JSON ({type(bad).__name__})") from None


def _form(body: str) -> dict[str, str]:
    """The fields of a form as `dict(parse_qsl(body, keep_blank_values=True,
    strict_parsing=True))` reads them (an empty body: none); a field without "=" is a
    ValueError."""
    if not body:
        return {}
    fields = {}
    for field in body.split("&"):
        name, equals, value = field.partition("=")
        if not equals:
            raise ValueError("bad query field")
        fields[_unquote_plus(name)] = _unquote_plus(value)
    return fields


def _unquote_plus(text: str) -> str:
    """urllib's unquote_plus, in C where it can be. A form's payload is the whole view or
    message as JSON with its punctuation escaped: thousands of "%xx", which urllib's pure
    Python decodes one at a time, half a millisecond of a submission's ten (issue 10).
    Written as "\\xhh", the escapes are decoded by the codec pickle reads its strings with.
    A text holding a backslash of its own, or a "%" without two hex digits after it, is
    urllib's to read."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    if "\\" not in text:
        try:
            data = codecs.escape_decode(text.replace("%", "\\x").encode())[0]
        except ValueError:
            pass
        else:
            return data.decode("utf-8", "replace")
    return unquote(text)
