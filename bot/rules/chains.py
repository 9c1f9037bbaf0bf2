"""Approval chains: who decides each kind of declaration, in what order. They are policy
settings (APPROVAL_CHAIN_<KIND>), because offices differ; the defaults follow the codes.

Written as stages separated by "," — each stage one or more seats joined by "+", which wait
at the same time — and each seat "role:purpose", e.g.
`line_manager:recommend,head_of_office:grant`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.approvals import Purpose
from bot.rules.roles import ApproverRole


@dataclass(frozen=True)
class Seat:
    role: ApproverRole
    purpose: Purpose

    def __str__(self) -> str:
        return f"{self.role.value}:{self.purpose.value}"


Chain = tuple[tuple[Seat, ...], ...]

DEFAULT_CHAINS: dict[str, str] = {
    # Hospitality is authorised in advance by the manager (cumbria; combined-authority §15.2).
    "gift": "line_manager:authorise",
    # Interests are declared to the manager (combined-authority §8).
    "interest": "line_manager:note",
    # The manager recommends; the head of office's permission is needed before taking any
    # other work (warwickshire "Commitments Outside of Work"; derbyshire §12).
    "outside_work": "line_manager:recommend,head_of_office:grant",
    # Criminal charges, proceedings and vetting changes go to the head of office and the
    # vetting office (derbyshire §11; avon-and-somerset §3.11, §3.16; warwickshire "Vetting").
    "notice": "head_of_office:acknowledge+vetting_officer:acknowledge",
}


def parse_chain(text: str) -> Chain:
    """Parse a chain setting; raise ValueError naming the part that is wrong."""
    stages: list[tuple[Seat, ...]] = []
    for raw_stage in text.split(","):
        seats = []
        for raw_seat in raw_stage.split("+"):
            role, _, purpose = raw_seat.strip().partition(":")
            try:
                seats.append(Seat(ApproverRole(role.strip()), Purpose(purpose.strip())))
            except ValueError:
                raise ValueError(
                    f"{raw_seat.strip()!r} is not role:purpose (roles: "
                    f"{', '.join(r.value for r in ApproverRole)}; purposes: "
                    f"{', '.join(p.value for p in Purpose)})"
                ) from None
        if len({s.role for s in seats}) != len(seats):
            raise ValueError(f"a role appears twice in one stage: {raw_stage.strip()!r}")
        stages.append(tuple(seats))
    if not stages:
        raise ValueError("a chain needs at least one seat")
    return tuple(stages)


def format_chain(chain: Chain) -> str:
    return ",".join("+".join(str(seat) for seat in stage) for stage in chain)


def with_seat(chain: Chain, stage_index: int, seat: Seat) -> Chain:
    """The chain with `seat` added to a stage (e.g. the monitoring officer as well)."""
    stages = list(chain)
    if any(s.role == seat.role for s in stages[stage_index]):
        return chain
    stages[stage_index] = (*stages[stage_index], seat)
    return tuple(stages)
