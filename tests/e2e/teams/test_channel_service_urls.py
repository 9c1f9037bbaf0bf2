"""A Teams channel's posts go to its team's own Bot Connector (the serviceUrl of the team's
activities: it differs by region and tenant), not to TEAMS_SERVICE_URL: kept when Nolan is
installed in the team, or, for a channel configured for posts, from the activity that
configured it until the team's install says better. The fake connector serves each channel
only at its region's path (/connector/amer/, /connector/emea/), as the real services differ."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bot.settings import Policy as Office
from storage.db import Database
from storage.models import Staff
from tests.e2e.harness import Clock
from tests.e2e.teams.dialogs import closed_with, dialog_of, fetch, send_form, set_staff
from tests.e2e.teams.harness import ORG, TeamsNolan, cards_of
from tests.e2e.teams.test_home import shown
from tests.e2e.teams.test_policies import (
    CHANNEL,
    CHANNEL_LINK,
    GOVERNANCE,
    MONDAY,
    REVIEW,
    add_policy,
    at,
    button,
    mark_button,
    open_list,
    sends_to,
    sweep,
)
from tests.faketeams import FakeTeams

ALICE, BOB, MO = ORG


@pytest.fixture
def nolan(fake: FakeTeams, db: Database, clock: Clock, org: dict[str, Staff]) -> Iterator[
    TeamsNolan
]:
    clock.now = at(MONDAY)
    fake.add_channel(GOVERNANCE)  # served anywhere: TEAMS_SERVICE_URL will do for it
    bot = TeamsNolan(fake, db, clock, policy=Office(governance_channel=GOVERNANCE)).start()
    yield bot
    bot.stop()


def install_in_team(nolan: TeamsNolan, fake: FakeTeams, region: str) -> None:
    """Nolan added to the channel's team, whose activities come from `region`'s service."""
    install = nolan.activity(ALICE, "conversationUpdate", service_url=fake.service_url(region),
                             extra={"membersAdded": [{"id": f"28:{fake.app_id}"}]})
    install["conversation"] = {**install["conversation"], "conversationType": "channel",
                               "id": f"{CHANNEL};messageid=1700000000001"}
    install["channelData"] = {**install["channelData"], "team": {"id": CHANNEL},
                              "channel": {"id": CHANNEL}}
    assert nolan.post(install)[0] == 200


def test_a_post_in_a_teams_channel_goes_to_its_teams_service_url_and_is_updated_there(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    fake.add_channel(CHANNEL, region="amer")
    install_in_team(nolan, fake, "amer")
    add_policy(db, org["alice"])
    report = sweep(nolan)
    assert report.failures == []

    [post] = sends_to(fake, CHANNEL)
    assert post.status == 201 and post.path.startswith("/connector/amer/")
    [digest] = sends_to(fake, GOVERNANCE)  # a channel unheard of: TEAMS_SERVICE_URL
    assert digest.path.startswith("/connector/default/")

    # The owner marks it reviewed: the channel's card is replaced where it is.
    form = dialog_of(fetch(nolan, ALICE, mark_button(post)))
    said = closed_with(send_form(nolan, ALICE, form, {"reviewed_on": "2027-04-16"}))
    assert "Marked reviewed" in said
    nolan.settle()
    [update] = [u for u in fake.calls("update") if u.conversation_id == CHANNEL]
    assert update.status == 200 and update.path.startswith("/connector/amer/")


def test_a_channel_configured_for_posts_takes_the_configurers_service_url_until_its_team_says(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    set_staff(db, ALICE, roles="admin")
    fake.add_channel(CHANNEL, region="emea")  # the tenant's region, as the admin's chat
    form = dialog_of(fetch(nolan, ALICE, button(open_list(nolan, fake), "Add a policy…")))
    answers = {"title": "Gifts Policy", "owner": ALICE.object_id,
               "next_review": REVIEW.isoformat(), "channel": CHANNEL_LINK}
    assert "Saved" in closed_with(send_form(nolan, ALICE, form, answers))
    sweep(nolan)
    [post] = sends_to(fake, CHANNEL)
    assert post.status == 201 and post.path.startswith("/connector/emea/")

    # The team moves to another region and says so: its own service URL wins from then on,
    # and a later save of the policy (from the admin's chat elsewhere) does not undo it.
    fake.add_channel(CHANNEL, region="amer")
    install_in_team(nolan, fake, "amer")
    nolan.settle()
    [listed] = cards_of([c for c in fake.calls("send") if "The office's policies" in shown(c)][-1])
    form = dialog_of(fetch(nolan, ALICE, button(listed, "Edit…")))
    assert "Saved" in closed_with(send_form(nolan, ALICE, form, {**answers,
                                                                 "title": "Gifts Policy 2"}))
    later = date(2027, 5, 20)  # 29 days before the review: the next reminder is due
    nolan.clock.now = at(later)
    sweep(nolan, later)
    posts = sends_to(fake, CHANNEL)
    assert len(posts) == 2 and posts[-1].status == 201
    assert posts[-1].path.startswith("/connector/amer/")
