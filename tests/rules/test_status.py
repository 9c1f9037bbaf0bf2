"""The status enums: every decision a step can take is a step status, every status a
declaration can reach is a declaration status, and no code spells one as a raw string."""

from __future__ import annotations

import re
from pathlib import Path

from bot.rules import approvals
from bot.rules.status import DeclarationStatus, OutboxStatus, StepStatus

REPO = Path(__file__).resolve().parents[2]


def test_every_decision_is_a_step_status_with_a_final_declaration_status() -> None:
    decisions = {spec.outcome for p in approvals.Purpose for spec in approvals.outcomes(p)}
    assert all(isinstance(d, StepStatus) for d in decisions)
    assert decisions | {StepStatus.PENDING, StepStatus.CLOSED, StepStatus.WITHDRAWN} == set(
        StepStatus
    )
    assert set(approvals.FINAL_STATUS) == decisions
    reached = set(approvals.FINAL_STATUS.values())
    assert all(isinstance(s, DeclarationStatus) for s in reached)
    # Besides a decision's: waiting, recorded with nothing to decide, withdrawn.
    assert reached | {
        DeclarationStatus.PENDING,
        DeclarationStatus.RECORDED,
        DeclarationStatus.WITHDRAWN,
    } == set(DeclarationStatus)


def test_a_status_is_the_text_storage_holds() -> None:
    assert StepStatus.PENDING == "pending" and f"{StepStatus.ACTION_REQUIRED}" == "action_required"
    assert approvals.declaration_status("grant", "granted", last_step=True) == "approved"
    assert approvals.declaration_status("recommend", "supported", last_step=False) is (
        DeclarationStatus.PENDING
    )


# A status compared with, or set to, a string literal (or a tuple of them).
RAW = re.compile(r"""\bstatus\)?\s*(?:==|!=|=|\bin\b|\bnot in\b)\s*\(?\s*["']([a-z_]+)["']""")
STATUSES = set(StepStatus) | set(DeclarationStatus) | set(OutboxStatus)


def test_no_raw_status_string_outside_the_column_mapping() -> None:
    found = []
    for folder in ("bot", "handlers", "storage"):
        for path in sorted((REPO / folder).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            if relative == "storage/models.py" or "/migrations/" in relative:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if (raw := RAW.search(line)) and raw[1] in STATUSES:
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []
