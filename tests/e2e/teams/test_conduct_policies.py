"""`conduct policies` on Teams end to end: the list for admins (its buttons open the forms:
tests/e2e/teams/test_policies.py), a refusal for anyone else."""

from __future__ import annotations

from datetime import date

from storage.db import Database
from storage.models import Policy, Staff
from tests.e2e.teams.dialogs import set_staff
from tests.e2e.teams.harness import ORG, TeamsNolan, cards_of
from tests.e2e.teams.test_home import actions, shown
from tests.faketeams import FakeTeams

ALICE, BOB, MO = ORG


def test_an_admin_gets_the_policies_and_their_reviews(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    set_staff(db, ALICE, roles="admin")
    with db.session() as session:
        session.add(Policy(title="Staff Code of Conduct", owner_id=org["mo"].id,
                           url="https://intranet.example/code", next_review=date(2026, 11, 25),
                           review_months=24, is_code_of_conduct=True))
        session.add(Policy(title="Old Expenses Policy", active=False))
        session.commit()
    nolan.say(ALICE, "conduct policies")
    listed = fake.wait_for("send")
    text = shown(listed)
    assert "Staff Code of Conduct" in text and "Owner: Morgan Monitor" in text
    assert "Due soon" in text and "next review 25 November 2026" in text
    assert "Retired" in text and "Old Expenses Policy" in text
    # Adding, and editing each one, open the policy form (tests/e2e/teams/test_policies.py).
    titles = [a["title"] for a in actions(cards_of(listed))]
    assert titles == ["Add a policy…", "Edit…", "Edit…"]
    nolan.settle()


def test_anyone_else_is_told_only_admins_may(nolan: TeamsNolan, fake: FakeTeams) -> None:
    nolan.say(ALICE, "conduct policies")
    said = shown(fake.wait_for("send"))
    assert "admin" in said and "Policies" not in said
    nolan.settle()


def test_a_long_list_stays_one_card_under_the_size_limit(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    set_staff(db, ALICE, roles="admin")
    with db.session() as session:
        for n in range(45):  # past the list's limit, each as long as the form allows
            session.add(Policy(title=f"{n:02} " + "Policy " * 28, owner_id=org["mo"].id,
                               url="https://intranet.example/" + "p" * 470,
                               next_review=date(2027, 1, 1), channel_id="19:x@thread.tacv2"))
        session.commit()
    nolan.say(ALICE, "conduct policies")
    listed = fake.wait_for("send")
    [card] = cards_of(listed)  # schema-checked, under Teams' message limit
    assert "…and 5 more not shown." in shown(card)
    assert len([a for a in actions(card) if a["title"] == "Edit…"]) == 40
    nolan.settle()
