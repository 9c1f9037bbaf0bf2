"""The Microsoft Teams adapter (issue 12): the same layer as the Slack adapter (`handlers`),
never importing it or Slack."""
