"""The annual report's size is bounded whatever the register's: its lists (items waiting,
repeat offerors, policies overdue) show the first LISTED, longest waiting or most frequent
first, and say how many more there are and where they are; the counts stay exact."""

from __future__ import annotations

import random
import re
import statistics
from datetime import UTC, date, datetime, timedelta

from bot.report.render import headline, tables, to_html
from bot.report.summary import LISTED, Item, Summary, Tally, percentile, summarise
from bot.rules.financial_year import FinancialYear
from handlers.report.messages import TABLE_LINES, report_message

FY = FinancialYear(2026)
AS_OF = date(2027, 3, 1)
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
WAITING = 600  # far more than LISTED
OFFERORS = 120  # repeat offerors, each with 3 + n offers
POLICIES = 70


def items() -> list[Item]:
    waiting = [
        Item(
            reference=f"GH-{n:05d}",
            kind="gift",
            status="pending",
            submitted_at=T0,
            waiting_since=date(2026, 5, 1) + timedelta(days=n % 250),
        )
        for n in range(WAITING)
    ]
    offers = [
        Item(
            reference=f"GH-9{o:03d}{k:03d}",
            kind="gift",
            status="approved",
            submitted_at=T0,
            decided_at=T0 + timedelta(days=1),
            offered_by=f"Supplier {o}",
            value_pence=1000,
            response="wants_to_accept",
        )
        for o in range(OFFERORS)
        for k in range(3 + o % 5)
    ]
    everything = waiting + offers
    random.Random(10).shuffle(everything)  # the order the registers give is no help
    return everything


def summary() -> Summary:
    return summarise(
        items(),
        year=FY,
        as_of=AS_OF,
        local_day=lambda at: at.date(),
        escalation_days=3,
        repeat_threshold=3,
        policies_overdue=[f"Policy {n}" for n in range(POLICIES)],
    )


def test_the_summary_keeps_the_longest_waiting_and_counts_them_all() -> None:
    found = summary()
    assert found.overdue_count == WAITING
    assert len(found.overdue) == LISTED
    days = [o.working_days for o in found.overdue]
    assert days == sorted(days, reverse=True)
    # the longest waiting of all: every item started on or after 1 May, those of the
    # first days waited longest
    everyone = Tally.of(items(), as_of=AS_OF, listed=WAITING).overdue()
    assert found.overdue == everyone[:LISTED]
    assert found.repeat_offerors_count == OFFERORS
    assert len(found.repeat_offerors) == LISTED
    assert found.repeat_offerors[0].offers == 7


def test_the_tally_holds_no_more_than_twice_the_list_whatever_waits() -> None:
    tally = Tally(as_of=AS_OF, listed=5)
    for item in items():
        tally.add(item)
        assert len(tally.waiting) < 10
    assert tally.waiting_count == WAITING and len(tally.overdue()) == 5


def test_the_html_lists_the_first_and_says_how_many_more_and_where() -> None:
    found = summary()
    page = to_html(found, [], office="Office of the PCC")
    listed_refs = re.findall(r"<td>(GH-\d{5})</td>", page)
    assert listed_refs == [o.reference for o in found.overdue]
    assert f"And {WAITING - LISTED:,} more, not listed here: see the register exports" in page
    assert f"And {OFFERORS - LISTED:,} more, not listed here: see the gifts" in page
    assert len(re.findall(r"<td>Supplier \d+</td>", page)) == LISTED
    assert f"And {POLICIES - LISTED:,} more, not listed here: see the list of policies" in page
    assert len(re.findall(r"<td>Policy \d+</td>", page)) == LISTED
    # the headline figures are the exact counts
    figures = dict(headline(found).rows)
    assert figures["Waiting 3 working days or more"] == f"{WAITING:,}"
    assert figures["Repeat offerors (3 or more offers)"] == str(OFFERORS)
    assert figures["Policies overdue for review"] == str(POLICIES)


def test_a_short_list_is_listed_whole_with_nothing_said_of_more() -> None:
    few = summarise(
        [i for i in items() if i.status == "pending"][:3],
        year=FY,
        as_of=AS_OF,
        local_day=lambda at: at.date(),
        escalation_days=3,
        repeat_threshold=3,
    )
    waiting = tables(few)[2]
    assert len(waiting.rows) == 3 and waiting.more == 0 and waiting.more_note == ""
    assert "more, not listed here" not in to_html(few, [], office="O")


def test_slack_says_how_many_more_of_the_whole_count() -> None:
    text = str(report_message(summary(), office="O").as_kwargs())
    assert f"… and {WAITING - TABLE_LINES:,} more." in text
    assert f"… and {OFFERORS - TABLE_LINES:,} more." in text


def test_decision_times_are_counted_and_their_median_and_p90_as_before() -> None:
    decided = [
        Item(
            reference=f"GH-{n}",
            kind="gift",
            status="approved",
            submitted_at=T0,
            decided_at=T0 + timedelta(hours=(n * 37) % 500),
        )
        for n in range(1, 102)
    ]
    for some in (decided, decided[:-1]):  # an odd and an even count
        found = summarise(
            some,
            year=FY,
            as_of=AS_OF,
            local_day=lambda at: at.date(),
            escalation_days=3,
            repeat_threshold=3,
        )
        days = [(i.decided_at - i.submitted_at).total_seconds() / 86400 for i in some]  # type: ignore[operator]
        # Whole hours, so counting to the minute loses nothing: the same figures as the list.
        assert list(found.decision_days) == sorted(days)
        assert found.median_days == statistics.median(days)
        assert found.p90_days == percentile(days, 90)
