"""Who keeps the registers: the monitoring officer and the head of office see the registers
whole, and so may have the annual report and export them (DOMAIN.md, People and roles).
Admins manage the org chart and policies but do not read declarations unless they also hold
one of these roles."""

from __future__ import annotations

from collections.abc import Collection

from bot.rules.roles import Role

REGISTER_KEEPERS = frozenset({Role.MONITORING_OFFICER, Role.HEAD_OF_OFFICE})


def keeps_registers(roles: Collection[str]) -> bool:
    return bool(REGISTER_KEEPERS & set(roles))
