"""Every form and card bot/ui can build, for the Teams renderer's tests: each builder with the
arguments that draw each of its variants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.rules import approvals as rules
from bot.rules.risk import Code, RiskFlag
from bot.rules.status import StepStatus
from bot.settings import Policy
from bot.ui import reviews
from bot.ui import vetting_messages as vetting
from bot.ui.approval import ApprovalCard, approval_card, decision_text_form, moved_card
from bot.ui.cards import Card
from bot.ui.delegation import Current, delegate_form
from bot.ui.forms import Form
from bot.ui.gifts import gift_form
from bot.ui.interests import end_form, interest_form
from bot.ui.notices import notice_form
from bot.ui.outside_work import outside_work_form
from bot.ui.payload import MessageSource, Payload
from bot.ui.policies import policy_form, review_form
from bot.ui.questions import (
    QuestionRef,
    answer_card,
    answered_card,
    ask_form,
    asked_form,
    question_card,
    reply_form,
)
from bot.ui.reassign import done_form, reassign_form
from bot.ui.register_export import export_form, refusal_form
from bot.ui.registers import SearchMeta, search_form
from bot.ui.vetting import ClearanceRef, renewal_form
from bot.ui.withholding import WithholdMeta, republish_form, withhold_form
from bot.usecases.reviews import Permission
from storage.vetting import Holder

TODAY = date(2026, 3, 2)
LONG = "A long answer, with <angle brackets> & [a](https://x.example) *stars* _under_. " * 40


class PolicyMeta(Payload):
    policy_id: int | None = None


@dataclass
class PolicyShown:
    title: str = "Code <of> conduct"
    url: str | None = "https://example.org/code"
    last_reviewed: date | None = date(2025, 1, 1)
    review_months: int | None = 24
    next_review: date | None = date(2027, 1, 1)
    channel_id: str | None = "19:abc@thread.tacv2"
    is_code_of_conduct: bool = True
    active: bool = False


def forms() -> dict[str, Form]:
    """Every form, by a name for the test's id."""
    policy = PolicyShown()
    found = {
        "gift": gift_form(
            description="A pen",
            ask_for_manager=True,
            token_threshold_pence=2500,
            source=MessageSource(link="https://teams.example/l/message/1"),
        ),
        "gift, long prefill": gift_form(
            description=LONG * 3, ask_for_manager=False, token_threshold_pence=2500
        ),
        "interest": interest_form(description="Trustee of a charity"),
        "end interest": end_form(declaration_id=4, reference="I-1", what="a <b>", today=TODAY),
        "outside work": outside_work_form(
            organisation="Acme", notes="none", ask_for_manager=True, head_title="Chief Executive"
        ),
        "notify": notice_form(audience="the Chief Executive and the Vetting Officer"),
        "delegation": delegate_form(today=TODAY, end_command="conduct delegate end"),
        "delegation, current": delegate_form(
            today=TODAY,
            current=Current("Eve <Deputy>", date(2026, 3, 5), date(2026, 4, 1)),
            end_command="conduct delegate end",
        ),
        "ask a question": ask_form(step_id=7, reference="G-1", declarant="Ann", what="A pen"),
        "question sent": asked_form("Ann"),
        "reply": reply_form(
            ref=QuestionRef(question_id=3), asker="Bob", reference="G-1", question="Why?\nHow?"
        ),
        "withhold": withhold_form(WithholdMeta(declaration_id=5), "G-1", "a <b>"),
        "publish again": republish_form(WithholdMeta(declaration_id=5), "G-1", "security"),
        "vetting": renewal_form(
            ref=ClearanceRef(staff_id=4, expires=date(2026, 2, 1)),
            name="Ann <A>",
            level="SC",
            years=5,
            today=TODAY,
        ),
        "reassign": reassign_form(reference="GH-00001"),
        "reassigned": done_form("Moved to <Dee>."),
        "register export": export_form(registers=["gifts", "interests"], formats=["csv", "xlsx"]),
        "register export refused": refusal_form("Only *officers* may export."),
        "policy, new": policy_form(policy=None, owner_id=None, payload=PolicyMeta()),
        "policy, edit": policy_form(
            policy=policy, owner_id="aad-1", payload=PolicyMeta(policy_id=1)
        ),
        "policy review": review_form(
            policy, payload=PolicyMeta(policy_id=1), owner_name="Ann", today=TODAY
        ),
        "policy review, no interval": review_form(
            PolicyShown(review_months=None),
            payload=PolicyMeta(policy_id=1),
            owner_name=None,
            today=TODAY,
        ),
        "register search": search_form(),
        "register search, again": search_form(
            SearchMeta(person_slack_id="aad-1", kind="gift", date_from=date(2026, 1, 1), text="pen")
        ),
    }
    for purpose in rules.Purpose:
        for spec in rules.outcomes(purpose):
            if spec.text is not rules.Text.NONE:
                found[f"decision text, {purpose} {spec.outcome}"] = decision_text_form(
                    7, spec.outcome, purpose, "G-2026-0001"
                )
    return found


def approval(**changes: object) -> ApprovalCard:
    base = ApprovalCard(
        step_id=7,
        reference="G-2026-0001",
        heading="Gift offered to Ann Example",
        facts=[
            ("Who", "Ann Example"),
            ("Value", "£40.00"),
            ("Offered by", "Acme [Ltd](https://x.example)"),
        ],
        details=[("Description", "A pen & a diary\n- second line"), ("Why", "")],
        warnings=["Declared as *of use* at work."],
        history=["G-2025-0003: a lunch from Acme (approved)"],
        flags=[RiskFlag.of(next(iter(Code)), "3 offers from Acme in 12 months")],
        note="You are deciding this as deputy for *Bob*.",
    )
    return ApprovalCard(**{**base.__dict__, **changes})


AT = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


def cards() -> dict[str, Card]:
    """Every card: the approval card for every kind (purpose) and status, and the rest."""
    found: dict[str, Card] = {}
    for purpose in [*rules.Purpose, "inform"]:
        specs = rules.outcomes(purpose) if purpose != "inform" else ()
        statuses = [StepStatus.PENDING, *(s.outcome for s in specs)]
        statuses += [StepStatus.CLOSED, StepStatus.WITHDRAWN]
        for status in statuses:
            card = approval(
                purpose=purpose,
                status=status,
                decided_by=None if status == StepStatus.PENDING else "Cara <Boss>",
                decided_at=None if status == StepStatus.PENDING else AT,
                reason="Too *generous*\n> quoted",
            )
            found[f"approval, {purpose} {status}"] = approval_card(card)
    found["approval, biggest"] = approval_card(
        approval(
            facts=[(f"Fact {i}", LONG[:200]) for i in range(10)],
            details=[(f"Section {i}", LONG[:2000]) for i in range(4)],
            history=[LONG[:300]] * 10,
            warnings=[LONG[:300]] * 5,
            flags=[RiskFlag.of(c, LONG[:200]) for c in Code][:10],
        )
    )
    found["moved"] = moved_card(approval(), "Dee <Deputy>", "on leave")
    found["question"] = question_card(
        question_id=3, asker="Bob", reference="G-1", what="a pen", question="Why?\n<b>"
    )
    found["answered"] = answered_card(
        asker="Bob", reference="G-1", what="a pen", question="Why?", answer="Because."
    )
    found["answer"] = answer_card(
        declarant="Ann", reference="G-1", what="a pen", question="Why?", answer=LONG[:1500]
    )
    found.update(vetting_cards())
    found.update(review_cards())
    return found


def vetting_cards() -> dict[str, Card]:
    name = f"Ann <Able> {LONG[:150]}"
    found: dict[str, Card] = {}
    days = (("ahead", date(2026, 4, 1)), ("today", TODAY), ("lapsed", date(2026, 1, 5)))
    for when, expires in days:
        holder = Holder(1, name, None, None, "NPPV3 *", expires, "aad")
        found[f"vetting reminder, {when}"] = vetting.member_reminder(
            holder, TODAY, overseer_names=["Vera <V>"], officer_title="Vetting Officer",
            leads=(90, 30, 7, 0), years=3,
        )
    found["vetting renewed"] = vetting.member_renewed(
        "SC", TODAY, date(2031, 3, 2), by_name=name, leads=(30,)
    )
    for told in (True, False):
        found[f"vetting confirmed, told {told}"] = vetting.officer_renewed(
            "Ann <Able>", None, TODAY, date(2029, 3, 2), 3, told, platform="Teams"
        )
    found["vetting recorded by"] = vetting.recorded_by(
        found["vetting confirmed, told True"], "Vera <V>"
    )
    return found


def review_cards() -> dict[str, Card]:
    p = Permission(7, "OW-00007", f"Coach <b> {LONG[:200]}", "Club *x*", date(2025, 3, 2))
    found: dict[str, Card] = {"review": reviews.review_card(p, TODAY, Policy())}
    for response in ("confirmed", "updated", "ended"):
        found[f"reviewed, {response}"] = reviews.reviewed_card(
            p, response=response, when="Mon 2 Mar 2026 at 10:00", policy=Policy(),
            ended_on=TODAY if response == "ended" else None,
        )
    found["review ended, to the manager"] = reviews.ended_card(
        p, declarant="Ann <Able>", ended_on=TODAY
    )
    return found
