"""Who may see a declaration (bot.rules.access), as a table."""

from __future__ import annotations

import pytest

from bot.rules.access import Access, Subject, Viewer, Why, is_officer, may_see, may_withhold

DECLARANT, MANAGER, DEPUTY, MO, HEAD, ADMIN, VETTING, OTHER = range(1, 9)
ROLES = {
    MO: frozenset({"monitoring_officer"}),
    HEAD: frozenset({"head_of_office"}),
    ADMIN: frozenset({"admin"}),
    VETTING: frozenset({"vetting_officer"}),
}


def viewer(staff_id: int, roles: frozenset[str] | None = None) -> Viewer:
    return Viewer(staff_id, ROLES.get(staff_id, frozenset()) if roles is None else roles)


GIFT = Subject(DECLARANT, "gift", frozenset({MANAGER}))
DELEGATED = Subject(DECLARANT, "gift", frozenset({DEPUTY, MANAGER}))  # deputy holds it
NOTICE = Subject(DECLARANT, "notice", frozenset({HEAD, VETTING}))
HEADS_NOTICE = Subject(HEAD, "notice", frozenset({MO, VETTING}))  # the head's own goes to MO
MOS_INTEREST = Subject(MO, "interest", frozenset({HEAD}))

CASES = [
    # (who, subject, expected)
    (viewer(DECLARANT), GIFT, Access(True, Why.OWN)),
    (viewer(MANAGER), GIFT, Access(True, Why.ROUTED)),
    (viewer(DEPUTY), DELEGATED, Access(True, Why.ROUTED)),
    (viewer(MANAGER), DELEGATED, Access(True, Why.ROUTED)),  # whose deputy holds it
    (viewer(DEPUTY), GIFT, Access(False)),  # not routed to them
    (viewer(OTHER), GIFT, Access(False)),
    (viewer(MO), GIFT, Access(True, Why.OFFICER, audited=True)),
    (viewer(HEAD), GIFT, Access(True, Why.OFFICER, audited=True)),
    (viewer(ADMIN), GIFT, Access(False)),  # admins manage, not read
    (
        viewer(ADMIN, frozenset({"admin", "monitoring_officer"})),
        GIFT,
        Access(True, Why.OFFICER, True),
    ),
    (viewer(VETTING), GIFT, Access(False)),
    # The monitoring officer decided in the approver's place: routed, and still audited.
    (
        viewer(MO),
        Subject(DECLARANT, "gift", frozenset({MANAGER, MO})),
        Access(True, Why.ROUTED, True),
    ),
    # An officer's own declaration is theirs, not audited.
    (viewer(MO), MOS_INTEREST, Access(True, Why.OWN)),
    (viewer(HEAD), MOS_INTEREST, Access(True, Why.ROUTED, audited=True)),
    # Notices: the recipients and the head of office, not the register keeper.
    (viewer(HEAD), NOTICE, Access(True, Why.ROUTED, audited=True)),
    (viewer(VETTING), NOTICE, Access(True, Why.ROUTED)),
    (viewer(MO), NOTICE, Access(False)),
    (viewer(MANAGER), NOTICE, Access(False)),
    (
        viewer(HEAD),
        Subject(DECLARANT, "notice", frozenset({VETTING})),
        Access(True, Why.OFFICER, True),
    ),
    (viewer(MO), HEADS_NOTICE, Access(True, Why.ROUTED, audited=True)),
    (viewer(HEAD), HEADS_NOTICE, Access(True, Why.OWN)),
    (viewer(ADMIN), NOTICE, Access(False)),
    # Every kind the registers hold is open to both officers.
    *[
        (viewer(who), Subject(DECLARANT, kind), Access(True, Why.OFFICER, True))
        for who in (MO, HEAD)
        for kind in ("gift", "interest", "outside_work")
    ],
]


@pytest.mark.parametrize(("who", "subject", "expected"), CASES)
def test_may_see(who: Viewer, subject: Subject, expected: Access) -> None:
    assert may_see(who, subject) == expected


@pytest.mark.parametrize(
    ("roles", "officer"),
    [
        ({"monitoring_officer"}, True),
        ({"head_of_office"}, True),
        ({"admin"}, False),
        ({"vetting_officer"}, False),
        (set(), False),
    ],
)
def test_who_is_an_officer(roles: set[str], officer: bool) -> None:
    assert is_officer(roles) is officer


@pytest.mark.parametrize(
    ("roles", "kind", "allowed"),
    [
        ({"monitoring_officer"}, "gift", True),
        ({"head_of_office"}, "interest", True),
        ({"head_of_office"}, "outside_work", True),
        ({"head_of_office"}, "notice", False),  # never published
        ({"admin"}, "gift", False),
        (set(), "gift", False),
    ],
)
def test_who_may_withhold(roles: set[str], kind: str, allowed: bool) -> None:
    assert may_withhold(roles, kind) is allowed


def test_no_officer_withholds_their_own_declaration() -> None:
    assert may_withhold({"monitoring_officer"}, "gift", own=True) is False
    assert may_withhold({"head_of_office"}, "interest", own=False) is True
