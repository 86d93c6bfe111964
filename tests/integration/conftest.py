"""One real stack per test run: Redis on loopback, the action server and a Rasa server.

The model comes from `make test`'s training step; if none is there, it is trained once here.
"""

from __future__ import annotations

import socket
import subprocess
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
import redis

from bot.settings import Settings
from bot.stack import BIN, ROOT, Stack, redis_available

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(rasa_port=free_port(), action_server_port=free_port())


@pytest.fixture(scope="session")
def redis_client(settings: Settings) -> redis.Redis:
    if not redis_available(settings.redis_url):
        pytest.fail(f"integration tests need Redis at {settings.redis_url} (scripts/ensure_redis.sh)")
    return redis.Redis.from_url(settings.redis_url, decode_responses=True)


@pytest.fixture(scope="session")
def stack(settings: Settings, redis_client, tmp_path_factory) -> Iterator[Stack]:
    if not list((ROOT / "models").glob("*.tar.gz")):
        subprocess.run([str(BIN / "rasa"), "train", "--fixed-model-name", "backup"], cwd=ROOT, check=True)
    running = Stack(settings, log_dir=tmp_path_factory.mktemp("logs"))
    running.start()
    yield running
    running.stop()


@pytest.fixture
def say(stack: Stack) -> Callable[[str], list[dict]]:
    """A new conversation: each call sends one message through Rasa's REST channel."""
    sender = uuid.uuid4().hex

    def send(text: str) -> list[dict]:
        response = httpx.post(
            f"{stack.settings.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    send.sender = sender
    return send
