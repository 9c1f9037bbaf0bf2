#!/usr/bin/env python3
"""Benchmark Nolan's Slack client (bot.slack_client.KeptAliveClient) against slack_sdk's own
WebClient: the same chat.postMessage calls, one after another as the outbox's worker sends,
to the fake Web API (tests/fakeslack) over HTTPS with a certificate made for the run.

    scripts/bench_slack_client.py [--calls 300] [--rtt-ms 0]

Prints, for each client: wall time a call, the CPU this process used a call (the client's and
the fake's, both sides of each TLS handshake: the fake runs here too), and how many connections
the fake accepted. `--rtt-ms` adds
that delay to each new connection's handshake and each answer, a stand-in for the round trips
to slack.com (a new connection costs TCP's and TLS's before the request's own).

This is not a timed test; tests/bot/test_bench_scripts.py runs it small so it does not rot.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import ssl
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from slack_sdk import WebClient

from bot.slack_client import KeptAliveClient
from tests.fakeslack import FakeSlack


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))
    return cert_path, key_path


class _Delayed(ssl.SSLContext):
    """The server's TLS context, its handshakes `rtt` seconds late (TCP's and TLS's trips)."""

    rtt = 0.0

    def wrap_socket(self, *args: Any, **kwargs: Any) -> Any:
        time.sleep(2 * self.rtt)
        return super().wrap_socket(*args, **kwargs)


def _answering_late(handler: type[Any], rtt: float) -> type[Any]:
    class Late(handler):  # type: ignore[misc, valid-type]
        def do_POST(self) -> None:
            time.sleep(rtt)  # the request's own round trip
            super().do_POST()

    return Late


def measure(client: WebClient, fake: FakeSlack, calls: int) -> tuple[float, float, int]:
    before = fake.connections
    wall, cpu = time.perf_counter(), time.process_time()
    for n in range(calls):
        client.chat_postMessage(channel="U0000001", text=f"message {n}")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall * 1000 / calls, cpu * 1000 / calls, fake.connections - before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rtt-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, FakeSlack() as fake:
        cert, key = _certificate(Path(folder))
        server_tls = _Delayed(ssl.PROTOCOL_TLS_SERVER)
        server_tls.rtt = args.rtt_ms / 1000
        server_tls.load_cert_chain(cert, key)
        httpd = fake._httpd
        assert httpd is not None
        httpd.socket = server_tls.wrap_socket(httpd.socket, server_side=True)
        if args.rtt_ms:
            httpd.RequestHandlerClass = _answering_late(fake.handler, args.rtt_ms / 1000)
        url = fake.api_url.replace("http://", "https://")
        trust = ssl.create_default_context(cafile=str(cert))
        clients = {
            "slack_sdk WebClient": WebClient(token="xoxb-bench", base_url=url, ssl=trust),
            "KeptAliveClient": KeptAliveClient(token="xoxb-bench", base_url=url, ssl=trust),
        }
        print(f"{args.calls} chat.postMessage calls one after another over HTTPS, "
              f"round trip {args.rtt_ms:g} ms")
        print(f"{'client':<22}{'wall ms/call':>14}{'cpu ms/call':>13}{'connections':>13}")
        for name, client in clients.items():
            client.auth_test()  # the first connection outside the figures
            wall, cpu, opened = measure(client, fake, args.calls)
            print(f"{name:<22}{wall:>14.2f}{cpu:>13.2f}{opened:>13}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
