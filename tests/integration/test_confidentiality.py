"""Nothing a person types is kept beyond the live conversation: not in logs, not elsewhere in Redis."""

import time

import httpx
import pytest

from .conftest import chat_with

pytestmark = pytest.mark.integration


def redis_values(client):
    """(key, everything stored under it) for every key, whatever its type."""
    for key in client.scan_iter("*"):
        kind = client.type(key)
        if kind == "string":
            yield key, client.get(key) or ""
        elif kind == "hash":
            yield key, " ".join(f"{k} {v}" for k, v in client.hgetall(key).items())
        elif kind == "list":
            yield key, " ".join(client.lrange(key, 0, -1))
        elif kind in ("set", "zset"):
            members = client.smembers(key) if kind == "set" else client.zrange(key, 0, -1)
            yield key, " ".join(members)


def test_a_marker_phrase_stays_in_the_live_conversation_only(stack, redis_client):
    marker = f"zebra-lantern-{time.time_ns()}"
    send = chat_with(stack.settings.gateway_url)
    for text in (f"hello, {marker}", f"i'm so stressed {marker}", f"i want to end my life {marker}",
                 f"what happens when i call {marker}", "/self_help"):
        send(text)
    time.sleep(1.5)  # the gateway tells Rasa of the crisis message after replying
    session = send.session["id"]

    for log in stack.log_dir.glob("*.log"):
        assert marker not in log.read_text(errors="replace"), f"message text in {log.name}"

    holding = {key for key, value in redis_values(redis_client) if marker in key or marker in value}
    assert holding == {f"backup:tracker:{session}"}

    assert not any("127.0.0.1" in key or "127.0.0.1" in value for key, value in redis_values(redis_client)), \
        "a client address is stored in Redis"

    assert httpx.delete(f"{stack.settings.gateway_url}/api/chat/{session}").status_code == 204
    assert not any(marker in key or marker in value for key, value in redis_values(redis_client))
