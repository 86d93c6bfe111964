"""One real stack per test run: Redis on loopback, the action server and a Rasa server.

The model comes from `make test`'s training step; if none is there, it is trained once here.
"""

from __future__ import annotations

import functools
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import redis
import yaml
from playwright.sync_api import Browser, Page, sync_playwright

from bot.settings import Settings
from bot.stack import RASA_BIN, ROOT, Stack, free_port, redis_available

pytestmark = pytest.mark.integration
CHROMIUM = "/usr/bin/chromium"
REVIEW_DELAY = 1.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]



HOST_PAGE = """<!doctype html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" href="data:,">
  <style>
    /* Hostile host CSS (but readable): none of it may reach the widget. */
    * {{ font-family: "Comic Sans MS", cursive !important; color: #4b0082; }}
    button {{ display: none !important; }}
  </style>
</head>
<body>
  <main>
    <h1>{title}</h1>
    <p>Another site, on another origin, that embeds Backup.
      <a href="page-2.html">Another page of this site</a></p>
  </main>
  <script src="{gateway}/static/widget.js" data-site="test-host" async></script>
</body>
</html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def ports() -> dict[str, int]:
    return {name: free_port() for name in ("rasa", "actions", "gateway", "gateway_down", "host", "metrics")}


@pytest.fixture(scope="session")
def host_origin(ports: dict[str, int], tmp_path_factory) -> Iterator[str]:
    """Another website, on another origin, whose pages embed the widget with one tag."""
    folder = tmp_path_factory.mktemp("host")
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    pages = {"index.html": ("Federation branch", gateway), "page-2.html": ("Branch news", gateway),
             "down.html": ("Rasa is down", f"http://127.0.0.1:{ports['gateway_down']}")}
    for name, (title, url) in pages.items():
        (folder / name).write_text(HOST_PAGE.format(title=title, gateway=url))
    server = ThreadingHTTPServer(
        ("127.0.0.1", ports["host"]), functools.partial(QuietHandler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{ports['host']}"
    server.shutdown()


# Local contacts per site (fictional: Ofcom's drama numbers, example domains); test_local_contacts.py.
INTRANET_CONTACTS = [
    {"name": "Force employee assistance (test)", "description": "Counselling, debt and legal advice.",
     "phone": "0808 157 0111", "url": "https://eap.example.org/test-force", "hours": "24 hours a day",
     "topics": ["money", "bereavement", "relationships"]},
    {"name": "Force TRiM coordinator (test)", "description": "Support after a hard job.",
     "phone": "01632 960111", "topics": ["trauma", "colleague"]},
]
HOST_CONTACTS = [
    {"name": "Branch welfare lead (test)", "description": "For members and their families.",
     "phone": "020 7946 0111", "url": "https://federation.example.org/test-branch/welfare", "hours": "Weekdays, 9 to 5",
     "topics": ["colleague", "bereavement"]},
    {"name": "Branch benevolent fund (test)", "description": "Grants for members in hardship.",
     "phone": "07700 900111", "topics": ["money"]},
]


def sites_file(folder, gateway: str, host_origin: str):
    path = folder / "sites.yml"
    path.write_text(yaml.safe_dump({
        "default": "intranet-demo",
        "sites": [
            {"id": "intranet-demo", "name": "Intranet", "origins": [gateway], "contacts": INTRANET_CONTACTS},
            {"id": "test-host", "name": "Test host site", "origins": [host_origin],
             "greeting": "Hi from the test host.", "colours": {"primary": "#00594f"}, "contacts": HOST_CONTACTS},
        ],
    }))
    return path


@pytest.fixture(scope="session")
def settings(ports: dict[str, int], host_origin: str, tmp_path_factory) -> Settings:
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    return Settings.from_environment(
        rasa_port=ports["rasa"], action_server_port=ports["actions"], gateway_port=ports["gateway"],
        metrics_port=ports["metrics"],
        sites_file=str(sites_file(tmp_path_factory.mktemp("sites"), gateway, host_origin)),
        messages_per_minute_per_session=20, messages_per_minute_per_client=10_000,
        # A deployment that turned the trainers' review queue on, so its privacy is tested for real.
        review_queue_enabled=True, review_queue_days=2, review_delay_seconds=REVIEW_DELAY,
    )


@pytest.fixture(scope="session")
def redis_client(settings: Settings) -> redis.Redis:
    if not redis_available(settings.redis_url):
        pytest.fail(f"integration tests need Redis at {settings.redis_url} (scripts/ensure_redis.sh)")
    return redis.Redis.from_url(settings.redis_url, decode_responses=True)


@pytest.fixture(scope="session")
def stack(settings: Settings, redis_client, tmp_path_factory) -> Iterator[Stack]:
    if not list((ROOT / "models").glob("*.tar.gz")):
        subprocess.run([str(RASA_BIN / "rasa"), "train", "--fixed-model-name", "backup"], cwd=ROOT, check=True)
    running = Stack(settings, log_dir=tmp_path_factory.mktemp("logs"))
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def rasa_down_gateway(settings: Settings, ports, tmp_path_factory) -> Iterator[str]:
    """A second gateway whose Rasa never answers: nothing listens on its port."""
    down = settings.but(gateway_port=ports["gateway_down"], rasa_port=free_port(), rasa_timeout_seconds=2.0,
                        metrics_port=free_port())
    gateway = Stack(down, log_dir=tmp_path_factory.mktemp("down-logs"))
    gateway.start_gateway()
    yield down.gateway_url
    gateway.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, never a downloaded one. One per module: Playwright's sync API keeps an
    event loop running in this thread while it is open, and the async tests need none running."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, stack, host_origin) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.goto(host_origin + "/index.html")
    page.get_by_role("button", name="Need to talk?").wait_for()
    yield page
    context.close()


@pytest.fixture
def say(stack: Stack) -> Callable[[str], list[dict]]:
    """A new conversation: each call sends one message through Rasa's REST channel."""
    sender = uuid.uuid4().hex

    def send(text: str) -> list[dict]:
        response = httpx.post(
            f"{stack.settings.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text}, headers=stack.settings.rasa_headers,
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    send.sender = sender
    return send


class PrivateRedis:
    """A Redis of the test's own, on its own port, that a test may stop and start again."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                threading.Event().wait(0.05)
        raise RuntimeError("private Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis(free_port())
    server.start()
    yield server
    server.stop()


def chat_with(gateway_url: str, site: str = "test-host"):
    """A conversation through a gateway: each call sends one message, keeping the session."""
    session = {"id": None}

    def send(text: str) -> dict:
        response = httpx.post(f"{gateway_url}/api/chat", timeout=30,
                              json={"site": site, "session": session["id"], "message": text})
        body = response.json()
        session["id"] = body.get("session", session["id"])
        return body

    send.session = session
    return send
