"""The org chart CSV: every kind of bad row is found, on the line a person would look at."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.org_chart import (
    COLUMNS,
    OrgRow,
    ParsedChart,
    RowProblem,
    missing_office_holders,
    parse_org_chart,
    parse_yes_no,
)
from bot.rules.roles import Role

HEADER = ",".join(COLUMNS)


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def lines_of(chart: ParsedChart) -> list[int]:
    return sorted({p.line for p in chart.problems})


def messages_on(chart: ParsedChart, line: int) -> list[str]:
    return [p.message for p in chart.problems if p.line == line]


def test_a_good_file_gives_typed_rows() -> None:
    chart = parse_org_chart(
        csv_of(
            "ceo@opcc.example,Chief Executive,,head_of_office;admin,NPPV3,2027-03-31,yes",
            " Ann@OPCC.example ,Ann Smith, CEO@opcc.example ,,,,no",
        )
    )
    assert chart.ok
    assert chart.columns == frozenset(COLUMNS)
    ceo, ann = chart.rows
    assert ceo == OrgRow(
        line=2,
        email="ceo@opcc.example",
        name="Chief Executive",
        line_manager_email=None,
        roles=frozenset({Role.HEAD_OF_OFFICE, Role.ADMIN}),
        vetting_level="NPPV3",
        vetting_expires=date(2027, 3, 31),
        politically_restricted=True,
    )
    assert ann.line == 3
    assert ann.email == "ann@opcc.example"
    assert ann.line_manager_email == "ceo@opcc.example"
    assert ann.roles == frozenset()
    assert ann.vetting_level is None and ann.vetting_expires is None
    assert ann.politically_restricted is False


def test_only_email_is_required_and_header_names_are_case_insensitive() -> None:
    chart = parse_org_chart(" EMAIL , Line_Manager_Email\na@x.org,\nb@x.org,A@x.org\n")
    assert chart.ok
    assert chart.columns == frozenset({"email", "line_manager_email"})
    assert [r.line_manager_email for r in chart.rows] == [None, "a@x.org"]


def test_bom_crlf_blank_lines_and_spreadsheet_empty_rows_are_tolerated() -> None:
    text = "\ufeffemail,name\r\na@x.org,A\r\n\r\n,\r\nb@x.org,B\r\n\r\n\r\n"
    chart = parse_org_chart(text)
    assert chart.ok
    assert [(r.line, r.email) for r in chart.rows] == [(2, "a@x.org"), (5, "b@x.org")]


def test_a_quoted_field_over_two_lines_keeps_later_line_numbers_right() -> None:
    chart = parse_org_chart('email,name\na@x.org,"Ann\nSmith"\nb@x.org,B,extra\n')
    assert chart.rows[0].name == "Ann\nSmith"
    assert chart.problems == (RowProblem(4, "has 3 fields but the header has 2"),)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        ("no", False),
        ("n", False),
        ("False", False),
        ("0", False),
        ("", False),
        ("  ", False),
        ("maybe", None),
        ("2", None),
    ],
)
def test_yes_no(raw: str, expected: bool | None) -> None:
    assert parse_yes_no(raw) is expected


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("name\nAnn\n", "no 'email' column"),
        ("email,department\na@x.org,HR\n", "unknown column 'department'"),
        ("email,email\na@x.org,b@x.org\n", "'email' appears twice"),
        ("", "the file is empty"),
        ("email,name\n", "header but no people"),
    ],
)
def test_header_problems_are_on_line_1(text: str, needle: str) -> None:
    chart = parse_org_chart(text)
    assert not chart.ok
    assert chart.problems[0].line == 1
    assert chart.problems[0].header  # a problem with the header, not with a person's row
    assert needle in chart.problems[0].message


def test_a_leap_day_is_a_date() -> None:
    chart = parse_org_chart(csv_of("a@x.org,Ann,,,,2028-02-29,"))
    assert chart.ok and chart.rows[0].vetting_expires == date(2028, 2, 29)


def test_a_chart_without_office_holders_is_warned_of_not_refused() -> None:
    chart = parse_org_chart(csv_of("a@x.org,Ann,,,,,", "b@x.org,Bob,a@x.org,,,,"))
    assert chart.ok
    warnings = missing_office_holders(chart)
    assert len(warnings) == 2
    assert warnings[0].startswith("no one has the head_of_office role")
    assert "go to the monitoring officer" in warnings[0]
    assert warnings[1].startswith("no one has the monitoring_officer role")
    assert "unsolicited gifts" in warnings[1] and "nobody to decide" in warnings[1]


def test_a_role_on_a_bad_row_still_counts_as_held() -> None:
    chart = parse_org_chart(
        csv_of("a@x.org,Ann,,head_of_office;monitoring_officer,,2026-02-30,", "b@x.org,B,,,,,")
    )
    assert not chart.ok
    assert missing_office_holders(chart) == []


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        (",Ann,,,,,", "no email"),
        ("ann at x.org,Ann,,,,,", "not an email address"),
        ("a@x.org,Ann,,,,31/12/2026,", "vetting_expires '31/12/2026' is not a date"),
        ("a@x.org,Ann,,,,2026-02-30,", "'2026-02-30': 30 February 2026 does not exist"),
        ("a@x.org,Ann,,,,2027-02-29,", "29 February 2027 does not exist"),
        ("a@x.org,Ann,,,,2026-13-01,", "'2026-13-01': there is no month 13"),
        ("a@x.org,Ann,,,,2026-04-00,", "there is no day 00"),
        ("a@x.org,Ann,,,,0000-04-01,", "there is no year 0000"),
        ("a@x.org,Ann,,,,20260101,", "is not a date"),
        ("a@x.org,Ann,,,,,perhaps", "politically_restricted 'perhaps' is not yes or no"),
        ("a@x.org,Ann,,boss,,,", "unknown role 'boss'"),
        ("a@x.org,Ann,,admin;chair,,,", "unknown role 'chair'"),
        ("a@x.org,Ann,nobody@x.org,,,,", "line manager nobody@x.org is not in the file"),
        ("a@x.org,Ann,not-an-email,,,,", "line manager 'not-an-email' is not an email"),
        ("a@x.org,Ann,A@x.org,,,,", "a@x.org is their own line manager"),
        ("a@x.org,Ann", "has 2 fields but the header has 7"),
        ("a@x.org,Ann,,,,,,", "has 8 fields but the header has 7"),
        ("a@x.org," + "n" * 201 + ",,,,,", "name is longer than 200"),
    ],
)
def test_each_kind_of_bad_row_is_named_on_its_line(row: str, needle: str) -> None:
    chart = parse_org_chart(csv_of("boss@x.org,Boss,,,,,", row))
    assert lines_of(chart) == [3]
    assert any(needle in m for m in messages_on(chart, 3)), chart.problems
    assert [r.email for r in chart.rows] == ["boss@x.org"]  # bad rows are not offered


def test_every_problem_in_a_row_is_reported_not_just_the_first() -> None:
    chart = parse_org_chart(csv_of("a@x.org,Ann,,boss,,tomorrow,perhaps"))
    assert len(messages_on(chart, 2)) == 3


def test_a_duplicate_email_names_both_lines() -> None:
    chart = parse_org_chart(csv_of("a@x.org,A,,,,,", "b@x.org,B,,,,,", " A@X.org ,A2,,,,,"))
    assert lines_of(chart) == [2, 4]
    assert messages_on(chart, 2) == ["duplicate email a@x.org: also on line 4"]
    assert messages_on(chart, 4) == ["duplicate email a@x.org: also on line 2"]


def test_a_manager_on_a_row_with_other_problems_is_still_in_the_file() -> None:
    # Only the bad row is blamed, not everyone it manages.
    chart = parse_org_chart(csv_of("boss@x.org,Boss,,,,bad-date,", "a@x.org,A,boss@x.org,,,,"))
    assert lines_of(chart) == [2]


def test_a_management_cycle_names_every_line_and_spells_out_the_loop() -> None:
    chart = parse_org_chart(
        csv_of(
            "a@x.org,A,b@x.org,,,,",
            "top@x.org,Top,,,,,",
            "b@x.org,B,c@x.org,,,,",
            "c@x.org,C,a@x.org,,,,",
            "d@x.org,D,a@x.org,,,,",  # managed from inside the loop, but not in it
        )
    )
    assert lines_of(chart) == [2, 4, 5]
    assert messages_on(chart, 2) == [
        "management cycle a@x.org → b@x.org → c@x.org → a@x.org (lines 2, 4, 5)"
    ]
    assert messages_on(chart, 4) == [
        "management cycle b@x.org → c@x.org → a@x.org → b@x.org (lines 2, 4, 5)"
    ]


def test_a_two_person_cycle() -> None:
    chart = parse_org_chart(csv_of("a@x.org,A,b@x.org,,,,", "b@x.org,B,a@x.org,,,,"))
    assert lines_of(chart) == [2, 3]
    assert "a@x.org → b@x.org → a@x.org" in messages_on(chart, 2)[0]


def test_a_stray_quote_is_reported_at_its_line() -> None:
    chart = parse_org_chart('email,name\na@x.org,A\nb@x.org,"B"x\n')
    assert [p.line for p in chart.problems] == [3]
    assert "double quote" in chart.problems[0].message


def test_problems_are_sorted_by_line() -> None:
    chart = parse_org_chart(csv_of("a@x.org,,,,,,maybe", "b@x.org,,,,,,", "a@x.org,,,boss,,,"))
    assert [p.line for p in chart.problems] == sorted(p.line for p in chart.problems)


def test_20000_rows_in_one_huge_cycle_each_name_the_loop_abbreviated() -> None:
    # A size where a quadratic walk of the loop (one walk from every row) would take minutes,
    # not the fraction of a second a linear one takes; no timing here (that is a benchmark's).
    n = 20_000
    rows = [f"p{i}@x.org,P{i},p{(i + 1) % n}@x.org,,,," for i in range(n)]
    chart = parse_org_chart(csv_of(*rows))
    assert len(chart.problems) == n
    assert not chart.rows  # everyone in the loop is left out
    assert len(chart.problems[0].message) < 400  # long loops are abbreviated


# -- properties ------------------------------------------------------------------------------


@st.composite
def trees(draw: st.DrawFn) -> tuple[list[int | None], list[int]]:
    """Managers of people 0..n-1 (each manager earlier in hire order, so no loops), and the
    order the rows appear in the file."""
    n = draw(st.integers(min_value=1, max_value=40))
    managers: list[int | None] = [None]
    for i in range(1, n):
        managers.append(draw(st.one_of(st.none(), st.integers(0, i - 1))))
    order = draw(st.permutations(range(n)))
    return managers, list(order)


def tree_csv(managers: list[int | None], order: list[int], crlf: bool = False) -> str:
    rows = []
    for person in order:
        manager = managers[person]
        rows.append(f"p{person}@x.org,P {person},{'' if manager is None else f'p{manager}@x.org'}")
    newline = "\r\n" if crlf else "\n"
    return newline.join(["email,name,line_manager_email", *rows]) + newline


def descendants(managers: list[int | None], person: int) -> list[int]:
    reports: dict[int, list[int]] = {}
    for p, m in enumerate(managers):
        if m is not None:
            reports.setdefault(m, []).append(p)
    found, stack = [], [person]
    while stack:
        for r in reports.get(stack.pop(), []):
            found.append(r)
            stack.append(r)
    return found


@given(trees(), st.booleans())
def test_any_tree_of_managers_parses_clean(
    tree: tuple[list[int | None], list[int]], crlf: bool
) -> None:
    managers, order = tree
    chart = parse_org_chart(tree_csv(managers, order, crlf))
    assert chart.ok, chart.problems
    assert [r.line for r in chart.rows] == list(range(2, len(order) + 2))
    for row, person in zip(chart.rows, order, strict=True):
        assert row.email == f"p{person}@x.org"
        manager = managers[person]
        assert row.line_manager_email == (None if manager is None else f"p{manager}@x.org")


@settings(max_examples=200)
@given(trees(), st.data())
def test_any_back_edge_makes_a_cycle_naming_exactly_its_lines(
    tree: tuple[list[int | None], list[int]], data: st.DataObject
) -> None:
    managers, order = tree
    with_reports = [p for p in range(len(managers)) if descendants(managers, p)]
    if not with_reports:
        return
    boss = data.draw(st.sampled_from(with_reports))
    report = data.draw(st.sampled_from(descendants(managers, boss)))
    managers = [*managers]
    managers[boss] = report  # boss now reports to someone below them: a loop

    loop = [report]
    while loop[-1] != boss:
        loop.append(managers[loop[-1]])  # type: ignore[arg-type]
    line_of = {person: i + 2 for i, person in enumerate(order)}

    chart = parse_org_chart(tree_csv(managers, order))
    assert lines_of(chart) == sorted(line_of[p] for p in loop)
    for person in loop:
        (message,) = messages_on(chart, line_of[person])
        assert message.startswith(f"management cycle p{person}@x.org → ")
    assert {r.line for r in chart.rows}.isdisjoint(line_of[p] for p in loop)


@given(trees(), st.data())
def test_a_bad_row_anywhere_is_reported_on_its_own_line(
    tree: tuple[list[int | None], list[int]], data: st.DataObject
) -> None:
    managers, order = tree
    lines = tree_csv(managers, order).splitlines()
    target = data.draw(st.integers(1, len(lines) - 1))
    lines[target] += ",extra"
    chart = parse_org_chart("\n".join(lines))
    assert lines_of(chart) == [target + 1]


def test_property_helpers_agree_with_a_plain_example() -> None:
    managers: list[int | None] = [None, 0, 0, 1]
    assert parse_org_chart(tree_csv(managers, [3, 1, 0, 2])).ok
    assert sorted(descendants(managers, 0)) == [1, 2, 3]
