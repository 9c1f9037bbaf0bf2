"""The Teams adapter: Bot Framework activities in (POST /api/messages), Adaptive Cards out
through the Bot Connector. Beside the Slack adapter (handlers/), on the same use cases and
storage; it never imports Slack or the Slack adapter, and they never import it."""
