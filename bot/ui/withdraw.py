"""The Withdraw button beside a declaration still waiting (a member of staff's own list, their
receipt, their Home), described once: every platform's press goes to the same use case
(bot.usecases.withdraw)."""

from __future__ import annotations

from bot.ui.cards import Button, Confirm
from bot.ui.payload import DeclarationRef

WITHDRAW = "conduct_withdraw"  # payload: DeclarationRef


def withdraw_button(declaration_id: int, reference: str) -> Button:
    """Withdraw, asked first: it can't be undone."""
    return Button(
        id=WITHDRAW,
        label="Withdraw",
        payload=DeclarationRef(declaration_id=declaration_id),
        confirm=Confirm(
            title="Withdraw this?",
            text=f"Withdraw {reference}? It stays on the register as withdrawn, and whoever "
            "is deciding it will be told.",
            confirm="Withdraw",
        ),
    )
