"""The Teams adapter: Nolan's forms, cards and conversations on Microsoft Teams."""
