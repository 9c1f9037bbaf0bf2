"""The SQL filter (storage.access.visible_to) agrees with the pure rule (bot.rules.access)
on randomly made offices: every viewer, every declaration."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from bot.rules.access import Subject, Viewer, may_see
from storage.access import may_view, visible_to
from storage.db import Database
from storage.models import ApprovalStep, Declaration, Staff

ROLE_SETS = [
    frozenset(),
    frozenset({"admin"}),
    frozenset({"monitoring_officer"}),
    frozenset({"head_of_office"}),
    frozenset({"vetting_officer"}),
    frozenset({"admin", "monitoring_officer"}),
]
KINDS = ["gift", "interest", "outside_work", "notice"]
PEOPLE = 5
_batch = itertools.count()

step = st.tuples(
    st.integers(0, PEOPLE - 1),  # approver
    st.one_of(st.none(), st.integers(0, PEOPLE - 1)),  # delegated from
    st.one_of(st.none(), st.integers(0, PEOPLE - 1)),  # decided by
)
declaration = st.tuples(
    st.integers(0, PEOPLE - 1), st.sampled_from(KINDS), st.lists(step, max_size=3)
)
office = st.tuples(
    st.lists(st.sampled_from(ROLE_SETS), min_size=PEOPLE, max_size=PEOPLE),
    st.lists(declaration, min_size=1, max_size=6),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(office)
def test_the_filter_agrees_with_the_rule(db: Database, made: tuple) -> None:
    roles, declared = made
    batch = next(_batch)
    with db.session() as session:
        people = [
            Staff(email=f"p{batch}-{i}@x.example", roles=";".join(sorted(r)))
            for i, r in enumerate(roles)
        ]
        session.add_all(people)
        session.flush()
        ids = [p.id for p in people]
        subjects: dict[int, Subject] = {}
        for who, kind, steps in declared:
            row = Declaration(kind=kind, declarant_id=ids[who], status="pending")
            session.add(row)
            session.flush()
            assert row.id is not None
            routed: set[int] = set()
            for position, (approver, deputy_for, decider) in enumerate(steps, start=1):
                session.add(
                    ApprovalStep(
                        declaration_id=row.id,
                        position=position,
                        role="line_manager",
                        purpose="authorise",
                        approver_id=ids[approver],
                        delegated_from_id=None if deputy_for is None else ids[deputy_for],
                        decided_by_id=None if decider is None else ids[decider],
                    )
                )
                routed |= {ids[approver]}
                routed |= {ids[x] for x in (deputy_for, decider) if x is not None}
            subjects[row.id] = Subject(ids[who], kind, frozenset(routed))
        session.commit()

        for person, person_roles in zip(people, roles, strict=True):
            assert person.id is not None
            viewer = Viewer(person.id, person_roles)
            seen = set(
                session.exec(
                    select(Declaration.id).where(
                        col(Declaration.id).in_(list(subjects)), visible_to(viewer)
                    )
                ).all()
            )
            expected = {i for i, s in subjects.items() if may_see(viewer, s).allowed}
            assert seen == expected, (person_roles, subjects)
            assert {i for i in subjects if may_view(session, viewer, i)} == expected
