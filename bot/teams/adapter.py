"""The Teams adapter assembled from settings: one HTTP client, Nolan's token source, the Bot
Connector, the token verifier, the router with every feature on it, the outbox's sender and
the endpoint. Built once by the composition root (bot.runtime) when TEAMS_APP_ID is set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx

from bot.settings import Settings
from bot.teams import features, home_flow, tls
from bot.teams.auth import KeySet, Verifier
from bot.teams.connector import Connector
from bot.teams.edge import Edge, Gate
from bot.teams.router import Router
from bot.teams.sender import TeamsSender
from bot.teams.tokens import Tokens, TokenSource
from storage.db import Database
from storage.types import utcnow

# Microsoft answers in well under a second; a stuck call must not hold the outbox for long.
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass(frozen=True)
class TeamsAdapter:
    http: httpx.Client
    tokens: Tokens
    connector: Connector
    verifier: Gate
    router: Router
    sender: TeamsSender

    @classmethod
    def build(
        cls,
        settings: Settings,
        db: Database,
        clock: Callable[[], datetime] = utcnow,
        *,
        gate: Gate | None = None,
        tokens: Tokens | None = None,
    ) -> TeamsAdapter:
        """`gate` and `tokens` default to the Bot Framework's JWT check and Nolan's own
        client-credentials tokens; only bot.playground passes others (no settings can)."""
        http = tls.client(timeout=TIMEOUT, follow_redirects=False)
        tokens = tokens or TokenSource(
            settings.token_url, settings.teams_app_id, settings.teams_app_password, http=http
        )
        connector = Connector(
            tokens, http, app_id=settings.teams_app_id, tenant_id=settings.teams_tenant_id
        )
        router = Router()
        features.register(router)
        home_flow.configure(settings.policy, clock)  # the Home's drawer draws with these
        return cls(
            http=http,
            tokens=tokens,
            connector=connector,
            verifier=gate
            or Verifier(settings.teams_app_id, KeySet(settings.teams_openid_metadata_url, http)),
            router=router,
            sender=TeamsSender(db, connector, service_url=settings.teams_service_url),
        )

    def edge(self, db: Database, settings: Settings, clock: Callable[[], datetime]) -> Edge:
        """The WSGI endpoint for POST /api/messages."""
        return Edge(self.verifier, self.router, db, settings, clock)
