"""Nolan: a public body's staff code of conduct, carried into Slack."""
