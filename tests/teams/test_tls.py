"""Nolan's clients for Microsoft share one TLS context, which still verifies certificates."""

from __future__ import annotations

import ssl

from bot.teams import tls


def test_every_client_shares_one_context_that_verifies() -> None:
    first, second = tls.client(timeout=5), tls.client(timeout=5)
    try:
        assert tls.context() is tls.context()
        assert tls.context().verify_mode == ssl.CERT_REQUIRED
        assert tls.context().check_hostname
        assert tls.context().cert_store_stats()["x509_ca"] > 0  # a CA bundle was loaded
    finally:
        first.close()
        second.close()
