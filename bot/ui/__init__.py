"""What people see, described once: forms and cards as neutral documents.

A feature describes its form (`forms.Form`) or its message (`cards.Card`) here, from plain
values; each platform's adapter renders them (Slack: `handlers/slack_ui.py`), and `plain`
renders every one to plain text (tests, logs, a message's fallback `text`). Nothing here
imports a platform: only the standard library, pydantic and `bot.rules`.
"""
