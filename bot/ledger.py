"""Sending a scheduled message exactly once, by its natural key in the ledger.

A sweep's job owes a reminder with `owe_once` (or several, as one list, with `owe_list`;
both in bot.owing, which a platform's adapter may import too: nothing of Slack's there): the
key's row of the outbox is inserted as a queued message descriptor — unless that key is
already owed, whatever became of it — and the delivery worker sends it, retries it on the
platform's errors, and records it, like any other message. So a rerun owes nothing new, a
failed send is retried by the outbox (not lost, not sent twice), and every platform's sender
draws the same card.
"""

from __future__ import annotations

from bot.owing import owe_list as owe_list
from bot.owing import owe_once as owe_once
from bot.owing import owe_unless_sent as owe_unless_sent
