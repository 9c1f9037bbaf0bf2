"""The fake Microsoft Graph's users: GET /users/{email-or-id}, and GET /users with the one
$filter Nolan asks for (tests/faketeams/server.py routes to these)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from .connector import Reply, error


@dataclass
class GraphUser:
    id: str
    mail: str
    display_name: str
    upn: str | None = None  # the user principal name, when it is not the mail address

    def resource(self) -> dict[str, Any]:
        return {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
            "id": self.id,
            "displayName": self.display_name,
            "mail": self.mail,
            "userPrincipalName": self.upn or self.mail,
        }


def user(users: dict[str, GraphUser], key: str) -> Reply:
    """`GET /users/{key}`: by user principal name or object id."""
    found = users.get(key.lower())
    if found is None:
        return error(404, f"Resource '{key}' does not exist or one of its queried "
                     "reference-property objects are not present.", "Request_ResourceNotFound")
    return 200, {}, found.resource()


def users_by_mail(users: dict[str, GraphUser], query: str, problems: list[str]) -> Reply:
    """`GET /users?$filter=mail eq '…'`: the users with that mail address (Graph compares
    it without regard to case), the only filter Nolan asks for."""
    asked = {k: v[-1] for k, v in parse_qs(query).items()}
    found = re.fullmatch(r"mail eq '((?:[^']|'')*)'", asked.get("$filter", ""))
    if found is None:
        problems.append(f"GET /users?{query}: a filter the fake does not support")
        return error(400, "Unsupported query.", "Request_UnsupportedQuery")
    mail = found[1].replace("''", "'").lower()
    matching = {id(u): u for u in users.values() if u.mail.lower() == mail}.values()
    resources = [{k: v for k, v in u.resource().items() if k != "@odata.context"}
                 for u in matching]
    return 200, {}, {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
                     "value": resources}
