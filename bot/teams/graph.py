"""The office's people in Microsoft Entra, for the org chart import on Teams: a person's Entra
object id from their email, by `GET {TEAMS_GRAPH_URL}/users/{email}` (the user principal name),
then, if that is 404, `GET /users?$filter=mail eq '{email}'` (the primary SMTP address), with
the app's own token (application permission User.Read.All, admin-consented).

An email Graph knows by neither is a bad row; a disabled account is one too. Throttling
(429) and Graph's passing failures (502, 503, 504) are waited out as Graph asks (Retry-After),
a few times; anything else — a refused token, a missing permission, Graph unreachable — stops
the import with one line saying what to check, since the answers cannot be trusted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import quote

import httpx

from bot.outbox import backoff
from bot.staff_import import DEACTIVATED, ImportAborted
from bot.teams import tls

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
RETRIED = frozenset({429, 502, 503, 504})
ATTEMPTS = 5

Token = Callable[[str], str]  # (scope) -> access token: bot.teams.tokens' source


class GraphDirectory:
    """bot.staff_import.Directory for Teams: emails to Entra object ids (Staff.teams_id)."""

    platform = "Teams"
    id_field = "teams_id"

    def __init__(
        self,
        graph_url: str,
        token: Token,
        *,
        scope: str = GRAPH_SCOPE,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.graph_url = graph_url.rstrip("/")
        self.token, self.scope, self.sleep = token, scope, sleep
        self.client = client or tls.client(timeout=httpx.Timeout(10.0, connect=5.0))

    def look_up(self, email: str, time_zones: dict[str, str] | None = None) -> str | None:
        """The Entra object id of the account with this email (Graph gives no time zone): by
        user principal name, else by primary SMTP address (`mail`), which differs from the
        UPN in many tenants."""
        found = _account(self._get(f"{self.graph_url}/users/{quote(email, safe='@')}"), email)
        if found is not None:
            return found
        quoted = email.replace("'", "''")  # OData doubles a quote inside a string
        by_mail = self._get(f"{self.graph_url}/users", {"$filter": f"mail eq '{quoted}'"})
        return _only_account(by_mail, email)

    def _get(self, url: str, params: dict[str, str] | None = None) -> httpx.Response:
        """Graph's answer, throttling and passing failures waited out a few times."""
        params = {**(params or {}), "$select": "id,accountEnabled"}
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = self.client.get(
                    url, params=params, headers={"Authorization": f"Bearer {self._token()}"}
                )
            except httpx.HTTPError as exc:
                raise ImportAborted(
                    f"cannot reach Microsoft Graph at {self.graph_url} ({_first_line(exc)}): "
                    "check TEAMS_GRAPH_URL and the network"
                ) from None
            if response.status_code in RETRIED and attempt < ATTEMPTS:
                self.sleep(_wait(response, attempt))
                continue
            return response
        raise AssertionError("unreachable: the last attempt returns")

    def _token(self) -> str:
        try:
            return self.token(self.scope)
        except ImportAborted:
            raise
        except Exception as exc:  # the token source's own failure, whatever its kind
            raise ImportAborted(
                f"no token for Microsoft Graph: {_first_line(exc)} (check TEAMS_APP_ID, "
                "TEAMS_APP_PASSWORD and TEAMS_TENANT_ID)"
            ) from None


def _account(response: httpx.Response, email: str) -> str | None:
    status = response.status_code
    if status == 404:
        return None
    if status == 200:
        return _user_id(_body(response), email)
    raise _refused(response, email)


def _only_account(response: httpx.Response, email: str) -> str | None:
    """The one account a `$filter` found; none, or two sharing the address, is no account."""
    if response.status_code != 200:
        raise _refused(response, email)
    body = _body(response)
    users = body.get("value") if isinstance(body, dict) else None
    if not isinstance(users, list):
        raise ImportAborted(f"Microsoft Graph answered for {email} without a list of users")
    return _user_id(users[0], email) if len(users) == 1 else None


def _user_id(user: object, email: str) -> str:
    object_id = user.get("id") if isinstance(user, dict) else None
    if not isinstance(user, dict) or not isinstance(object_id, str) or not object_id:
        raise ImportAborted(f"Microsoft Graph answered for {email} without an object id")
    if user.get("accountEnabled") is False:  # approvals routed there would never be seen
        return DEACTIVATED
    return object_id[:64]


def _body(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _refused(response: httpx.Response, email: str) -> ImportAborted:
    status, code = response.status_code, _error_code(response)
    if status in (401, 403):
        return ImportAborted(
            f"Microsoft Graph refused the app ({status} {code}): grant it the application "
            'permission User.Read.All with admin consent (README, "Create the Teams app")'
        )
    return ImportAborted(f"Microsoft Graph answered {status} {code} for {email}")


def _wait(response: httpx.Response, attempt: int) -> float:
    """As the outbox waits: what Graph asked (Retry-After, in seconds), else doubling."""
    raw = response.headers.get("Retry-After", "").strip()
    return backoff(attempt, float(raw) if raw.isdigit() else None)


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("code", "")) if isinstance(error, dict) else ""


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
