"""The code of conduct undertaking in the daily sweep (its JOBS).

Who is asked: a new starter — someone a later import of the org chart brought in
(Staff.starter_since; the first import is the office as it stands) — from the day they
arrive; and, once an admin has asked for it to go to everyone (`conduct undertaking
send-all`, recorded in the audit trail with its day), every active member of staff who has
not accepted it. Each is sent it once, then reminded weekly for UNDERTAKING_REMINDER_WEEKS
weeks until they accept. Each message is owed through the outbox by its ledger key: kind
"undertaking", subject and recipient "staff:<id>", due on the start day (+ k weeks for the
reminders), due at the sweep's now (held for the person's working hours). Send-all owes
under the same keys (bot.usecases.yearly.send_to_everyone), so nothing goes twice. Drawn
when sent (Slack: handlers.undertaking.owed; Teams: bot.teams.undertaking).
"""

from __future__ import annotations

from bot.jobs.yearly import audited, owe, report_sent
from bot.sweep import Job, Sweep
from bot.usecases.yearly import undertakings_due


def undertakings(sweep: Sweep) -> None:
    due, owed = undertakings_due(sweep.db, sweep.today)
    if not due:
        return
    for item in due:
        owe(
            sweep,
            owed,
            item.key,
            counted_as="undertaking_reminded" if item.reminder else "undertaking_sent",
            failed=f"could not send the undertaking to {item.person.name}",
            why=item.why.value,
            reminder=item.reminder,
        )
    sent, reminded = report_sent(
        sweep,
        "undertaking",
        sweep.deliver(),
        sent_line="Sent the code of conduct undertaking to {people}.",
        reminded_line="Reminded {people} to accept the code of conduct undertaking.",
    )
    if sent or reminded:
        audited(sweep, "undertaking_sent", sent=sent, reminded=reminded, on=sweep.today)


JOBS = [
    Job(
        "code of conduct undertaking",
        undertakings,
        working_days_only=True,
        phrases={
            "undertaking_sent": ("sent {n} code of conduct undertaking", "sent {n} undertakings"),
            "undertaking_reminded": (
                "sent {n} undertaking reminder",
                "sent {n} undertaking reminders",
            ),
        },
    ),
]
