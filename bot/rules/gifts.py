"""Gifts and hospitality: validating a declaration and deciding where it goes.

Clauses cited are from the codes in ../shared/policies/ (see ../shared/DOMAIN.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar

from bot.rules.refusal import Invalid
from bot.rules.status import DeclarationStatus, StepStatus

E = TypeVar("E", bound=StrEnum)


class OfferKind(StrEnum):
    GIFT = "gift"
    HOSPITALITY = "hospitality"


class GiftType(StrEnum):
    ITEM = "item"
    MONETARY = "monetary"  # cash, vouchers or any other monetary gift
    LEGACY = "legacy"  # being a beneficiary in a will


class Relationship(StrEnum):
    CONTRACTOR = "contractor"  # contractor or supplier
    BIDDER = "bidder"  # bidding, or likely to bid, for a contract
    PARTNER = "partner"
    PUBLIC = "public"
    OTHER = "other"


class Response(StrEnum):
    DECLINED = "declined"
    ACCEPTED = "accepted"
    WANTS_TO_ACCEPT = "wants_to_accept"


class Route(StrEnum):
    REFUSED = "refused"  # recorded as refused; manager told for information
    RECORDED = "recorded"  # declined: recorded; manager told
    NOTED = "noted"  # token gift of use at work: recorded, no approval
    AUTHORISE = "authorise"  # line manager authorises
    DISPOSE = "dispose"  # unsolicited gift already received: monitoring officer decides


class Flag(StrEnum):
    RETROSPECTIVE = "retrospective"
    BIDDER = "bidder"


class Disposal(StrEnum):
    """What the monitoring officer decides for a gift received without warning (§15.6)."""

    RETURN = StepStatus.RETURNED.value
    KEEP = StepStatus.KEPT.value
    HAND_ON = StepStatus.HANDED_ON.value


FIELD_LIMITS = {"offered_by": 200, "description": 2000, "reason": 2000, "value": 20}

DISPOSAL_LABELS = {
    Disposal.RETURN: "Return it to the giver",
    Disposal.KEEP: "Keep it for the office",
    Disposal.HAND_ON: "Hand it on (e.g. to charity)",
}


@dataclass(frozen=True)
class GiftForm:
    """What the member of staff typed or picked, before any checking."""

    kind: str | None = None
    gift_type: str | None = None
    offered_by: str | None = None
    relationship: str | None = None
    description: str | None = None
    value: str | None = None
    date_offered: date | None = None
    event_date: date | None = None
    response: str | None = None
    reason: str | None = None
    use_at_work: bool = False
    unsolicited: bool = False


@dataclass(frozen=True)
class GiftOffer:
    """A declaration that passed validation."""

    kind: OfferKind
    gift_type: GiftType | None
    offered_by: str
    relationship: Relationship
    description: str
    value_pence: int
    date_offered: date
    event_date: date | None
    response: Response
    reason: str
    use_at_work: bool = False
    unsolicited: bool = False


@dataclass(frozen=True)
class Limits:
    token_threshold_pence: int = 2_500
    value_ceiling_pence: int = 1_000_000


@dataclass(frozen=True)
class Assessment:
    route: Route
    status: str
    flags: frozenset[Flag] = field(default_factory=frozenset)
    explanation: str = ""


class InvalidGift(Invalid):
    """The form's answers failed these rules (refusal.Invalid)."""


_MONEY = re.compile(r"^(?P<pounds>\d{1,9})(?:\.(?P<pence>\d{1,2}))?$")


def parse_pounds(raw: str) -> int:
    """Parse an amount typed in pounds ("£1,250.50", "40") into pence.

    Raises ValueError with a message fit for the member of staff.
    """
    text = raw.strip().replace(",", "").replace(" ", "")
    text = text.removeprefix("£").removesuffix("GBP").removesuffix("gbp")
    if text.startswith("-"):
        raise ValueError("The value can't be negative. Give your best estimate in pounds.")
    match = _MONEY.match(text)
    if not match:
        raise ValueError("Give the value as a number of pounds, for example 25 or 12.50.")
    pence = (match.group("pence") or "0").ljust(2, "0")
    return int(match.group("pounds")) * 100 + int(pence)


def format_pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def _choice(enum: type[E], raw: str | None) -> E | None:
    try:
        return enum(raw) if raw else None
    except ValueError:
        return None


def validate(form: GiftForm, limits: Limits, today: date) -> GiftOffer:
    """Check a declaration field by field; raise InvalidGift naming every bad field.

    A declaration is never lost for a fixable mistake: each error names its field so the
    modal shows it there (Slack `response_action: errors`).
    """
    errors: dict[str, str] = {}

    def text(name: str, *, required: bool, label: str) -> str:
        value = (getattr(form, name) or "").strip()
        if required and not value:
            errors[name] = f"Please give {label}."
        elif len(value) > FIELD_LIMITS[name]:
            errors[name] = f"Please keep this to {FIELD_LIMITS[name]} characters or fewer."
        return value

    kind = _choice(OfferKind, form.kind)
    if kind is None:
        errors["kind"] = "Please say whether this is a gift or hospitality."
    gift_type = _choice(GiftType, form.gift_type)
    if kind is OfferKind.GIFT and gift_type is None:
        errors["gift_type"] = "Please say what sort of gift this is."
    if kind is OfferKind.HOSPITALITY:
        gift_type = None
    relationship = _choice(Relationship, form.relationship)
    if relationship is None:
        errors["relationship"] = "Please say how the giver is connected to the office."
    response = _choice(Response, form.response)
    if response is None:
        errors["response"] = "Please say what you did or would like to do."

    offered_by = text("offered_by", required=True, label="the person or organisation")
    description = text("description", required=True, label="a description of what was offered")
    reason = text(
        "reason",
        required=response in (Response.ACCEPTED, Response.WANTS_TO_ACCEPT),
        label="the reason you accepted or would like to accept",
    )

    value_pence = 0
    raw_value = (form.value or "").strip()
    if not raw_value:
        errors["value"] = "Please estimate the value in pounds (0 if it had none)."
    elif len(raw_value) > FIELD_LIMITS["value"]:
        errors["value"] = "Give the value as a number of pounds, for example 25 or 12.50."
    else:
        try:
            value_pence = parse_pounds(raw_value)
        except ValueError as exc:
            errors["value"] = str(exc)
        else:
            if value_pence > limits.value_ceiling_pence:
                errors["value"] = (
                    f"That is more than {format_pounds(limits.value_ceiling_pence)}. "
                    "Check the figure; if it is right, speak to the monitoring officer."
                )

    if form.date_offered is None:
        errors["date_offered"] = "Please give the date of the offer."
    elif form.date_offered > today:
        errors["date_offered"] = "The date offered can't be in the future."
    if kind is OfferKind.HOSPITALITY and form.event_date is None:
        errors["event_date"] = "Please give the date of the event."
    if (
        kind is OfferKind.HOSPITALITY
        and form.event_date is not None
        and form.date_offered is not None
        and form.event_date < form.date_offered
    ):
        errors["event_date"] = "The event can't be before the date it was offered."

    if errors:
        raise InvalidGift(errors)
    assert kind is not None and relationship is not None and response is not None
    assert form.date_offered is not None
    return GiftOffer(
        kind=kind,
        gift_type=gift_type,
        offered_by=offered_by,
        relationship=relationship,
        description=description,
        value_pence=value_pence,
        date_offered=form.date_offered,
        event_date=form.event_date if kind is OfferKind.HOSPITALITY else None,
        response=response,
        reason=reason,
        use_at_work=form.use_at_work and kind is OfferKind.GIFT,
        unsolicited=form.unsolicited and kind is OfferKind.GIFT,
    )


def flags_for(offer: GiftOffer, today: date) -> frozenset[Flag]:
    """Flags an approver should see.

    - retrospective: hospitality must be authorised *before* the event (cumbria "Hospitality
      and Gifts"; combined-authority §15.2); a past event date is accepted but flagged.
    - bidder: take special care where the offeror is affected by a pending decision such as
      a contract being let (combined-authority §15.8-15.9; §16 for sponsorship).
    """
    flags: set[Flag] = set()
    if offer.kind is OfferKind.HOSPITALITY and offer.event_date and offer.event_date < today:
        flags.add(Flag.RETROSPECTIVE)
    if offer.relationship is Relationship.BIDDER:
        flags.add(Flag.BIDDER)
    return frozenset(flags)


def is_token_gift(offer: GiftOffer, limits: Limits) -> bool:
    """A gift of token value that is of use at work (calendar, pen, diary) may be kept
    (combined-authority §15.4; derbyshire §3 g). The codes give no figure: the threshold is
    the office's setting (TOKEN_GIFT_THRESHOLD_GBP)."""
    return (
        offer.kind is OfferKind.GIFT
        and offer.gift_type is GiftType.ITEM
        and offer.use_at_work
        and offer.value_pence <= limits.token_threshold_pence
    )


def assess(offer: GiftOffer, limits: Limits, today: date) -> Assessment:
    """Decide what happens to a declared offer. Every offer is recorded, whatever the answer
    ("All offers of hospitality and gifts should be recorded (whether or not accepted)",
    derbyshire §3 g); this decides its status and who, if anyone, must decide on it.

    In order:
    1. cash, vouchers or other monetary gifts, and legacies, are always refused and brought
       to the manager's attention with a formal record (combined-authority §15.7);
    2. a gift received without warning goes to the monitoring officer, who decides whether
       to return it or how to deal with it (combined-authority §15.6);
    3. a declined offer is recorded and the manager told (derbyshire §3 g);
    4. a token gift of use at work is recorded and noted, unless the giver is bidding for a
       contract (combined-authority §15.4, §15.8-15.9);
    5. everything else — hospitality, and gifts above the token threshold the person has
       accepted or wants to accept — needs the line manager's authorisation, for
       hospitality in advance (cumbria "Hospitality and Gifts"; combined-authority §15.2).
    """
    flags = flags_for(offer, today)
    if offer.gift_type in (GiftType.MONETARY, GiftType.LEGACY):
        what = "a legacy in a will" if offer.gift_type is GiftType.LEGACY else "a monetary gift"
        return Assessment(
            Route.REFUSED,
            DeclarationStatus.REFUSED,
            flags,
            f"This is {what}, which the code says must always be refused (cash, vouchers "
            "and legacies included). It has been recorded as refused and your line manager "
            "has been told. If you have already received it, please hand it to your manager.",
        )
    if offer.unsolicited:
        return Assessment(
            Route.DISPOSE,
            DeclarationStatus.PENDING,
            flags,
            "Gifts that arrive without warning go to the monitoring officer, who decides "
            "whether it is returned, kept for the office or handed on.",
        )
    if offer.response is Response.DECLINED:
        return Assessment(
            Route.RECORDED,
            DeclarationStatus.RECORDED,
            flags,
            "Declined offers are recorded in the register too. Your line manager has been told.",
        )
    if is_token_gift(offer, limits) and Flag.BIDDER not in flags:
        return Assessment(
            Route.NOTED,
            DeclarationStatus.RECORDED,
            flags,
            "A gift of token value that is of use at work can be kept. It has been recorded; "
            "no approval is needed.",
        )
    return Assessment(
        Route.AUTHORISE,
        DeclarationStatus.PENDING,
        flags,
        "Hospitality, and gifts above token value, need your line manager's authorisation."
        + (
            " The event has already happened, so this is recorded as retrospective."
            if Flag.RETROSPECTIVE in flags
            else ""
        ),
    )
