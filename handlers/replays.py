"""A view submission is taken once: a replay of the same signed request (same view id and
hash, within Slack's five-minute window) is answered 200 and does nothing.

The claim is made before the listener runs, in one transaction with the reading of the
person's row (this middleware runs before handlers.context.load_actor), and given back if the
form is answered with errors or the request fails, so that the person can correct and send
the same form again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from handlers.context import ACTOR, PAYLOAD, KeptAck, acting_user
from handlers.errors import ON_FAILURE
from handlers.payloads import ViewSubmission
from storage import replays, staff
from storage.types import utcnow

log = logging.getLogger(__name__)


class ReleasingAck(KeptAck):
    """Bolt's ack, which gives the claim back when it answers the form with errors."""

    def __init__(self, release: Callable[[], None]) -> None:
        super().__init__()
        self._release = release

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        if kwargs.get("response_action") == "errors":
            self._release()
        return super().__call__(*args, **kwargs)


def once_per_view(
    context: BoltContext, next: Callable[[], BoltResponse | None]
) -> BoltResponse | None:
    payload = context.get(PAYLOAD)
    if not isinstance(payload, ViewSubmission) or payload.type != "view_submission":
        return next()
    view_id, view_hash = payload.view.id, payload.view.hash or ""
    db = context["db"]
    user = acting_user(payload)
    # One transaction for both, before load_actor (which then has the person): a form's
    # ack waits for one checkout and commit less.
    with db.session(durable=False) as session:
        actor = staff.by_slack_id(session, slack_user_id=user) if user else None
        taken = replays.claim_in(session, db, view_id=view_id, view_hash=view_hash, now=utcnow())
        session.commit()
    if not taken:
        log.info("Ignored a second submission of view %s (a replay)", view_id)
        return BoltResponse(status=200, body="")
    context[ACTOR] = actor

    def release() -> None:
        replays.release(db, view_id=view_id, view_hash=view_hash)

    ack = ReleasingAck(release)

    def release_unless_taken() -> None:
        # A failure after a plain ack (sending the messages, say) comes after the
        # submission was recorded: a replay must still find it taken.
        if ack.response is None:
            release()

    context[ON_FAILURE] = [release_unless_taken]
    context["ack"] = ack
    return next()
