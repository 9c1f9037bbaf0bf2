"""`python -m bot`: run the bot, or a CLI command (see `python -m bot --help`)."""

from bot.cli import main

raise SystemExit(main())
