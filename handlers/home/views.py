"""The App Home: the neutral Home (bot.ui.home) drawn as a Slack Home tab. No queries here.

Slack allows 100 blocks in a Home: each long list shows one page (handlers.home.store's page
sizes) with "Previous"/"More", which comes to at most about 75 blocks for an officer who
approves.
"""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.ui.home import home_screen, unknown_home_screen
from bot.ui.home_model import Home
from handlers import slack_ui

MAX_BLOCKS = 100  # Slack's limit for a Home tab


def home_view(home: Home) -> View:
    screen = home_screen(home)
    blocks = slack_ui.screen_blocks(screen)
    assert len(blocks) <= MAX_BLOCKS, f"{len(blocks)} blocks on a Home"
    metadata = screen.payload.encode() if screen.payload else None
    return View(type="home", blocks=blocks, private_metadata=metadata)


def unknown_home_view() -> View:
    return View(type="home", blocks=slack_ui.screen_blocks(unknown_home_screen()))
