"""Two Rasa replicas sharing the Redis tracker and lock stores, the gateway taking them in turn."""

import threading
import time

import pytest

from bot.content import SELF_HELP_TIPS
from bot.redis_keys import EVERYTHING, TRACKER
from bot.stack import Stack, free_port

from .conftest import chat_with

pytestmark = pytest.mark.integration
TTL = 6


@pytest.fixture(scope="module")
def replicas(settings, tmp_path_factory):
    a, b = free_port(), free_port()
    own = settings.but(rasa_port=a, action_server_port=free_port(), gateway_port=free_port(),
                       rasa_replicas=f"http://127.0.0.1:{a},http://127.0.0.1:{b}", conversation_ttl_seconds=TTL)
    stack = Stack(own, log_dir=tmp_path_factory.mktemp("replica-logs"))
    try:
        stack.start_action_server()
        stack.start_rasa(port=a, name="rasa_a")
        stack.start_rasa(port=b, name="rasa_b")
        stack.start_gateway()
        yield stack
    finally:
        stack.stop()


def tip_index(body: dict) -> int:
    text = " ".join(m.get("text", "") for m in body["messages"])
    return next(i for i, tip in enumerate(SELF_HELP_TIPS) if text.startswith(tip))


def test_the_conversation_keeps_its_state_across_replicas(replicas):
    send = chat_with(replicas.settings.gateway_url)
    # Each message goes to the other replica; the tip counter lives in the shared tracker.
    assert [tip_index(send("/self_help")) for _ in range(4)] == [0, 1, 2, 3]


def test_two_messages_at_once_are_handled_in_order(replicas, redis_client):
    send = chat_with(replicas.settings.gateway_url)
    send("hello")
    results = []
    threads = [threading.Thread(target=lambda: results.append(tip_index(send("/self_help")))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # With the Redis lock store one waits for the other: two different tips, never the first twice.
    assert sorted(results) == [0, 1]
    assert tip_index(send("/self_help")) == 2


def test_an_idle_conversation_expires_from_redis(replicas, redis_client):
    marker = f"marker-{time.time_ns()}"
    send = chat_with(replicas.settings.gateway_url)
    send(f"hello {marker}")
    key = f"{TRACKER}{send.session['id']}"
    assert marker in redis_client.get(key)
    assert 0 < redis_client.ttl(key) <= TTL
    time.sleep(TTL + 1)
    assert not redis_client.exists(key)
    assert not any(marker in (redis_client.get(k) or "") for k in redis_client.scan_iter(EVERYTHING)
                   if redis_client.type(k) == "string")
