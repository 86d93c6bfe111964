"""Fakes for driving the real gateway app in-process: a stub Rasa and a fake Redis.

- `fake_redis`: one fakeredis server per test. gateway.app makes its client with
  `RedisAddress.async_client(...)` in the lifespan; that method is swapped for one that hands out
  FakeAsyncRedis clients on the test's server (the test reads and writes the same keys).
- `stub_rasa()`: an aiohttp server on 127.0.0.1 (a free port) that records every request and
  answers with canned Rasa REST replies, or slowly, or with a 500, or not at all (`stop()`).
- `gateway(**settings)`: `create_app(Settings.from_environment(...))` on a temporary sites file,
  its lifespan run, and an httpx client over ASGI. The client returns once the app is done with
  the request, background tasks included; `client.sent_at` is when the response itself went.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fakeredis
import httpx
import pytest
import yaml
from aiohttp import web

from bot.redis_connection import RedisAddress
from bot.settings import Settings

SITE = "test-host"
ORIGIN = "https://host.example.org"
OTHER_SITE = "other-site"
OTHER_ORIGIN = "https://other.example.org"
SECRET = "unit-test-session-secret"
RASA_TOKEN = "unit-test-rasa-token"
SITE_CONTACT = {"name": "Host welfare lead", "description": "For the host's staff.", "phone": "01632 960001",
                "url": "https://host.example.org/welfare", "hours": "Weekdays", "topics": ["money"]}
OTHER_CONTACT = {"name": "Other site's fund", "phone": "020 7946 0002", "topics": ["money"]}


# --- Rasa ---------------------------------------------------------------------------------------


@dataclass
class RasaRequest:
    method: str
    path: str
    query: dict[str, str]
    authorization: str | None
    body: Any

    @property
    def metadata(self) -> dict:
        return self.body["metadata"]

    @property
    def risk(self) -> dict:
        return self.body["metadata"]["risk"]


def canned(body: dict) -> list[dict]:
    """Rasa's REST reply to anything: a greeting with a button."""
    return [{"recipient_id": body.get("sender"), "text": "Hi, I'm Backup (stub).",
             "buttons": [{"title": "What's the number?", "payload": "/ask_number", "type": "postback"}]}]


@dataclass
class StubRasa:
    """Answers POST /webhooks/rest/webhook like Rasa's REST channel; `mode` says how:
    "ok" (`reply(body)`), "slow" (after `delay` seconds), "error" (500), "garbage" (not JSON)."""

    reply: Callable[[dict], Any] = canned
    mode: str = "ok"
    delay: float = 5.0
    requests: list[RasaRequest] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[RasaRequest]:
        return [r for r in self.requests if r.path == "/webhooks/rest/webhook"]

    async def start(self) -> StubRasa:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Down: nothing listens on its port any more."""
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json() if request.can_read_body else None
        self.requests.append(RasaRequest(request.method, request.path, dict(request.query),
                                         request.headers.get("Authorization"), body))
        if request.path != "/webhooks/rest/webhook" or request.method != "POST":
            return web.json_response({"status": "ok"})
        if self.mode == "slow":
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._release.wait(), self.delay)
        if self.mode == "error":
            return web.json_response({"error": "boom"}, status=500)
        if self.mode == "garbage":
            return web.Response(text="<html>proxy error</html>", content_type="application/json")
        return web.json_response(self.reply(body))


@pytest.fixture
async def stub_rasa() -> AsyncIterator[Callable[..., Any]]:
    """stub_rasa(**fields) starts a stub (as many as a test wants); all stop after the test."""
    started: list[StubRasa] = []

    async def start(**fields: Any) -> StubRasa:
        stub = await StubRasa(**fields).start()
        started.append(stub)
        return stub

    yield start
    for stub in started:
        await stub.stop()


@pytest.fixture
async def rasa(stub_rasa) -> StubRasa:
    return await stub_rasa()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Redis --------------------------------------------------------------------------------------


@pytest.fixture
def fake_redis(monkeypatch) -> fakeredis.FakeAsyncRedis:
    """The Redis every gateway in this test talks to, and a client on it for the test."""
    server = fakeredis.FakeServer()
    made: list[dict] = []

    def async_client(address: RedisAddress, **options: Any) -> fakeredis.FakeAsyncRedis:
        made.append({"address": address, **options})
        return fakeredis.FakeAsyncRedis(server=server, decode_responses=options.get("decode_responses", False))

    monkeypatch.setattr(RedisAddress, "async_client", async_client)
    client = fakeredis.FakeAsyncRedis(server=server, decode_responses=True)
    client.made = made  # what the gateway asked for, e.g. decode_responses
    client.server = server  # `client.server.connected = False`: Redis down for every client on it
    return client


class Clock:
    """Moves fakeredis's clock (what it expires keys by) forward without waiting."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@pytest.fixture
def redis_clock(monkeypatch) -> Clock:
    from fakeredis._socket import _base

    clock = Clock()
    monkeypatch.setattr(_base, "time", clock)  # fakeredis reads time.time() before each command
    return clock


# --- the gateway --------------------------------------------------------------------------------


@pytest.fixture
def sites_file(tmp_path) -> Path:
    path = tmp_path / "sites.yml"
    path.write_text(yaml.safe_dump({"default": SITE, "sites": [
        {"id": SITE, "name": "Test host", "origins": [ORIGIN], "contacts": [SITE_CONTACT]},
        {"id": OTHER_SITE, "name": "Another site", "origins": [OTHER_ORIGIN], "contacts": [OTHER_CONTACT]},
    ]}))
    return path


class Stopwatch:
    """ASGI wrapper: when the response's last byte went, before any background task ran."""

    def __init__(self, app) -> None:
        self.app = app
        self.sent_at: float | None = None

    async def __call__(self, scope, receive, send) -> None:
        async def timed(message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.sent_at = time.monotonic()

        await self.app(scope, receive, timed)


@pytest.fixture
def gateway(fake_redis, rasa, sites_file, tmp_path):
    """`async with gateway(**settings) as client:` the real app, on the fake Redis and stub Rasa.
    An exception the app does not handle fails the test, unless raise_app_exceptions=False (then
    the client gets the app's 500, as a person would)."""
    from gateway.app import create_app

    @contextlib.asynccontextmanager
    async def running(*, raise_app_exceptions: bool = True, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        given = dict(
            redis_url="redis://fake:6379/0", sites_file=str(sites_file), session_secret=SECRET,
            rasa_token=RASA_TOKEN, rasa_host="127.0.0.1", rasa_port=rasa.port, rasa_replicas="",
            rasa_timeout_seconds=2.0, conversation_ttl_seconds=1800, max_message_chars=1000,
            messages_per_minute_per_session=20, messages_per_minute_per_client=60,
            metrics_port=0,  # /metrics on a free port the OS picks: app.state.metrics_endpoint.url
        )
        settings = Settings.from_environment(env_file=tmp_path / "no.env", **{**given, **overrides})
        app = create_app(settings)
        stopwatch = Stopwatch(app)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=stopwatch, client=("203.0.113.7", 50000),
                                            raise_app_exceptions=raise_app_exceptions)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test", timeout=30) as client:
                client.app, client.settings, client.stopwatch = app, settings, stopwatch
                yield client

    return running
