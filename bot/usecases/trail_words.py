"""An audit trail in words: one line per entry, naming people rather than ids."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.rules.approvals import Purpose, outcomes
from bot.ui.withholding import ground_label
from storage.audit import detail_of
from storage.models import AuditEntry

PAST = {spec.outcome: spec.past for purpose in Purpose for spec in outcomes(purpose)}
PURPOSE_WORDS = {
    "authorise": "authorise",
    "dispose": "decide what happens to it",
    "note": "note",
    "recommend": "recommend",
    "grant": "grant or refuse",
    "acknowledge": "acknowledge",
}
TOLD_WORDS = {
    "approver": "the approver",
    "declarant": "the member of staff",
    "line_manager": "the line manager",
}
# The register keepers' own reasoning about publication: for their eyes, not the declarant's.
OFFICERS_NOTES = {"withheld": "note", "published_again": "reason"}


def entry_words(entry: AuditEntry, names: Mapping[int, str], *, officer: bool = True) -> str:
    """What happened, in words: "Sent to Manny Manager to authorise". Others than the
    officers are not shown the officers' notes on publication."""
    d = detail_of(entry)
    if not officer and entry.action in OFFICERS_NOTES:
        d = {k: v for k, v in d.items() if k != OFFICERS_NOTES[entry.action]}

    def name(value: Any, default: str = "someone") -> str:
        return names.get(value, default) if isinstance(value, int) else default

    actor = name(entry.actor_id, "Nolan")
    deputy = f" (deputy for {name(d['delegated_from'])})" if d.get("delegated_from") else ""
    said: dict[str, Callable[[], str]] = {
        "submitted": lambda: (
            f"Declared by {actor}"
            + (f", from the Slack message {d['source']}" if d.get("source") else "")
        ),
        "routed": lambda: (
            f"Sent to {name(d.get('approver_id'))}{deputy} to "
            f"{PURPOSE_WORDS.get(str(d.get('purpose')), str(d.get('purpose')))}"
        ),
        "rerouted": lambda: (
            f"Nobody in the seat of {str(d.get('role', '')).replace('_', ' ')} "
            f"({d.get('reason', '')}): the monitoring officer takes it"
        ),
        "unrouted": lambda: f"Nobody found to decide: {d.get('reason', '')}",
        "notified": lambda: (
            "Told "
            + " and ".join(TOLD_WORDS.get(str(t), str(t)) for t in d.get("told") or ["someone"])
        ),
        "decided": lambda: (
            f"{PAST.get(str(d.get('outcome')), str(d.get('outcome')))} by {actor}"
            + (f" for {name(d['on_behalf_of'])}" if d.get("on_behalf_of") else "")
            + (f": {d['reason']}" if d.get("reason") else "")
        ),
        "decision_refused": lambda: f"{actor} tried to decide it and was refused",
        "reminded": lambda: (
            f"{name(d.get('approver_id'))} reminded after {d.get('working_days')} working days"
        ),
        "escalated": lambda: (
            f"Moved up from {name(d.get('from_id'))} to {name(d.get('to_id'))} after "
            f"{d.get('working_days')} working days"
        ),
        "reassigned": lambda: (
            f"Moved from {name(d.get('from_id'))} to {name(d.get('to_id'))}{deputy}"
            + (f": {d['why']}" if d.get("why") else "")
        ),
        "withdrawn": lambda: f"Withdrawn by {actor}",
        "ended": lambda: (
            f"Ended on {d.get('ended_on')} by {actor}" + (f" ({d['via']})" if d.get("via") else "")
        ),
        "question_asked": lambda: f"{actor} asked the member of staff a question",
        "question_answered": lambda: f"{actor} answered the question",
        "viewed": lambda: f"Viewed by {actor}",
        "withheld": lambda: (
            f"Withheld from publication by {actor}: {ground_label(d.get('ground'))}"
            + (f" — {d['note']}" if d.get("note") else "")
        ),
        "published_again": lambda: (
            f"Published again by {actor}" + (f": {d['reason']}" if d.get("reason") else "")
        ),
    }
    found = said.get(entry.action)
    return found() if found else f"{entry.action.replace('_', ' ').capitalize()} ({actor})"
