"""`staff import` on Teams: each email resolved by Microsoft Graph (the fake in tests/faketeams,
over real HTTP, with the app's own client-credentials token) to the person's Entra object id,
stored in staff.teams_id. An email Graph does not know is a bad row: the whole file refused,
every bad row named, as on Slack."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from bot.staff_import import run_import
from bot.teams.graph import GRAPH_SCOPE, GraphDirectory
from storage.db import Database
from storage.models import Staff
from storage.org_import import ManagerChange
from tests.faketeams import APP_ID, APP_PASSWORD, FakeTeams

HEADER = "email,name,line_manager_email,roles"
CHART = [
    "ceo@force.police.uk,Chief Executive,,head_of_office",
    "mo@force.police.uk,Monitoring Officer,ceo@force.police.uk,monitoring_officer",
    "ann@force.police.uk,Ann Smith,mo@force.police.uk,",
]
OIDS = {
    "ceo@force.police.uk": "11111111-0000-0000-0000-000000000001",
    "mo@force.police.uk": "11111111-0000-0000-0000-000000000002",
    "ann@force.police.uk": "11111111-0000-0000-0000-000000000003",
}


@pytest.fixture
def fake() -> Iterator[FakeTeams]:
    with FakeTeams() as server:
        for email, oid in OIDS.items():
            server.add_user(email, oid)
        yield server
        server.assert_clean()


def client_credentials(fake: FakeTeams, secret: str = APP_PASSWORD) -> object:
    """The app's token, as bot.teams.tokens gets it: a plain client-credentials POST."""

    def token(scope: str) -> str:
        response = httpx.post(fake.token_url, data={
            "grant_type": "client_credentials", "client_id": APP_ID,
            "client_secret": secret, "scope": scope,
        })
        response.raise_for_status()
        return str(response.json()["access_token"])

    return token


def no_moves(changes: Sequence[ManagerChange], *, warn: object) -> int:
    return 0


class Importer:
    def __init__(self, db: Database, tmp_path: Path, directory: GraphDirectory) -> None:
        self.db, self.tmp_path, self.directory = db, tmp_path, directory
        self.out = self.err = ""

    def run(self, *rows: str) -> int:
        path = self.tmp_path / "staff.csv"
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        code = run_import(
            path, db=self.db, directory=self.directory, follow=no_moves, out=out, err=err
        )
        self.out, self.err = out.getvalue(), err.getvalue()
        return code

    def teams_ids(self) -> dict[str, str | None]:
        with self.db.session() as session:
            return {s.email: s.teams_id for s in session.exec(select(Staff))}


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def importer(
    db: Database, tmp_path: Path, fake: FakeTeams, waits: list[float]
) -> Importer:
    directory = GraphDirectory(fake.graph_url, client_credentials(fake), sleep=waits.append)
    return Importer(db, tmp_path, directory)


def test_each_email_is_resolved_to_its_entra_object_id(
    importer: Importer, fake: FakeTeams
) -> None:
    assert importer.run(*CHART) == 0, importer.err
    assert importer.out.startswith("Imported 3 people from staff.csv: 3 added")
    assert importer.teams_ids() == OIDS
    lookups = fake.calls("graph_user")
    assert sorted(c.path.rsplit("/", 1)[1] for c in lookups) == sorted(OIDS)
    assert all(c.status == 200 for c in lookups)
    assert [c.body["scope"] for c in fake.calls("token")] == [GRAPH_SCOPE] * len(lookups)

    fake.reset()
    assert importer.run(*CHART, "bob@force.police.uk,Bob,ann@force.police.uk,") == 1
    assert fake.calls("graph_user")[0].path.endswith("/users/bob@force.police.uk")
    assert len(fake.calls("graph_user")) == 1  # the others' ids are known already


def test_an_email_graph_does_not_know_is_a_bad_row_and_nothing_is_imported(
    importer: Importer, fake: FakeTeams
) -> None:
    rows = [*CHART, "zed@force.police.uk,Zed,ann@force.police.uk,", "yan@elsewhere.example,Yan,,"]
    assert importer.run(*rows) == 1
    path = importer.tmp_path / "staff.csv"
    assert importer.err.splitlines() == [
        f"{path}:5: no Teams user has the email zed@force.police.uk",
        f"{path}:6: no Teams user has the email yan@elsewhere.example",
        f"nolan: 2 bad rows in {path}; nothing was imported",
    ]
    assert importer.out == ""
    assert importer.teams_ids() == {}
    assert {c.status for c in fake.calls("graph_user")} == {200, 404}


def test_graph_throttling_is_waited_out_as_graph_asks(
    importer: Importer, fake: FakeTeams, waits: list[float]
) -> None:
    fake.fail_next("graph_user", 429, retry_after=3)
    fake.fail_next("graph_user", 503)
    assert importer.run(*CHART) == 0, importer.err
    assert waits == [3.0, 2.0]  # Retry-After as given; then the back-off's second step
    assert [c.status for c in fake.calls("graph_user")][:3] == [429, 503, 200]
    assert importer.teams_ids() == OIDS


def test_graph_that_keeps_refusing_stops_the_import_in_one_line(
    importer: Importer, fake: FakeTeams
) -> None:
    fake.fail_next("graph_user", 403)
    assert importer.run(*CHART) == 1
    assert importer.err.count("\n") == 1
    assert importer.err.startswith("nolan: error: Microsoft Graph refused the app (403 ")
    assert "User.Read.All" in importer.err and importer.err.endswith("nothing was imported\n")
    assert importer.teams_ids() == {}


def test_no_token_or_no_graph_is_one_line(
    db: Database, tmp_path: Path, fake: FakeTeams
) -> None:
    wrong = GraphDirectory(fake.graph_url, client_credentials(fake, secret="wrong"))
    importer = Importer(db, tmp_path, wrong)
    assert importer.run(*CHART) == 1
    assert importer.err.startswith("nolan: error: no token for Microsoft Graph: ")
    assert "TEAMS_APP_PASSWORD" in importer.err and importer.err.count("\n") == 1

    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/v1.0"
    importer.directory = GraphDirectory(closed, client_credentials(fake))
    assert importer.run(*CHART) == 1
    assert importer.err.startswith(f"nolan: error: cannot reach Microsoft Graph at {closed} (")
    assert "TEAMS_GRAPH_URL" in importer.err and importer.err.count("\n") == 1
    assert importer.teams_ids() == {}


def test_an_email_that_is_not_the_upn_is_found_by_its_mail_address(
    importer: Importer, fake: FakeTeams
) -> None:
    # Ben signs in as b.jones@… but his mail address, the one in the org chart, differs.
    fake.add_user("ben.jones@force.police.uk", "11111111-0000-0000-0000-000000000004",
                  upn="b.jones@force.police.uk")
    fake.add_user("o'neil@force.police.uk", "11111111-0000-0000-0000-000000000005",
                  upn="k.oneil@force.police.uk")
    rows = [*CHART, "ben.jones@force.police.uk,Ben Jones,ann@force.police.uk,",
            "o'neil@force.police.uk,Kim O'Neil,ann@force.police.uk,"]
    assert importer.run(*rows) == 0, importer.err
    ids = importer.teams_ids()
    assert ids["ben.jones@force.police.uk"] == "11111111-0000-0000-0000-000000000004"
    assert ids["o'neil@force.police.uk"] == "11111111-0000-0000-0000-000000000005"
    by_upn = {c.path.rsplit("/", 1)[1]: c.status for c in fake.calls("graph_user")}
    assert by_upn["ben.jones@force.police.uk"] == 404  # asked by UPN first
    filters = fake.calls("graph_users")
    assert len(filters) == 2 and {c.status for c in filters} == {200}  # then by mail, once each


def test_an_email_graph_knows_by_neither_upn_nor_mail_is_a_bad_row(
    importer: Importer, fake: FakeTeams
) -> None:
    assert importer.run(*CHART, "zed@force.police.uk,Zed,ann@force.police.uk,") == 1
    assert "no Teams user has the email zed@force.police.uk" in importer.err
    assert [c.status for c in fake.calls("graph_users")] == [200]  # the filter found none
    assert importer.teams_ids() == {}


def test_two_accounts_sharing_a_mail_address_are_no_account(
    importer: Importer, fake: FakeTeams
) -> None:
    for n in (6, 7):
        fake.add_user("shared@force.police.uk", f"11111111-0000-0000-0000-00000000000{n}",
                      upn=f"user{n}@force.police.uk")
    assert importer.run(*CHART, "shared@force.police.uk,Shared,ann@force.police.uk,") == 1
    assert "no Teams user has the email shared@force.police.uk" in importer.err


def test_a_refused_mail_lookup_stops_the_import_in_one_line(
    importer: Importer, fake: FakeTeams
) -> None:
    fake.fail_next("graph_users", 403)
    assert importer.run(*CHART, "zed@force.police.uk,Zed,ann@force.police.uk,") == 1
    assert "User.Read.All" in importer.err and importer.err.count("\n") == 1
    assert importer.teams_ids() == {}
