"""Faults on a stack of this module's own: whatever breaks, the person still gets the number."""

import os
import signal
import time

import httpx
import pytest

from bot.crisis_line import NUMBER, TEL
from bot.stack import Stack, free_port

from .conftest import chat_with

pytestmark = pytest.mark.integration


def texts(body: dict) -> str:
    return " ".join(m.get("text", "") for m in body["messages"])


def has_call(body: dict) -> bool:
    return any(m["type"] in ("call", "handoff") and m["tel"] == TEL for m in body["messages"])


@pytest.fixture(scope="module")
def faulty(settings, private_redis, tmp_path_factory):
    own = settings.but(rasa_port=free_port(), action_server_port=free_port(), gateway_port=free_port(),
                       redis_url=private_redis.url, rasa_timeout_seconds=2.0)
    stack = Stack(own, log_dir=tmp_path_factory.mktemp("fault-logs"))
    stack.start()
    yield stack
    stack.stop()


def timed(send, text: str) -> tuple[dict, float]:
    started = time.perf_counter()
    body = send(text)
    elapsed = time.perf_counter() - started
    print(f"[fault timing] {text!r}: {elapsed * 1000:.0f} ms")  # for the record: pytest -s
    return body, elapsed


def test_action_server_down(faulty):
    send = chat_with(faulty.settings.gateway_url)
    send("hello")
    faulty.stop("action_server")
    try:
        body, _ = timed(send, "/self_help")
        assert NUMBER in texts(body) and has_call(body)
        body, elapsed = timed(send, "i want to end my life")
        assert body["messages"][1]["type"] == "handoff" and elapsed < 0.5
        body = send("what happens when i call")  # domain answers still work, the call stays pinned
        assert "assessment" in texts(body) and has_call(body)
    finally:
        faulty.start_action_server()
    assert "box breathing" in texts(send("/self_help")).lower()


def test_action_server_down_still_gives_the_topic_answer_without_local_cards(faulty):
    send = chat_with(faulty.settings.gateway_url)  # test-host: it has contacts for money and bereavement
    with_cards = send("i'm behind on my mortgage payments")
    assert [m["type"] for m in with_cards["messages"]] == ["text", "contacts"]
    faulty.stop("action_server")
    try:
        for text in ("i can't pay my bills this month", "my dad passed away last month", "where else can i get support"):
            body, elapsed = timed(send, text)
            print(f"[fault result] action server down, {text!r}: {[m['type'] for m in body['messages']]}")
            assert [m["type"] for m in body["messages"]] == ["text"], body  # the domain answer, no cards
            assert NUMBER in texts(body) and elapsed < 5
    finally:
        faulty.start_action_server()
    assert [m["type"] for m in send("i can't pay my bills this month")["messages"]] == ["text", "contacts"]


def test_redis_stopped_then_restarted(faulty, private_redis):
    send = chat_with(faulty.settings.gateway_url)
    send("hello")
    private_redis.stop()
    try:
        body, elapsed = timed(send, "whats the number")
        assert NUMBER in texts(body) and elapsed < 5
        body, elapsed = timed(send, "gonna kms")
        assert body["messages"][1]["type"] == "handoff" and elapsed < 0.5
    finally:
        private_redis.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        body = chat_with(faulty.settings.gateway_url)("is it confidential")
        if "not shared" in texts(body):
            break
        time.sleep(0.5)
    assert "not shared" in texts(body)  # recovered without restarting anything


def test_slow_rasa(faulty):
    send = chat_with(faulty.settings.gateway_url)
    send("hello")
    rasa = faulty.processes["rasa"]
    os.killpg(rasa.pid, signal.SIGSTOP)
    try:
        body, elapsed = timed(send, "is it confidential")
        assert NUMBER in texts(body) and has_call(body)
        assert faulty.settings.rasa_timeout_seconds <= elapsed < faulty.settings.rasa_timeout_seconds + 1.5
        body, elapsed = timed(send, "i dont want to be alive anymore")
        assert body["messages"][1]["type"] == "handoff" and elapsed < 0.5
    finally:
        os.killpg(rasa.pid, signal.SIGCONT)


def test_rasa_killed_mid_conversation(faulty):
    send = chat_with(faulty.settings.gateway_url)
    assert "not shared" in texts(send("is it confidential"))
    rasa = faulty.processes["rasa"]
    os.killpg(rasa.pid, signal.SIGKILL)  # the server and its Sanic workers
    rasa.wait()
    body, elapsed = timed(send, "ive got the pills ready")
    assert body["messages"][1]["type"] == "handoff" and elapsed < 0.5
    body, elapsed = timed(send, "what happens when i call")
    assert NUMBER in texts(body) and has_call(body) and elapsed < faulty.settings.rasa_timeout_seconds + 1
    assert httpx.get(f"{faulty.settings.gateway_url}/readyz").status_code == 503
