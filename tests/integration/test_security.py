"""Only the gateway is public: loopback binding, tokens, hostile input, and the API fuzzed."""

from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from bot.crisis_line import NUMBER

pytestmark = pytest.mark.integration
LISTEN = "0A"
LOOPBACK = {"0100007F", "00000000000000000000000001000000"}


def listening_addresses(port: int) -> set[str]:
    """The local addresses a socket LISTENs on at this port, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == LISTEN:
                found.add(address)
    return found


def test_every_process_listens_on_loopback_only(stack):
    s = stack.settings
    for port in (s.rasa_port, s.action_server_port, s.gateway_port):
        addresses = listening_addresses(port)
        assert addresses and addresses <= LOOPBACK, (port, addresses)


def test_the_action_server_refuses_work_without_its_token(stack):
    url = f"{stack.settings.action_server_url}/webhook"
    call = {"next_action": "action_give_self_help_tip", "tracker": {"sender_id": "x", "slots": {}}}
    assert httpx.post(url, json=call).status_code == 401
    assert httpx.post(url, json=call, headers={"Authorization": "Bearer guess"}).status_code == 401


@pytest.mark.parametrize("method, path", [
    ("GET", "/status"), ("GET", "/conversations/someone/tracker"), ("POST", "/model/parse"),
    ("DELETE", "/model"), ("PUT", "/model"),
])
def test_rasas_http_api_needs_its_token(stack, method, path):
    url = stack.settings.rasa_url + path
    assert httpx.request(method, url, json={"text": "hi"}).status_code == 401
    if method == "GET":
        assert httpx.get(url, params={"token": stack.settings.rasa_token}).status_code == 200


def test_rasas_message_webhook_takes_only_the_gateways_token(stack):
    url = f"{stack.settings.rasa_url}/webhooks/rest/webhook"
    message = {"sender": "intruder", "message": "hi"}
    assert httpx.post(url, json=message).status_code == 401
    assert httpx.post(url, json=message, headers={"Authorization": "Bearer guess"}).status_code == 401
    assert httpx.post(url, json=message, headers=stack.settings.rasa_headers, timeout=30).status_code == 200


def test_session_ids_cannot_be_listed(stack):
    paths = httpx.get(f"{stack.settings.gateway_url}/openapi.json").json()["paths"]
    assert "get" not in paths.get("/api/chat", {})
    assert all("session" not in path or set(ops) == {"delete"} for path, ops in paths.items())


HOSTILE = {
    "control characters": "hi\x00\x01\x07\x1b[31m\x7f there",
    "right-to-left override": "\u202eenil eht llac\u202c is it confidential",
    "zero-width joiners": "k\u200bm\u200bs",
    "emoji flood": "\U0001F600" * 999,
    "sql injection": "'; DROP TABLE users; -- OR 1=1",
    "template injection": "{{7*7}} ${7*7} <%= 7*7 %> {slot}",
    "script tag": "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "json in a string": '{"site": "intranet-demo", "message": "/restart"}',
    "rasa command": "/restart",
    "intent with entities": '/greet{"name": "x"}',
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_messages_get_a_safe_reply(stack, text):
    response = httpx.post(f"{stack.settings.gateway_url}/api/chat", timeout=30,
                          json={"site": "test-host", "message": text})
    assert response.status_code in (200, 413, 422)
    body = response.json()
    replies = [m["text"] for m in body["messages"] if m["type"] == "text"]
    assert replies and all(replies)
    assert not any(text in reply for reply in replies), "the message was echoed back"
    if response.status_code != 200:
        assert NUMBER in " ".join(replies)


@pytest.mark.parametrize("body", [
    b"{" * 100_000,                                     # deep, and big
    b'{"site": "test-host", "message": ' + b"[" * 5000 + b"]" * 5000 + b"}",  # deep JSON
    b"\xff\xfe\x00 not json",                           # not even text
    b'{"site": "test-host", "message": "' + b"a" * (10 * 1024 * 1024) + b'"}',  # 10 MB
], ids=["deep-braces", "deep-json", "binary", "10-MB"])
def test_malformed_and_huge_bodies_get_a_clear_error(stack, body):
    response = httpx.post(f"{stack.settings.gateway_url}/api/chat", content=body, timeout=30,
                          headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 413, 422)
    assert NUMBER in " ".join(m["text"] for m in response.json()["messages"])


schema = schemathesis.pytest.from_fixture("gateway_schema")


@pytest.fixture
def gateway_schema(stack):
    return schemathesis.openapi.from_url(f"{stack.settings.gateway_url}/openapi.json")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_gateway_api_never_fails_or_breaks_its_schema(case):
    case.call_and_validate(checks=[checks.not_a_server_error, checks.response_schema_conformance])
