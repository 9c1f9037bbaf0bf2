"""The HTTP clients Nolan calls Microsoft with, sharing one TLS context.

Building a context reads the whole CA bundle (about a tenth of a second each time); httpx
builds one per client unless given one. The context is made once per process, as httpx would
make it (certifi's bundle, or SSL_CERT_FILE / SSL_CERT_DIR when set), and shared: an
`ssl.SSLContext` may serve many connections at once.
"""

from __future__ import annotations

import ssl
from functools import cache
from typing import Any

import httpx


@cache
def context() -> ssl.SSLContext:
    """The process's TLS context for Microsoft's endpoints."""
    return httpx.create_ssl_context()


def client(**options: Any) -> httpx.Client:
    """An `httpx.Client` with `options`, verifying certificates with the shared context."""
    return httpx.Client(verify=context(), **options)
