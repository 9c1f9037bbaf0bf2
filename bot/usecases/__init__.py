"""The use cases: what people do with Nolan, as platform-neutral functions of plain values.

Each takes the acting member of staff (a `storage.models.Staff`, found by whichever platform
adapter received the request), the validated answers and the clock; runs as one transaction
with its audit entry and the messages it owes queued in the outbox (`bot.outbox.queue`); and
returns a typed outcome: what was recorded, or a `bot.rules.refusal.Refused` raised with the
words (and the form field) to answer. No Slack, no Teams: the adapters in `handlers/` (Slack)
and `bot/teams/` (Teams) translate requests into these calls and outcomes into replies.
"""
