"""A Home's person read in one statement: the person, and whether anyone reports to them."""

from __future__ import annotations

from storage import staff
from storage.db import Database
from storage.models import Staff


def test_a_person_and_whether_anyone_reports_to_them(db: Database) -> None:
    with db.session() as session:
        manny = Staff(email="manny@x.example", name="Manny")
        session.add(manny)
        session.flush()
        alice = Staff(email="alice@x.example", name="Alice", line_manager_id=manny.id)
        gone = Staff(email="gone@x.example", name="Gone", active=False)
        session.add_all([alice, gone])
        session.commit()
        ids = {"manny": manny.id or 0, "alice": alice.id or 0, "gone": gone.id or 0}
    with db.session() as session:
        found = {k: staff.active_with_reports(session, staff_id=i) for k, i in ids.items()}
    assert found["manny"] is not None and found["manny"][0].name == "Manny"
    assert found["manny"][1] is True
    assert found["alice"] is not None and found["alice"][1] is False
    assert found["gone"] is None
    with db.session() as session:
        assert staff.active_with_reports(session, staff_id=999_999) is None
