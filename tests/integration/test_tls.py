"""The feed over TLS: a self-signed certificate for 127.0.0.1/localhost, trusted explicitly.

The certificate is made here with `cryptography` and handed to the server through
`FEED_SSL_CERTFILE` / `FEED_SSL_KEYFILE`. Clients trust exactly that certificate through an
`ssl.SSLContext` (hostname checking on), never by turning verification off: python-socketio's
`AsyncClient(http_session=...)` takes an aiohttp session whose connector carries the context,
and it serves both the polling and the websocket transport.

The polling case lets the client upgrade to websocket, as clients do by default: a client
confined to long-polling takes ~30 s to `disconnect()` (python-engineio leaves the pending
long-poll GET unanswered after the client's CLOSE; the client waits out its read timeout),
which would dominate the suite's time without testing anything about TLS.
"""

from __future__ import annotations

import asyncio
import datetime
import http.client
import ipaddress
import json
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from realtime_server.protocol import NAMESPACE, Batch, SubscribeAck
from tests.support.feed_server import FeedServerProcess
from tests.support.processes import StartupError

pytestmark = pytest.mark.integration


def write_self_signed(folder: Path) -> tuple[Path, Path, str]:
    """A certificate for localhost and 127.0.0.1 and its key; returns (cert, key, cert PEM)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")
    cert_path, key_path = folder / "feed-cert.pem", folder / "feed-key.pem"
    cert_path.write_text(cert_pem)
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path, cert_pem


class TlsFeedServer(FeedServerProcess):
    """The feed server on https; readiness is checked over TLS with the trusted context."""

    def __init__(self, trust: ssl.SSLContext, **env: str) -> None:
        super().__init__(**env)
        self.trust = trust

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def plain_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str) -> tuple[int, dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=5, context=self.trust) as reply:
            return reply.status, json.loads(reply.read())

    def _ready(self) -> bool:
        assert self.process is not None
        if not self.process.alive():
            raise StartupError(f"feed server exited early:\n{self.process.output()}")
        try:
            return self.get("/readyz")[0] == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False


@pytest.fixture(scope="module")
def trust(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path, Path]:
    cert_path, key_path, cert_pem = write_self_signed(tmp_path_factory.mktemp("tls"))
    context = ssl.create_default_context(cadata=cert_pem)  # trusts exactly this certificate
    assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
    return context, cert_path, key_path


@pytest.fixture(scope="module")
def tls_server(trust) -> Iterator[TlsFeedServer]:
    context, cert_path, key_path = trust
    server = TlsFeedServer(
        context, FEED_SSL_CERTFILE=str(cert_path), FEED_SSL_KEYFILE=str(key_path)
    )
    try:
        yield server.start()
    finally:
        server.close()


@pytest.fixture
async def trusted_session(trust) -> AsyncIterator[aiohttp.ClientSession]:
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trust[0]))
    yield session
    await session.close()


async def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize(
    "transports", [["websocket"], None], ids=["wss", "https-polling-upgraded-to-wss"]
)
async def test_client_trusting_the_certificate_subscribes_and_receives_batches(
    tls_server, trusted_session, transports
) -> None:
    sio = socketio.AsyncClient(reconnection=False, http_session=trusted_session)
    batches: list[dict[str, Any]] = []
    sio.on("batch", batches.append, namespace=NAMESPACE)
    await sio.connect(
        tls_server.url, namespaces=[NAMESPACE], transports=transports, wait_timeout=10
    )
    try:
        assert sio.transport() == "websocket"
        ack = await sio.call(
            "subscribe",
            {"id": "s", "channels": ["price:AAPL", "price:MSFT"], "throttle_ms": 50},
            namespace=NAMESPACE,
            timeout=10,
        )
        assert SubscribeAck.model_validate(ack).channels == ["price:AAPL", "price:MSFT"]
        await wait_for(lambda: len(batches) >= 2, 10, "batches over TLS")
        updates = [u for b in batches for u in Batch.model_validate(b).updates]
        assert {u.channel for u in updates} <= {"price:AAPL", "price:MSFT"}
    finally:
        await sio.disconnect()


async def test_client_with_default_trust_refuses_the_self_signed_certificate(tls_server) -> None:
    async with aiohttp.ClientSession() as session:  # system CAs only, verification on
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await session.get(f"{tls_server.url}/healthz")
    sio = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await sio.connect(tls_server.url, namespaces=[NAMESPACE], transports=["websocket"])
    await sio.disconnect()


def test_https_health_routes_with_the_trusted_context(tls_server) -> None:
    assert tls_server.get("/healthz") == (200, {"status": "ok"})
    status, body = tls_server.get("/readyz")
    assert (status, body["status"]) == (200, "ready")


def test_plain_http_to_the_tls_port_fails(tls_server) -> None:
    failures = (urllib.error.URLError, http.client.HTTPException, ConnectionError)
    with (
        pytest.raises(failures),
        urllib.request.urlopen(f"{tls_server.plain_url}/healthz", timeout=5) as reply,
    ):
        reply.read()
    assert tls_server.process is not None and tls_server.process.alive()
    assert tls_server.get("/healthz") == (200, {"status": "ok"}), "TLS still served"


async def test_plain_socketio_to_the_tls_port_fails(tls_server) -> None:
    sio = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await sio.connect(tls_server.plain_url, namespaces=[NAMESPACE], transports=["websocket"])
    await sio.disconnect()
    assert tls_server.get("/healthz") == (200, {"status": "ok"})
