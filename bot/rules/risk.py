"""Risk flags: patterns the codes warn about, for approvers and the register keepers to see.

Pure: plain dataclasses in, flags out; no Slack, no SQL (storage/risk.py gathers the inputs).
A flag is a prompt to look, never a decision. Clauses cited are from the codes in
../shared/policies/ (see ../shared/DOMAIN.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache


class Code(StrEnum):
    REPEAT_OFFERS = "repeat_offers"
    BIDDER = "bidder"
    RETROSPECTIVE = "retrospective"
    LATE = "late"
    CONTRACTOR_WORK = "contractor_work"
    OFFEROR_INTEREST = "offeror_interest"


LABELS = {
    Code.REPEAT_OFFERS: "Repeated offers",
    Code.BIDDER: "Bidder in a procurement",
    Code.RETROSPECTIVE: "Accepted retrospectively",
    Code.LATE: "Late declaration",
    Code.CONTRACTOR_WORK: "Work with a contractor",
    Code.OFFEROR_INTEREST: "Interest in an offeror",
}


@dataclass(frozen=True)
class RiskFlag:
    code: Code
    label: str
    explanation: str  # one line, with the figures

    @classmethod
    def of(cls, code: Code, explanation: str) -> RiskFlag:
        return cls(code, LABELS[code], explanation)


@dataclass(frozen=True)
class Thresholds:
    """The office's settings (bot.settings.Policy: RISK_*, LATE_DECLARATION_DAYS,
    PROCUREMENT_BIDDERS); the codes give no figures."""

    repeat_offers: int = 3
    repeat_value_pence: int = 20_000
    window_days: int = 365
    late_days: int = 28
    bidders: tuple[str, ...] = ()


@dataclass(frozen=True)
class Offer:
    """An offer of a gift or hospitality, as the rules need it."""

    id: int
    declarant_id: int
    offered_by: str
    kind: str  # gift | hospitality
    relationship: str  # bot.rules.gifts.Relationship
    response: str  # bot.rules.gifts.Response
    value_pence: int
    date_offered: date
    declared_on: date  # the office's date the declaration was made
    event_date: date | None = None
    retrospective: bool = False  # the register row's `retrospective` flag


@dataclass(frozen=True)
class InterestItem:
    id: int
    declarant_id: int
    organisation: str
    started_on: date
    declared_on: date
    ended_on: date | None = None
    joined_on: date | None = None  # when the declarant joined, if the org chart knows


@dataclass(frozen=True)
class OutsideWorkItem:
    id: int
    declarant_id: int
    organisation: str
    start_date: date
    declared_on: date
    involves_partner: bool = False
    partner: str = ""  # which contractor, supplier or partner, if named
    joined_on: date | None = None  # when the declarant joined, if the org chart knows


_SUFFIXES = frozenset(
    {"ltd", "limited", "plc", "llp", "lp", "llc", "inc", "incorporated", "corp", "corporation"}
    | {"co", "company", "cic", "cio"}
)


@lru_cache(maxsize=4096)  # every offer in the window is compared at each declaration
def offeror_key(name: str) -> str:
    """A giver's name reduced so that spellings of one organisation compare equal:
    "ACME Ltd.", "Acme Limited" and "acme" all give "acme". Case, accents, punctuation,
    spacing, "&"/"and", a leading "The" and trailing legal forms (Ltd, Limited, plc, LLP,
    Inc, & Co…) are ignored."""
    text = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    text = text.replace("&", " and ")
    text = re.sub(r"[.'`]", "", text)  # P.L.C. -> plc, O'Neill's -> oneills
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    while words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and (words[-1] in _SUFFIXES or words[-1] == "and"):
        words.pop()
    return " ".join(words)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def _window(days: int) -> str:
    return "12 months" if days == 365 else f"{days} days"


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def in_window(earlier: date, later: date, window_days: int) -> bool:
    """A window of N days is the later day and the N-1 days before it."""
    return 0 <= (later - earlier).days < window_days


@dataclass(frozen=True)
class Tally:
    """Offers from one giver that a flag counts: how many, their value, to how many people,
    and the latest day offered. Counted here from a list of offers, or by storage in SQL."""

    count: int = 0
    total_pence: int = 0
    people: int = 0
    latest: date | None = None


def tally(offers: Iterable[Offer]) -> Tally:
    found = list(offers)
    return Tally(
        count=len(found),
        total_pence=sum(o.value_pence for o in found),
        people=len({o.declarant_id for o in found}),
        latest=max((o.date_offered for o in found), default=None),
    )


def repeats_of(offer: Offer, offers: Iterable[Offer], th: Thresholds) -> Tally:
    """What `repeated_offers` counts: offers from the same giver, to anyone in the office,
    within the window up to this one (offers on one day in the order declared), this one
    included."""
    key = offeror_key(offer.offered_by)
    mine = (offer.date_offered, offer.id)
    matching = [
        o
        for o in offers
        if offeror_key(o.offered_by) == key
        and in_window(o.date_offered, offer.date_offered, th.window_days)
        and (o.date_offered, o.id) <= mine
    ]
    if offer.id not in {o.id for o in matching}:
        matching.append(offer)
    return tally(matching)


def repeated_offers(
    offer: Offer, offers: Iterable[Offer] | Tally, th: Thresholds
) -> RiskFlag | None:
    """Offers from one giver, to anyone in the office, within the window up to this one:
    `repeat_offers` or more, or more than one adding up to more than `repeat_value_pence`.
    `offers`: the office's offers, or what `repeats_of` would count from them.

    Acceptance from anyone "who have, or may in the future have, dealings of any kind" with
    the office "could cause suspicion as to the motives involved" (cumbria "Hospitality and
    Gifts"; combined-authority §15.1); hospitality or gifts that "could reasonably be seen as
    likely to influence" judgement are not accepted (derbyshire §3 g). A pattern is what a
    single register row cannot show. Offers on one day count in the order declared.
    """
    counted = offers if isinstance(offers, Tally) else repeats_of(offer, offers, th)
    count, total = counted.count, counted.total_pence
    if count < th.repeat_offers and not (count > 1 and total > th.repeat_value_pence):
        return None
    to = f" (to {counted.people} people)" if counted.people > 1 else ""
    return RiskFlag.of(
        Code.REPEAT_OFFERS,
        f"{ordinal(count)} offer from {offer.offered_by} in {_window(th.window_days)}{to}, "
        f"{_pounds(total)} in all",
    )


def bidder(offer: Offer, th: Thresholds) -> RiskFlag | None:
    """An offer from a bidder in a live procurement: declared as such, or from a giver on the
    office's list (PROCUREMENT_BIDDERS). Staff should be "particularly sensitive" to timing
    around "letting of contracts", and refuse where improper motive could be inferred
    (combined-authority §15.8-15.9; cumbria "Hospitality and Gifts"); sponsorship likewise
    (§16.1)."""
    listed = offeror_key(offer.offered_by) in {offeror_key(b) for b in th.bidders if b.strip()}
    if listed:
        return RiskFlag.of(
            Code.BIDDER,
            f"{offer.offered_by} is bidding in a live procurement (the office's list)",
        )
    if offer.relationship == "bidder":
        return RiskFlag.of(
            Code.BIDDER, "Declared as from a bidder, or likely bidder, for a contract"
        )
    return None


def retrospective(offer: Offer) -> RiskFlag | None:
    """Hospitality accepted after the event: it should be "authorised in advance by their
    manager/immediate supervisor" (cumbria "Hospitality and Gifts"; combined-authority §15.2;
    consent in advance for conferences, §15.10)."""
    if not (
        offer.kind == "hospitality"
        and offer.retrospective
        and offer.response in ("accepted", "wants_to_accept")
    ):
        return None
    held = f" on {_day(offer.event_date)}" if offer.event_date else ""
    return RiskFlag.of(
        Code.RETROSPECTIVE,
        f"The event{held} had taken place before it was declared on {_day(offer.declared_on)}",
    )


def _late(days: int, th: Thresholds, since: str) -> RiskFlag | None:
    if days <= th.late_days:
        return None
    return RiskFlag.of(
        Code.LATE,
        f"Declared {days} days after {since} (limit {th.late_days} days)",
    )


def late_offer(offer: Offer, th: Thresholds) -> RiskFlag | None:
    """Declared more than `late_days` after the offer, or after the event for hospitality
    already held. Every offer is to be recorded (derbyshire §3 f-g) and hospitality
    authorised in advance (combined-authority §15.2); the codes give no number of days, so
    the office sets it (LATE_DECLARATION_DAYS). Distinct from `retrospective`: an event
    declared the day after is retrospective but not late."""
    if offer.kind == "hospitality" and offer.event_date and offer.event_date < offer.declared_on:
        since = offer.event_date, f"the event on {_day(offer.event_date)}"
    else:
        since = offer.date_offered, f"the offer on {_day(offer.date_offered)}"
    return _late((offer.declared_on - since[0]).days, th, since[1])


def _late_since(
    declared_on: date, began: date, joined_on: date | None, th: Thresholds, began_words: str
) -> RiskFlag | None:
    """Late counted from when it began, or from joining if it began before (what a person
    brings with them is declared on joining)."""
    if joined_on and joined_on > began:
        return _late((declared_on - joined_on).days, th, f"joining on {_day(joined_on)}")
    return _late((declared_on - began).days, th, f"{began_words} {_day(began)}")


def late_interest(interest: InterestItem, th: Thresholds) -> RiskFlag | None:
    """Declared more than `late_days` after the interest began, or after the declarant
    joined if it began before. Interests are declared "immediately" (derbyshire §6) or "as
    soon as they become aware" (combined-authority §8.4; cumbria), and staff "update the
    Monitoring Officer on any changes" (cumbria undertaking)."""
    return _late_since(
        interest.declared_on, interest.started_on, interest.joined_on, th, "it began on"
    )


def late_outside_work(work: OutsideWorkItem, th: Thresholds) -> RiskFlag | None:
    """Permission asked more than `late_days` after the work started (or after joining, for
    work already held then): it is needed *before* taking it up (derbyshire §12;
    avon-and-somerset §3.14; warwickshire "Commitments Outside of Work")."""
    return _late_since(work.declared_on, work.start_date, work.joined_on, th, "the work started on")


def contractor_work(work: OutsideWorkItem) -> RiskFlag | None:
    """Outside work involving a contractor, supplier or partner of the office: any such
    relationship is declared (warwickshire "Contractors and Suppliers"; combined-authority
    §5.2), and outside work must not conflict with the office (§7.1; derbyshire §12)."""
    if not work.involves_partner:
        return None
    who = work.partner or work.organisation
    return RiskFlag.of(
        Code.CONTRACTOR_WORK, f"Work for or with {who}, a contractor, supplier or partner"
    )


def offers_to_interest(
    interest: InterestItem, offers: Iterable[Offer], th: Thresholds, today: date
) -> Tally:
    """What `offeror_interest` counts: offers from the interest's organisation, to anyone,
    within the window up to `today`, and not after the interest ended."""
    key = offeror_key(interest.organisation)
    return tally(
        o
        for o in offers
        if key
        and offeror_key(o.offered_by) == key
        and in_window(o.date_offered, today, th.window_days)
        and (interest.ended_on is None or o.date_offered <= interest.ended_on)
    )


def offeror_interest(
    interest: InterestItem, offers: Iterable[Offer] | Tally, th: Thresholds, today: date
) -> RiskFlag | None:
    """An interest in an organisation that has offered gifts or hospitality to anyone in the
    office within the window up to `today`: relationships with contractors are declared
    (combined-authority §5.2; warwickshire "Contractors and Suppliers"), and gifts from those
    with dealings with the office invite suspicion (§15.1). `offers`: the office's offers, or
    what `offers_to_interest` would count from them."""
    if not offeror_key(interest.organisation):
        return None
    counted = (
        offers if isinstance(offers, Tally) else offers_to_interest(interest, offers, th, today)
    )
    if not counted.count or counted.latest is None:
        return None
    times = "once" if counted.count == 1 else f"{counted.count} times"
    return RiskFlag.of(
        Code.OFFEROR_INTEREST,
        f"{interest.organisation} offered gifts or hospitality {times} in "
        f"{_window(th.window_days)} (latest {_day(counted.latest)}, "
        f"{_pounds(counted.total_pence)} in all)",
    )


def _present(*flags: RiskFlag | None) -> list[RiskFlag]:
    return [f for f in flags if f is not None]


def offer_flags(
    offer: Offer, offers: Iterable[Offer] | Tally, th: Thresholds
) -> list[RiskFlag]:
    """Every flag on an offer; `offers` are the office's other offers (any declarant), or
    their `repeats_of` this one."""
    return _present(
        repeated_offers(offer, offers, th),
        bidder(offer, th),
        retrospective(offer),
        late_offer(offer, th),
    )


def interest_flags(
    interest: InterestItem, offers: Iterable[Offer] | Tally, th: Thresholds, today: date
) -> list[RiskFlag]:
    return _present(late_interest(interest, th), offeror_interest(interest, offers, th, today))


def outside_work_flags(work: OutsideWorkItem, th: Thresholds) -> list[RiskFlag]:
    return _present(contractor_work(work), late_outside_work(work, th))
