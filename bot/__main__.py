"""`python -m bot`: run the bot, or a CLI command (see `python -m bot --help`)."""

import gc

# No collection while Nolan starts: what it loads lives as long as the process (bot.collector;
# the command run turns the collector back on once it has started).
gc.disable()

from bot.cli import main  # noqa: E402

raise SystemExit(main())
