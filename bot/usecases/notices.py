"""Telling the officers something the codes require them to hear (a notification: an arrest,
a change of circumstances, a relationship at work…): the notice recorded, sent to the
officers its chain names, and the receipt owed — in one transaction. Confidential: only the
officers it goes to see it."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from bot import engine
from bot.rules import notices as rules
from bot.rules.status import DeclarationStatus
from bot.settings import Policy, Settings
from bot.usecases.declare import Declared, in_org_chart, office_day, owe_and_report
from storage import audit, declarations, staff
from storage.db import Database
from storage.declarations import Record
from storage.models import Notice, Staff

# The declarant's receipt, as queued (payload: declaration_id, titles — rules.Titles as a
# dict —, unrouted, fallback: who to tell when Nolan found no one).
RECEIPT = "notice_receipt"


def titles_of(policy: Policy) -> rules.Titles:
    return rules.Titles(
        head_of_office=policy.head_of_office_title,
        vetting_officer=policy.vetting_officer_title,
        monitoring_officer=policy.monitoring_officer_title,
    )


def give_notice(
    db: Database,
    *,
    declarant: Staff | None,
    details: rules.NoticeDetails,
    settings: Settings,
    now: datetime,
) -> Declared:
    """Record the validated notice (rules.validate) and send it to the officers."""
    with db.session() as session:
        me = in_org_chart(declarant)
        chain = settings.policy.chain("notice")
        declaration = declarations.create_declaration(
            session, kind="notice", declarant=me, status=DeclarationStatus.PENDING, chain=chain
        )
        assert declaration.id is not None
        session.add(
            Notice(
                declaration_id=declaration.id,
                category=details.category.value,
                description=details.description,
                occurred_on=details.occurred_on,
            )
        )
        audit.record(
            session,
            action="submitted",
            actor_id=me.id,
            declaration_id=declaration.id,
            category=details.category.value,
        )
        opened = engine.start(
            session,
            declaration=declaration,
            declarant=me,
            chain=chain,
            org=staff.org_view(session, on=office_day(settings, now), known=(me,)),
            now=now,
        )
        done = owe_and_report(
            session,
            declaration,
            opened,
            receipt=RECEIPT,
            titles=dataclasses.asdict(titles_of(settings.policy)),
            unrouted=list(opened.unrouted),
            fallback=f"the {settings.policy.head_of_office_title}",
        )
        session.commit()
        return done


def receivers(record: Record, payload: dict[str, Any]) -> list[str]:
    """Whom a notice's receipt (payload as queued) says it went to: each approver once, by
    name and, where they hold one, the title the office gives their role."""
    titles = rules.Titles(**payload["titles"])
    said: list[str] = []
    for step in record.steps:
        person = record.people.get(step.approver_id)
        if person is None:
            continue
        title = rules.title_of(person.role_set, titles)
        name = f"{person.display_name} ({title})" if title else person.display_name
        if name not in said:
            said.append(name)
    return said
