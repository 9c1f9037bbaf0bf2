"""Every Slack id the questions use, and the metadata their buttons and forms carry."""

from __future__ import annotations

from enum import StrEnum

from handlers.approvals.ids import Action as ApprovalAction
from handlers.metadata import Metadata

# "Ask a question…" on an approver's card (handlers/approvals/messages.py puts it beside the
# decision buttons); its value is metadata.StepRef.
ASK = ApprovalAction.ASK.value


class Action(StrEnum):
    ASK = ASK
    REPLY = "question_reply"  # on the member of staff's DM; value: QuestionRef


class Callback(StrEnum):
    ASK = "question_ask"  # private_metadata: metadata.StepRef
    REPLY = "question_answer"  # private_metadata: QuestionRef, with where the question is


class Block(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"


class Input(StrEnum):
    QUESTION = "question_input"
    ANSWER = "answer_input"


QUESTION_MAX = 1000
ANSWER_MAX = 2000


class QuestionRef(Metadata):
    """Which question a Reply button or the answer form is about; the form also carries the
    DM the question was posted in, so answering can update it."""

    question_id: int
    channel: str | None = None
    ts: str | None = None
