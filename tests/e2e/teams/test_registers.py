"""The registers on Teams end to end: `conduct search` and the Home's "Search registers" open
the search form in a dialog; the results, paged, replace it; "View" opens a record with its
audit trail (also from the Home); the access rule decides who sees what, as on Slack; every
dialog card is schema-valid and under Teams' size limit, however long a page of results."""

from __future__ import annotations

from typing import Any

from bot.settings import Settings
from bot.usecases.gifts import declare_gift
from storage.db import Database
from storage.models import AuditEntry, Staff
from tests.e2e.teams.dialogs import closed_with, dialog_of, fetch, rows
from tests.e2e.teams.harness import ORG, Person, TeamsNolan, cards_of
from tests.e2e.teams.test_home import actions, shown
from tests.faketeams import FakeTeams
from tests.usecases.world import hospitality

ALICE, BOB, MO = ORG


def declare(nolan: TeamsNolan, person: Staff, **changes: object) -> int:
    """`person` declares hospitality (as the gift dialog would: the use case itself)."""
    done = declare_gift(
        nolan.db,
        declarant=person,
        offer=hospitality(**changes),
        settings=Settings(policy=nolan.policy),
        now=nolan.clock(),
    )
    return done.declaration_id


def submit(nolan: TeamsNolan, person: Person, data: dict[str, Any]) -> Any:
    """A dialog's button pressed, or its form sent (`data`: the action's data and inputs)."""
    value = {"data": data, "context": {"theme": "default"}}
    status, reply = nolan.post(nolan.activity(person, "invoke", name="task/submit", value=value))
    assert status == 200, reply
    return reply


def button(card: dict[str, Any], title: str, nth: int = 0) -> dict[str, Any]:
    found = [a for a in actions(card) if a.get("title") == title]
    assert len(found) > nth, (title, [a.get("title") for a in actions(card)])
    return found[nth]


def press(nolan: TeamsNolan, person: Person, card: dict[str, Any], title: str) -> Any:
    """A button inside a dialog: an Action.Submit, sent as the dialog's task/submit."""
    spec = button(card, title)
    assert spec["type"] == "Action.Submit" and "msteams" not in spec["data"]
    return submit(nolan, person, spec["data"])


def search(nolan: TeamsNolan, person: Person, **answers: Any) -> Any:
    form = dialog_of(
        fetch(nolan, person, {"msteams": {"type": "task/fetch"}, "_action": "registers_search"})
    )
    [send] = [a for a in form["actions"] if a["type"] == "Action.Submit"]
    return submit(nolan, person, {**send["data"], **answers})


def test_conduct_search_opens_the_form_and_a_record_from_the_results(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    declare(nolan, org["alice"])
    declare(nolan, org["alice"], offered_by="Brick Builders plc")
    nolan.say(MO, "conduct search")
    prompt = cards_of(fake.wait_for("send", lambda c: "Search every register" in shown(c)))[0]
    opener = button(prompt, "Search the registers…")
    assert opener["data"]["msteams"] == {"type": "task/fetch"}
    form = dialog_of(fetch(nolan, MO, opener["data"]))
    assert "Offered by" in str(form)
    [send] = [a for a in form["actions"] if a["type"] == "Action.Submit"]
    results = dialog_of(submit(nolan, MO, {**send["data"], "offeror": "brick"}))
    said = shown(results)
    assert "1–1 of 1" in said and "Brick Builders plc" in said and "Acme" not in said
    record = dialog_of(press(nolan, MO, results, "View"))
    said = shown(record)
    assert "Approval steps" in said and "Audit trail" in said and "Viewed by Morgan Monitor" in said
    assert "Declared by Alice Able" in said
    assert [e.actor_id for e in rows(db, AuditEntry) if e.action == "viewed"] == [org["mo"].id]
    # Back to the results (a dialog has no stack of views as Slack's modals have).
    back = dialog_of(press(nolan, MO, record, "Back to the results"))
    assert "1–1 of 1" in shown(back) and "Brick Builders plc" in shown(back)
    # "Change search": the form again, filled in as it was.
    again = dialog_of(press(nolan, MO, results, "Change search"))
    assert '"value": "brick"' in str(again).replace("'", '"')


def test_the_form_refuses_reversed_dates_at_the_field(
    nolan: TeamsNolan, org: dict[str, Staff]
) -> None:
    reply = search(nolan, MO, date_from="2026-11-20", date_to="2026-11-01")
    again = dialog_of(reply)
    assert "before the “From” date" in shown(again)
    assert "2026-11-20" in str(again)  # the answers kept


def test_a_long_page_of_results_is_paged_and_stays_under_the_limit(
    nolan: TeamsNolan, db: Database, org: dict[str, Staff]
) -> None:
    for _ in range(45):
        long = {"description": "A very long dinner " * 60, "offered_by": "Acme " * 20}
        declare(nolan, org["alice"], **long)
    first = dialog_of(search(nolan, MO))
    assert "1–20 of 45" in shown(first)
    assert len([a for a in actions(first) if a.get("title") == "View"]) == 20
    second = dialog_of(press(nolan, MO, first, "Next"))
    assert "21–40 of 45" in shown(second)
    third = dialog_of(press(nolan, MO, second, "Next"))
    assert "41–45 of 45" in shown(third)
    assert not [a for a in actions(third) if a.get("title") == "Next"]
    back = dialog_of(press(nolan, MO, third, "Previous"))
    assert "21–40 of 45" in shown(back)


def test_only_the_register_keepers_search(
    nolan: TeamsNolan, fake: FakeTeams, org: dict[str, Staff]
) -> None:
    declare(nolan, org["alice"])
    nolan.say(ALICE, "conduct search")
    refused = fake.wait_for("send", lambda c: "Only the monitoring officer" in shown(c))
    assert not [a for a in actions(cards_of(refused)[0])]
    data = {"msteams": {"type": "task/fetch"}, "_action": "registers_search"}
    assert "Only the monitoring officer" in closed_with(fetch(nolan, ALICE, data))
    # A results page's button, forged by someone who doesn't keep the registers.
    forged = {"_form": "registers_page_next", "_payload": "0", "_state": "{}"}
    assert "Only the monitoring officer" in closed_with(submit(nolan, ALICE, forged))
    sent = {"_form": "registers_search_form"}
    assert "Only the monitoring officer" in closed_with(submit(nolan, ALICE, sent))


def test_someone_without_access_sees_nothing_of_anothers_record(
    nolan: TeamsNolan, db: Database, org: dict[str, Staff]
) -> None:
    theirs = declare(nolan, org["alice"], description="Dinner at the Secret Club")
    for opener in (fetch, submit):
        data = {
            "_action" if opener is fetch else "_form": "registers_record",
            "_payload": str(theirs),
        }
        if opener is fetch:
            data["msteams"] = {"type": "task/fetch"}
        reply = opener(nolan, BOB, data)
        said = closed_with(reply)
        assert "You can't see this declaration" in said and "Secret" not in str(reply)
    # Alice sees her own, without the officers' button; nothing is audited.
    own = dialog_of(submit(nolan, ALICE, {"_form": "registers_record", "_payload": str(theirs)}))
    assert "Secret Club" in shown(own) and "Withhold" not in str(own)
    assert not [e for e in rows(db, AuditEntry) if e.action == "viewed"]
    # A button that isn't ours.
    junk = submit(nolan, MO, {"_form": "registers_record", "_payload": "nonsense"})
    assert "older message" in closed_with(junk)
    trail = submit(nolan, MO, {"_form": "registers_trail_page_later", "_payload": "1"})
    assert "out of date" in closed_with(trail)


def test_the_homes_register_buttons_open_their_dialogs(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff]
) -> None:
    declaration = declare(nolan, org["mo"])
    nolan.say(MO, "home")
    home = cards_of(fake.wait_for("send", lambda c: "Search registers" in str(c.body)))[0]
    search_button = button(home, "Search registers")
    form = dialog_of(fetch(nolan, MO, search_button["data"]))
    assert "Search the registers" in str(form)
    view = button(home, "View")
    assert view["data"]["_payload"] == str(declaration)
    record = dialog_of(fetch(nolan, MO, view["data"]))
    assert "Audit trail" in shown(record)
    assert not [a for a in actions(record) if a.get("title") == "Back to the results"]


def test_forged_paging_is_answered_politely(nolan: TeamsNolan, org: dict[str, Staff]) -> None:
    declare(nolan, org["alice"])
    forged = {"_form": "registers_page_next", "_payload": "-5", "_state": '{"offset": -5}'}
    assert "1–1 of 1" in shown(dialog_of(submit(nolan, MO, forged)))
    for junk in (
        {"_form": "registers_page_next", "_payload": "x", "_state": "[]"},
        {"_form": "registers_back", "_payload": '{"nope": 1}'},
    ):
        assert "out of date" in closed_with(submit(nolan, MO, junk))


KEYS = [
    ("task/fetch", "_action", "registers_search"),
    ("task/fetch", "_action", "registers_record"),
    ("task/fetch", "_action", "reassign_open"),
    ("task/submit", "_form", "registers_search_form"),
    ("task/submit", "_form", "registers_page_next"),
    ("task/submit", "_form", "registers_refine"),
    ("task/submit", "_form", "registers_record"),
    ("task/submit", "_form", "registers_trail_page_earlier"),
    ("task/submit", "_form", "registers_back"),
    ("task/submit", "_form", "registers_withhold"),
    ("task/submit", "_form", "registers_withhold_form"),
    ("task/submit", "_form", "registers_republish_form"),
    ("task/submit", "_form", "reassign_submit"),
]
JUNK: list[dict[str, Any]] = [
    {},
    {"_payload": "{", "_state": "{"},
    {"_payload": "99999", "_state": '{"declaration_id": 99999, "offset": 3}'},
    {"_payload": '{"declaration_id": "x"}', "person": ["not", "a", "string"], "date_from": 7},
    {"_payload": "1" * 5000, "text": "w" * 50_000, "reason": None, "ground": {"a": 1}},
]


def test_junk_in_every_register_dialog_is_answered_politely(
    nolan: TeamsNolan, org: dict[str, Staff]
) -> None:
    declare(nolan, org["alice"])
    for invoke, key, name in KEYS:
        for junk in JUNK:
            for person in (MO, ALICE):
                data = {**junk, key: name}
                value = {"data": data, "context": {"theme": "default"}}
                status, reply = nolan.post(
                    nolan.activity(person, "invoke", name=invoke, value=value)
                )
                assert status == 200, (name, junk, reply)
                assert "Something went wrong" not in str(reply), (name, junk, reply)
