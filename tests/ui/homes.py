"""A Home for every role, and what each must and must not say: the renderers' tests (plain text,
Slack, Teams) check the same content."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.rules import approvals as rules
from bot.ui import home_model as model
from bot.ui.home_model import Pages

TODAY = date(2026, 11, 20)
PURPOSES = list(rules.Purpose)


def own(i: int, **kw: object) -> model.OwnItem:
    values: dict[str, object] = {
        "declaration_id": i,
        "reference": f"GH-{i:05d}",
        "kind": "Gift or hospitality",
        "what": f"the hospitality from Acme <b>{i}</b>",
        "declared_on": TODAY,
        "status": "Waiting for a decision",
        "waiting_on": ("Manny Manager",),
    }
    values.update(kw)
    return model.OwnItem(**values)  # type: ignore[arg-type]


def waiting(i: int, purpose: str = "authorise", deputy_for: str | None = None) -> model.WaitingItem:
    return model.WaitingItem(
        step_id=i,
        reference=f"GH-{i:05d}",
        purpose=purpose,
        what="your interest in Acme Ltd" if i % 2 else "the hospitality from Acme",
        declarant="Alice Able",
        since=TODAY,
        working_days=i % 5,
        deputy_for=deputy_for,
    )


def longwait(i: int) -> model.LongWait:
    return model.LongWait(f"GH-{i:05d}", "Gift or hospitality", "Alice", "Manny Manager", TODAY, 3)


def flagged(i: int) -> model.FlaggedItem:
    many = [("Repeated offers", "x" * 600)] * 6  # clipped, not refused
    return model.FlaggedItem(1000 + i, f"GH-{i:05d}", "Gift or hospitality", "Alice", TODAY, many)


def full_home(pages: Pages | None = None, size: int = 10) -> model.Home:
    """Every section at its fullest page (`size` items): an officer who approves, with long
    lists."""
    pages = pages or Pages(mine=1, waiting=1, longest=1, flags=1)
    return model.Home(
        name="Morgan Monitor",
        today=TODAY,
        mine=model.Page([own(i) for i in range(size)], pages.mine, size, 150),
        code_url="https://example.org/code",
        code_title="Code of Conduct",
        vetting=model.Vetting("NPPV3", date(2026, 12, 1), 11, 90),
        annual=model.Annual(due=True, answer_by=date(2027, 4, 29)),
        approver=True,
        waiting=model.Page([waiting(i) for i in range(size)], pages.waiting, size, 80),
        delegation=model.Delegation("Eve Other", TODAY, date(2026, 11, 30)),
        officer=model.Officer(
            counts=model.Counts("2026/27", {"Gift or hospitality": {"Approved": 4, "Declined": 1}}),
            longest=model.Page([longwait(i) for i in range(size)], pages.longest, size, 40),
            flagged=model.Page([flagged(i) for i in range(size)], pages.flags, size, 35),
        ),
        pages=pages,
    )


@dataclass(frozen=True)
class Role:
    home: model.Home | None  # None: not in the org chart
    says: tuple[str, ...]
    not_says: tuple[str, ...] = ()
    buttons: tuple[str, ...] = ()  # labels, each at least once
    no_buttons: tuple[str, ...] = field(default=())


DECLARE = (
    "Declare a gift or hospitality",
    "Declare an interest",
    "Ask about outside work",
    "Notify a change of circumstances",
)
DECIDED = own(
    7,
    status="Approved",
    waiting_on=(),
    decided_by="Manny Manager",
    decided_at=datetime(2026, 11, 19, 9, tzinfo=UTC),
)


def roles(size: int = 10) -> dict[str, Role]:
    """Every role's Home, its long lists `size` items to a page."""
    return {
        "member of staff": Role(
            model.Home(
                name="Alice Able",
                today=TODAY,
                mine=model.Page([own(1), DECIDED], 0, 10, 2),
                code_url="https://example.org/code",
                code_title="Code of Conduct",
                vetting=model.Vetting("SC", date(2027, 11, 1), 346, 90),
                annual=model.Annual(due=False, next_on=date(2027, 4, 1)),
            ),
            says=(
                "Hello, Alice Able",
                "Your declarations",
                "GH-00001",
                "the hospitality from Acme <b>1</b>",
                "Waiting for a decision from Manny Manager",
                "Approved by Manny Manager",
                "Your vetting clearance (SC) is valid until 1 November 2027.",
                "Your annual declaration: the next is due on 1 April 2027.",
                "Read Code of Conduct",
            ),
            not_says=("Waiting for your decision", "The registers", "Showing"),
            buttons=(*DECLARE, "View"),
            no_buttons=("Delegate…", "Search registers", "More"),
        ),
        "new member of staff": Role(
            model.Home(name="Nat New", today=TODAY, mine=model.Page([], 0, 10, 0)),
            says=(
                "You have made no declarations yet",
                "Ask the monitoring officer for a copy of the code of conduct.",
            ),
            not_says=("vetting",),
            buttons=DECLARE,
            no_buttons=("View",),
        ),
        "line manager with waiting items": Role(
            model.Home(
                name="Manny Manager",
                today=TODAY,
                mine=model.Page([], 0, 10, 0),
                vetting=model.Vetting("SC", date(2026, 12, 1), 11, 90),
                annual=model.Annual(due=True, answer_by=date(2026, 11, 19)),
                approver=True,
                waiting=model.Page([waiting(1), waiting(2, "acknowledge")], 0, 10, 2),
            ),
            says=(
                "Waiting for your decision",
                "Alice Able's interest in Acme Ltd",
                "the hospitality from Acme (Alice Able)",
                "Waiting since Fri 20 Nov (2 working days).",
                "Your approvals come to you.",
                "expires on 1 December 2026, in 11 days: renewal is due.",
                "Your annual declaration is overdue",
            ),
            not_says=("The registers", "deputy for"),
            buttons=(
                *DECLARE,
                *(o.label for o in rules.outcomes("authorise")),
                *(o.label for o in rules.outcomes("acknowledge")),
                "Delegate…",
            ),
            no_buttons=("End delegation", "Search registers"),
        ),
        "deputy": Role(
            model.Home(
                name="Dee Deputy",
                today=TODAY,
                mine=model.Page([], 0, 10, 0),
                approver=True,
                waiting=model.Page([waiting(3, deputy_for="Manny Manager")], 0, 10, 1),
            ),
            says=("You are deciding it as deputy for Manny Manager.", "GH-00003"),
            buttons=tuple(o.label for o in rules.outcomes("authorise")),
        ),
        "approver of every kind": Role(
            model.Home(
                name="Hugh Head",
                today=TODAY,
                mine=model.Page([], 0, 10, 0),
                approver=True,
                waiting=model.Page([waiting(i, p) for i, p in enumerate(PURPOSES)], 0, 10, 6),
            ),
            says=tuple(f"GH-{i:05d}" for i in range(len(PURPOSES))),
            buttons=tuple(o.label for p in PURPOSES for o in rules.outcomes(p)),
        ),
        "away, with a deputy": Role(
            model.Home(
                name="Manny Manager",
                today=TODAY,
                mine=model.Page([], 0, 10, 0),
                approver=True,
                waiting=model.Page([], 0, 10, 0),
                delegation=model.Delegation("Dee Deputy", date(2026, 11, 23), date(2026, 11, 30)),
            ),
            says=(
                "Nothing is waiting for your decision.",
                "Your approvals go to Dee Deputy from 23 November 2026 until 30 November 2026.",
            ),
            buttons=("Change…", "End delegation"),
            no_buttons=("Delegate…",),
        ),
        "monitoring officer": Role(
            full_home(Pages(), size),
            says=(
                "The registers",
                "Declarations made in 2026/27",
                "Gift or hospitality (5)",
                "Approved: 4",
                "Waiting longest for a decision",
                "with Manny Manager since Fri 20 Nov (3 working days)",
                "Risk flags (declarations of the last 12 months)",
                "Repeated offers",
                "Your approvals go to Eve Other until 30 November 2026.",
                f"Showing 1–{size} of 150.",
                f"Showing 1–{size} of 80.",
                f"Showing 1–{size} of 40.",
                f"Showing 1–{size} of 35.",
            ),
            buttons=("Search registers", "Export", "More", "View", "End delegation"),
            no_buttons=("Previous",),
        ),
        "long lists, second pages": Role(
            full_home(size=size),
            says=tuple(f"Showing {size + 1}–{2 * size} of {n}." for n in (150, 80, 40, 35)),
            buttons=("Previous", "More"),
        ),
        "officer, nothing yet": Role(
            model.Home(
                name="Morgan Monitor",
                today=TODAY,
                mine=model.Page([], 0, 10, 1),
                approver=True,
                waiting=model.Page([], 0, 10, 1),
                officer=model.Officer(model.Counts("2026/27", {}), model.Page([], 0, 10, 1)),
            ),
            says=(
                "None yet this financial year.",
                "Nothing is waiting for a decision.",
                "Nothing is waiting for your decision.",
                "No declaration in that time carries a risk flag.",
            ),
            not_says=("Showing",),
            buttons=("Search registers", "Export"),
        ),
        "not in the org chart": Role(
            None,
            says=("Hello from Nolan", "can't find you in the office's org chart"),
            not_says=("Your declarations",),
        ),
    }


ROLES = roles()
