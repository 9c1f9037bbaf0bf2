"""What approvers and the member of staff are shown about a request for outside work."""

from __future__ import annotations

from datetime import date

from bot.rules.outside_work import (
    USE_WORDS,
    WHEN_WORDS,
    OfficeUse,
    OutsideWorkRequest,
    When,
    flags_for,
    format_hours,
    split_notes,
    warnings,
)
from bot.rules.status import StepStatus
from handlers.approvals.messages import ApprovalCard, receipt, step_card
from handlers.notifier import Message
from handlers.text import clip, escape
from storage.declarations import Record
from storage.models import ApprovalStep, OutsideWork

DATE = "%d %b %Y"


def row_of(record: Record) -> OutsideWork:
    assert isinstance(record.detail, OutsideWork)
    return record.detail


def as_request(row: OutsideWork) -> OutsideWorkRequest:
    """The stored row in the rule's terms, so the approvers' warnings come from the rules."""
    partner, notes = split_notes(row.notes, involves_partner=row.involves_partner)
    return OutsideWorkRequest(
        organisation=row.organisation,
        role=row.role,
        paid=row.paid,
        hours_per_week=row.hours_per_week,
        when=When(row.when),
        start_date=row.start_date,
        involves_partner=row.involves_partner,
        partner=partner,
        uses_office=frozenset(OfficeUse(u) for u in row.uses_office.split(";") if u),
        notes=notes,
    )


def requested_on(record: Record) -> date:
    # Cards are drawn without the office's settings, so this is the UTC date: in UK offices
    # never later than the local one, so a request is never wrongly called retrospective.
    return record.declaration.created_at.date()


def what_it_was(record: Record) -> str:
    """The request in the member of staff's words: "your request to work as … for …"."""
    row = row_of(record)
    return f"your request to work as {clip(row.role, 100)} for {clip(row.organisation, 100)}"


def recommendations(record: Record) -> list[ApprovalStep]:
    """The decided recommending steps (the line manager's), oldest first."""
    return [s for s in record.steps if s.purpose == "recommend" and s.decided_at is not None]


def _quote(text: str) -> str:
    return ">" + escape(clip(text, 2000)).replace("\n", "\n>")


def recommendation_intro(record: Record) -> str:
    """The line manager's recommendation, for the head of office deciding after them."""
    lines = []
    for step in recommendations(record):
        who = escape(record.name_of(step.decided_by_id) or "The line manager")
        if step.status == StepStatus.SUPPORTED:
            line = f":white_check_mark: *{who} supports this request.*"
        else:
            line = f":x: *{who} does not support this request.*"
        if step.reason:
            line += "\n" + _quote(step.reason)
        lines.append(line)
    return "\n".join(lines)


def _facts(record: Record, request: OutsideWorkRequest) -> list[tuple[str, str]]:
    uses = [USE_WORDS[u] for u in OfficeUse if u in request.uses_office]
    partner = "No"
    if request.involves_partner:
        partner = f"Yes: {request.partner}" if request.partner else "Yes"
    return [
        ("Who", record.declarant.display_name),
        ("Organisation", request.organisation),
        ("Role", request.role),
        ("Paid or voluntary", "Paid" if request.paid else "Voluntary"),
        (
            "Hours a week",
            f"{format_hours(request.hours_per_week)}, {WHEN_WORDS[request.when]}",
        ),
        ("Start date", request.start_date.strftime(DATE)),
        ("Contractor, supplier or partner", partner),
        ("Uses from the job", (", ".join(uses) or "none").capitalize()),
    ]


def outside_work_card(
    record: Record, step: ApprovalStep | None, history: list[str] | None = None
) -> ApprovalCard:
    row = row_of(record)
    request = as_request(row)
    intro = ""
    if step is not None and step.purpose == "grant":
        intro = recommendation_intro(record)
    elif step is not None and step.purpose == "recommend" and step.status == StepStatus.PENDING:
        intro = (
            "Please recommend: support it or not, with a note. The head of office then "
            "decides whether to grant permission."
        )
    return step_card(
        record,
        step,
        history,
        heading=f"Outside work: {record.declarant.display_name} asks permission",
        intro=intro,
        facts=_facts(record, request),
        details=[("Anything else", request.notes)],
        warnings=warnings(request, flags_for(request, requested_on(record))),
    )


def declarant_receipt(record: Record, explanation: str, next_step: str) -> Message:
    """What the member of staff is told straight after asking."""
    ref = record.declaration.reference
    recorded = f"Thank you: {escape(what_it_was(record))} is recorded as {ref}."
    return receipt(recorded, explanation, next_step)


INCOME_AND_PRIVACY = (
    "Remember to declare any income to the relevant authorities (derbyshire §12) and make "
    "clear you act privately (avon-and-somerset §3.14)."
)


def advice(record: Record, step: ApprovalStep) -> str:
    if step.status == StepStatus.GRANTED:
        if step.reason:
            return (
                "The note above gives the conditions of your permission: please keep to "
                f"them. {INCOME_AND_PRIVACY}"
            )
        return INCOME_AND_PRIVACY
    if step.status == StepStatus.REFUSED:
        return (
            "Please don't take up this work. If things change — fewer hours, other duties, "
            "no link with the office's contractors — you can ask again with `/outside-work`; "
            "permission will not be unreasonably withheld. You can also talk it over with "
            "your line manager."
        )
    return ""
