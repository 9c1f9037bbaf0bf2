"""Withholding a declaration from the published register, and publishing it again: the
register keepers' decision on someone else's declaration (bot.rules.access.may_withhold;
bot.rules.withholding for the grounds), each a conditional update with its audit entry in
one transaction, so that of two officers at once only one succeeds and the other is told."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.rules.access import may_withhold
from bot.rules.refusal import Refused
from bot.rules.withholding import Ground
from bot.ui.withholding import NOTE_MAX, WithholdField
from bot.usecases.registers import NOT_YOURS, UNKNOWN, too_long
from storage import declarations
from storage import withholding as store
from storage.access import access_to, viewer_of
from storage.db import Database
from storage.declarations import Record
from storage.models import Staff

NOT_OFFICER = "Only the monitoring officer and the head of office can change this."
OWN = "Not on your own declaration: the other register keeper decides what is published."
NO_GROUND = "Please choose the ground for withholding it."
NO_NOTE = "Please say why: the audit trail keeps it."
NO_REASON = "Please say why it can be published now."
WITHHELD_ALREADY = "It has been withheld already (by someone else meanwhile)."
PUBLISHED_ALREADY = "It is not withheld any more (someone published it meanwhile)."


def _keeper(
    session: Session, actor: Staff | None, declaration_id: int | None, field: str | None
) -> tuple[int, Record]:
    """The actor's id and the declaration, if they may decide its publication; else
    Refused on `field`."""
    record = (
        declarations.load_record(session, declaration_id=declaration_id)
        if declaration_id is not None and actor is not None
        else None
    )
    if actor is None or actor.id is None or record is None:
        raise Refused(UNKNOWN, field)
    if not access_to(viewer_of(actor), record).allowed:
        raise Refused(NOT_YOURS, field)
    if record.declaration.declarant_id == actor.id:
        raise Refused(OWN, field)
    if not may_withhold(actor.role_set, record.declaration.kind):
        raise Refused(NOT_OFFICER, field)
    return actor.id, record


def to_decide(db: Database, *, actor: Staff | None, declaration_id: int | None) -> Record:
    """The declaration whose publication `actor` is about to decide (withhold it, or, if it
    is withheld, publish it again); Refused if they may not."""
    with db.session() as session:
        return _keeper(session, actor, declaration_id, None)[1]


def withhold(
    db: Database,
    *,
    actor: Staff | None,
    declaration_id: int,
    ground: str | None,
    note: str | None,
    now: datetime,
) -> None:
    """Withhold it from publication on `ground` (a bot.rules.withholding.Ground), with the
    officer's `note` for the audit trail."""
    note = (note or "").strip()
    errors = {}
    if ground not in {g.value for g in Ground}:
        errors[WithholdField.GROUND] = NO_GROUND
    if not note:
        errors[WithholdField.NOTE] = NO_NOTE
    elif len(note) > NOTE_MAX:  # the form limits it; a forged answer may not have been
        errors[WithholdField.NOTE] = too_long(NOTE_MAX)
    with db.session() as session:
        actor_id, _ = _keeper(session, actor, declaration_id, WithholdField.NOTE)
        if errors:
            raise Refused.on_fields(errors)
        assert ground is not None
        if not store.withhold(
            session,
            declaration_id=declaration_id,
            ground=ground,
            note=note,
            actor_id=actor_id,
            at=now,
        ):
            raise Refused(WITHHELD_ALREADY, WithholdField.GROUND)
        session.commit()


def publish_again(
    db: Database, *, actor: Staff | None, declaration_id: int, reason: str | None
) -> None:
    """Publish it again, saying why; the audit keeps the ground it was withheld on."""
    reason = (reason or "").strip()
    with db.session() as session:
        actor_id, record = _keeper(session, actor, declaration_id, WithholdField.REASON)
        if not reason:
            raise Refused(NO_REASON, WithholdField.REASON)
        if len(reason) > NOTE_MAX:
            raise Refused(too_long(NOTE_MAX), WithholdField.REASON)
        if not store.publish_again(
            session,
            declaration_id=declaration_id,
            reason=reason,
            actor_id=actor_id,
            ground=record.declaration.withheld_reason,
        ):
            raise Refused(PUBLISHED_ALREADY, WithholdField.REASON)
        session.commit()
