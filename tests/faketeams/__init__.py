"""Test-only fakes of Microsoft's services for Teams: Bot Framework signing and OpenID/JWKS, the
client-credentials token endpoint, the Bot Connector and Graph. Never imported by product code."""

from .activities import activity, invoke, signed
from .connector import TEAMS_PER_CONVERSATION, TEAMS_PER_TENANT
from .server import APP_ID, APP_PASSWORD, BOT_SCOPE, GRAPH_SCOPE, TENANT_ID, Call, FakeTeams
from .signing import (
    BOT_FRAMEWORK_ISSUER,
    Forgery,
    SigningKey,
    bearer,
    bot_framework_token,
    forged_token,
    rogue_key,
    signing_key,
)

__all__ = [
    "APP_ID",
    "APP_PASSWORD",
    "BOT_FRAMEWORK_ISSUER",
    "BOT_SCOPE",
    "GRAPH_SCOPE",
    "TEAMS_PER_CONVERSATION",
    "TEAMS_PER_TENANT",
    "TENANT_ID",
    "Call",
    "FakeTeams",
    "Forgery",
    "SigningKey",
    "activity",
    "bearer",
    "bot_framework_token",
    "forged_token",
    "invoke",
    "rogue_key",
    "signed",
    "signing_key",
]
