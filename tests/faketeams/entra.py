"""The fake Entra token endpoint (client credentials) and the bearer tokens it issued, which
the fake Bot Connector and Graph accept (tests/faketeams/server.py)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

import jwt

from .connector import Reply, error
from .signing import SigningKey, rsa_key

BOT_SCOPE = "https://api.botframework.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
TOKEN_LIFETIME = 3599


class Entra:
    """Issues signed JWT access tokens to the app, and checks the ones presented."""

    def __init__(
        self, tenant_id: str, app_id: str, app_password: str, clock: Callable[[], float]
    ) -> None:
        self.tenant_id, self.app_id, self.app_password = tenant_id, app_id, app_password
        self.clock = clock
        self._issued: dict[str, tuple[str, float]] = {}  # access token -> scope, expiry

    def expire(self) -> None:
        """Every access token issued so far stops working (as after an hour)."""
        self._issued = {t: (scope, 0.0) for t, (scope, _) in self._issued.items()}

    def token(self, tenant: str, raw: bytes) -> Reply:
        form = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
        if tenant != self.tenant_id:
            return 400, {}, {"error": "invalid_request",
                             "error_description": f"AADSTS90002: Tenant '{tenant}' not found."}
        if form.get("grant_type") != "client_credentials":
            return 400, {}, {"error": "unsupported_grant_type",
                             "error_description": "AADSTS70003: grant type not supported."}
        if form.get("client_id") != self.app_id:
            return 400, {}, {"error": "unauthorized_client",
                             "error_description": "AADSTS700016: Application not found."}
        if form.get("client_secret") != self.app_password:
            return 401, {}, {"error": "invalid_client",
                             "error_description": "AADSTS7000215: Invalid client secret provided."}
        scope = form.get("scope")
        if scope not in (BOT_SCOPE, GRAPH_SCOPE):
            return 400, {}, {"error": "invalid_scope",
                             "error_description": f"AADSTS1002012: scope {scope!r} is not valid."}
        now = self.clock()
        claims = {
            "aud": scope.removesuffix("/.default"), "iss": f"https://sts.windows.net/{tenant}/",
            "iat": int(now), "nbf": int(now), "exp": int(now + TOKEN_LIFETIME),
            "appid": self.app_id, "tid": tenant, "jti": f"{len(self._issued) + 1}",
        }
        key = SigningKey("fake-entra-key", rsa_key("entra"))  # not in the Bot Framework JWKS
        token = jwt.encode(claims, key.private_key, "RS256", {"kid": key.kid})
        self._issued[token] = (scope, now + TOKEN_LIFETIME)
        return 200, {}, {"token_type": "Bearer", "expires_in": TOKEN_LIFETIME,
                         "ext_expires_in": TOKEN_LIFETIME, "access_token": token}

    def authorised(
        self, headers: dict[str, str], scope: str, *, connector: bool = False
    ) -> Reply | None:
        """None when the request's bearer token is one issued for `scope`, still valid;
        else the service's 401 (the connector's, or Graph's)."""
        token = headers.get("authorization", "").removeprefix("Bearer ")
        issued = self._issued.get(token)
        if issued is not None and issued[0] == scope and issued[1] > self.clock():
            return None
        if connector:
            return 401, {}, {"message": "Authorization has been denied for this request."}
        return error(401, "Access token is empty, expired or not for Graph.",
                     "InvalidAuthenticationToken")
