"""A decision whose card the adapter redraws in answer to the press (Slack: through the
press's response_url, after the ack): the card's update waits in the outbox for the adapter's
word (owed.ANSWER_WAIT), is recorded as made when it comes, and goes as any other when it
does not — so a process that dies before the redraw leaves no live button behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.rules.status import OutboxStatus
from bot.usecases import decide, gifts, owed
from storage.db import Database
from storage.models import OutboxMessage, Staff
from storage.types import utcnow
from tests.e2e.harness import seed_org
from tests.usecases.world import NOW, hospitality, settings

CARD_AT = ("DMGR", "1700000000.000100")


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return seed_org(db)


def card_sent(db: Database, step_id: int) -> None:
    """The step's card as the worker leaves it once Slack took it: sent, at CARD_AT."""
    with db.session() as session:
        [card] = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == owed.APPROVAL,
                OutboxMessage.subject == owed.step_subject(step_id),
            )
        ).all()
        card.status, (card.channel, card.ts) = OutboxStatus.SENT, CARD_AT
        session.add(card)
        session.commit()


def update_of(db: Database) -> OutboxMessage:
    with db.session() as session:
        return session.exec(select(OutboxMessage).where(OutboxMessage.kind == owed.UPDATE)).one()


def decided(db: Database, org: dict[str, Staff], answering: str | None) -> int:
    """Alice's hospitality approved by one press on the card at `answering`."""
    declared = gifts.declare_gift(
        db, declarant=org["alice"], offer=hospitality(), settings=settings(), now=NOW
    )
    [step_id] = declared.steps
    card_sent(db, step_id)
    done = decide.press(
        db, actor=org["manager"], step_id=step_id, outcome="approved", now=NOW,
        answering=answering,
    )
    assert isinstance(done, decide.Outcome)
    return step_id


def test_the_pressed_cards_update_waits_for_the_redraw_and_is_recorded_made(
    db: Database, org: dict[str, Staff]
) -> None:
    before = utcnow()
    step_id = decided(db, org, answering=CARD_AT[1])
    waiting = update_of(db)
    assert waiting.status == OutboxStatus.QUEUED and waiting.not_before is not None
    # By the worker's clock (the real one), not the decision's (NOW, in the past here).
    assert before + owed.ANSWER_WAIT <= waiting.not_before <= utcnow() + owed.ANSWER_WAIT

    assert owed.answered_in_place(db, step_id=step_id, place=CARD_AT) is True
    made = update_of(db)
    assert (made.status, made.channel, made.ts) == (OutboxStatus.SENT, *CARD_AT)
    assert owed.answered_in_place(db, step_id=step_id, place=CARD_AT) is False  # once


def test_a_press_on_another_message_leaves_the_update_due_at_once(
    db: Database, org: dict[str, Staff]
) -> None:
    step_id = decided(db, org, answering="1700000000.999999")
    assert update_of(db).not_before is None
    assert owed.answered_in_place(db, step_id=step_id, place=("DMGR", "1700000000.999999")) is False
    assert update_of(db).status == OutboxStatus.QUEUED


def test_an_update_the_worker_has_in_hand_is_left_to_it(
    db: Database, org: dict[str, Staff]
) -> None:
    """The redraw came after ANSWER_WAIT: the worker took the update, and sends it (the same
    card again); the adapter's word changes nothing under its claim."""
    step_id = decided(db, org, answering=CARD_AT[1])
    with db.session() as session:
        update = session.exec(select(OutboxMessage).where(OutboxMessage.kind == owed.UPDATE)).one()
        update.status, update.claimed_at = OutboxStatus.CLAIMED, utcnow() - timedelta(seconds=1)
        session.add(update)
        session.commit()
    assert owed.answered_in_place(db, step_id=step_id, place=CARD_AT) is False
    assert update_of(db).status == OutboxStatus.CLAIMED
