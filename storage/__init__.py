"""Persistence: SQLModel tables, the engine and sessions, repository functions, migrations."""
